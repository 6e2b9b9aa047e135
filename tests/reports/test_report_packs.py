"""The report packs as a reader meets them (pdftotext, pdfinfo) and as a screen reader does
(the `pdfua` checker): the board brief in at most two pages, each executive's one-pager in
one, the full report with its comments left out, all branded, none carrying a comment that
was left out.

One round, rendered once per pack for the module: a realistic round on version 2 of the bank
(predictions and the felt question), scored, after an earlier round of the same organisation
(the trend), with a workshop that agreed an action for the CEO, one for the CISO and one for
both. The data is rolled back afterwards.
"""

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from pdfua import Severity, validate

from alignment.services import assessment_score
from assessments.models import Answer, Questionnaire
from organizations.branding import branding_update
from reports.content import report_context
from reports.packs import RenderOptions
from reports.rendering import build_html, render_pdf
from tests.branding_samples import clear_branding_cache
from tests.factories import (
    ActionItemFactory,
    OrganizationFactory,
    UserFactory,
    WorkshopSessionFactory,
    realistic_assessment,
)
from tests.reports import pdftools

pytestmark = pytest.mark.django_db
PRACTICE = "Harbour Advisory"
ACTIONS = {
    "ceo": "Name a single executive owner for GenAI risk acceptance",
    "ciso": "Run a red-team exercise against the claims assistant",
    "both": "Agree one acceptable-use policy and publish it to all staff",
}
DUE = date(2027, 3, 31)
# (pack, include comments or None for the pack's default)
RENDERS = {
    "board": ("board", None),
    "board-with-comments": ("board", True),
    "ceo": ("ceo", None),
    "ciso": ("ciso", None),
    "full-redacted": ("full", False),
}


@dataclass
class Rendered:
    pdf: bytes
    pages: int
    text: str
    pages_text: list[str]


@dataclass
class Round:
    rendered: dict[str, Rendered]
    comments: list[str]
    context: dict  # the board brief's template context, to compare the text with


def _round():
    call_command("load_question_bank", verbosity=0)
    questionnaire = Questionnaire.objects.get(slug="parley-genai", version=2)
    organization = OrganizationFactory(name="Northwind Mutual Insurance")
    earlier = realistic_assessment(questionnaire, organization=organization, title="Spring round")
    assessment_score(assessment_id=earlier.pk)
    current = realistic_assessment(questionnaire, organization=organization, title="Autumn round")
    session = WorkshopSessionFactory(assessment=current)
    dimension = questionnaire.dimensions.order_by("order").first()
    for owner, description in ACTIONS.items():
        ActionItemFactory(
            session=session,
            dimension=dimension,
            owner_role=owner,
            description=description,
            due_date=DUE,
        )
    result = assessment_score(assessment_id=current.pk)
    comments = [
        comment
        for comment in Answer.objects.filter(respondent__assessment=current).values_list(
            "comment", flat=True
        )
        if comment.strip()
    ]
    return result, comments


def _brand():
    branding_update(
        actor=UserFactory(is_staff=True),
        name=PRACTICE,
        primary_colour="#0a3d62",
        accent_colour="#8a1538",
        contact_line="",
        legal_footer="",
        logo=b"",
        logo_type="",
    )


@pytest.fixture(scope="module")
def packs(django_db_setup, django_db_blocker) -> Round:
    clear_branding_cache()
    with django_db_blocker.unblock(), transaction.atomic():
        _brand()
        result, comments = _round()
        rendered = {}
        for name, (pack, comments_on) in RENDERS.items():
            pdf = render_pdf(result, options=RenderOptions.build(pack, comments_on))
            assert pdf.refused == []
            rendered[name] = Rendered(
                pdf.pdf, pdf.pages, pdftools.text(pdf.pdf), pdftools.pages_text(pdf.pdf)
            )
        context = report_context(result, options=RenderOptions.build("board"))
        transaction.set_rollback(True)
    clear_branding_cache()
    assert comments, "the realistic round has comments to leave out"
    return Round(rendered, comments, context)


def _has_comment(text: str, comments: list[str]) -> list[str]:
    """The comments (their first words, as pdftotext joins lines) found in the text."""
    found = []
    for comment in comments:
        start = " ".join(comment.split()[:6])
        if start in text:
            found.append(start)
    return found


# --- the board brief ------------------------------------------------------------------------


def test_the_board_brief_fits_in_two_pages(packs):
    assert 1 <= packs.rendered["board"].pages <= 2
    assert 1 <= packs.rendered["board-with-comments"].pages <= 2


def test_the_board_brief_gives_the_index_band_and_widest_gaps_in_plain_words(packs):
    text = packs.rendered["board"].text
    overall = packs.context["overall"]
    assert f"{overall.index} alignment index out of 100" in text
    assert overall.band_label in text
    gaps = packs.context["widest_gaps"]
    assert len(gaps) == 3
    for item in gaps:
        assert f"On “{item.ceo_text}”, the CEO answered {item.ceo.words}" in text
        assert f"the CISO {item.ciso.words}" in text


def test_the_board_brief_shows_perceived_alignment_actions_and_the_trend(packs):
    text = packs.rendered["board"].text
    perception, trend = packs.context["perception"], packs.context["trend"]
    assert "Perceived alignment" in text
    assert f"the CEO answered {perception.ceo.felt} and the CISO {perception.ciso.felt}" in text
    for description in ACTIONS.values():
        assert description in text
    assert text.count("31 Mar 2027") == 3, "every action with its due date"
    assert "CEO and CISO" in text and "Owner" in text
    assert "Since the last round" in text
    assert f"Compared with “{trend.previous.title}”" in text
    assert f"to {trend.current_index} ({trend.current_band})" in text
    # Both rounds were answered alike: no change, and no dimension listed as having moved.
    assert trend.direction == "same" and "No change." in text
    assert packs.context["trend_moved"] == []


def test_the_board_brief_leaves_comments_out_by_default_and_says_so_first(packs):
    board = packs.rendered["board"]
    assert "Without verbatim comments." in board.pages_text[0]
    assert _has_comment(board.text, packs.comments) == []
    with_comments = packs.rendered["board-with-comments"]
    assert "Without verbatim comments" not in with_comments.text
    gap_comments = [
        side.comment
        for item in packs.context["widest_gaps"]
        for side in (item.ceo, item.ciso)
        if side.comment
    ]
    assert gap_comments, "the realistic round comments on a widest gap"
    assert _has_comment(with_comments.text, gap_comments) != []


# --- the one-pagers -------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "other"), [("ceo", "CISO"), ("ciso", "CEO")])
def test_each_one_pager_is_one_page_of_their_own_position_blind_spots_and_actions(
    packs, role, other
):
    rendered = packs.rendered[role]
    assert rendered.pages == 1
    text = rendered.text
    assert f"Your position against the {other}'s" in text
    for dimension in packs.context["dimensions"]:
        assert dimension.name in text
    assert "Your blind spots" in text
    perception = packs.context["perception"]
    theirs = [item for item, who in perception.blind_spots if who == role]
    for perceived in theirs[:4]:
        wording = perceived.item.ceo_text if role == "ceo" else perceived.item.ciso_text
        assert " ".join(wording.split()[:5]) in text
    assert ACTIONS[role] in text and ACTIONS["both"] in text
    other_role = "ciso" if role == "ceo" else "ceo"
    assert ACTIONS[other_role] not in text, "only the actions they own"


def test_a_one_pager_asks_each_item_in_its_readers_wording(packs):
    gaps = packs.context["widest_gaps"]
    differing = [item for item in gaps if not item.same_wording]
    assert differing, "the bank words the widest gaps differently for each role"
    for item in differing:
        assert f"On “{item.ciso_text}”, you answered" in packs.rendered["ciso"].text
        assert f"On “{item.ceo_text}”, you answered" in packs.rendered["ceo"].text


# --- the full report without comments ---------------------------------------------------------


def test_a_redacted_full_report_says_so_on_its_cover_and_carries_no_comment(packs):
    full = packs.rendered["full-redacted"]
    assert 10 <= full.pages <= 18  # with the perception, the trend and the actions
    assert (
        "Redacted: this copy leaves out the executives' verbatim comments." in (full.pages_text[0])
    )
    assert "CEO's comment:" not in full.text and "CISO's comment:" not in full.text
    assert _has_comment(full.text, packs.comments) == []


# --- every pack -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(RENDERS))
def test_every_pack_is_branded(packs, name):
    rendered = packs.rendered[name]
    assert PRACTICE.upper() in rendered.pages_text[0]  # the band's brand line, in capitals
    assert pdftools.info(rendered.pdf)["Author"] == PRACTICE
    assert "Parley · " not in rendered.text


@pytest.mark.parametrize("name", list(RENDERS))
def test_every_pack_is_tagged_pdf_ua_with_no_error_and_no_warning(packs, name):
    pdf = packs.rendered[name].pdf
    assert pdftools.info(pdf)["Tagged"] == "yes"
    assert 'pdfuaid:part="1"' in pdftools.xmp(pdf)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{name}.pdf"
        path.write_bytes(pdf)
        checked = validate(str(path))
    findings = [
        f"{finding.rule_id}: {finding.message}"
        for finding in checked.findings
        if finding.severity in (Severity.ERROR, Severity.WARNING)
    ]
    assert findings == []


# --- the language ---------------------------------------------------------------------------


@override_settings(LANGUAGES=[("en", "English"), ("de", "Deutsch")])
def test_a_render_in_another_language_is_made_in_that_language(questionnaire):
    from tests.factories import scored_assessment

    assessment = scored_assessment(questionnaire)
    result = assessment.results.get()
    html = build_html(result, options=RenderOptions.build("ceo", language="de"))
    assert '<html lang="de">' in html
    assert '<html lang="en-GB">' in build_html(result, options=RenderOptions.build("ceo"))


# --- whatever was typed ---------------------------------------------------------------------


def test_the_briefs_keep_their_page_count_with_the_longest_comments_and_many_actions(
    questionnaire,
):
    """Comments of 4,000 characters on every answer and fifteen actions of 1,000 characters
    each, on A4 and on Letter: the board brief stays within two pages and a one-pager on
    one; what was cut says where the rest is."""
    from tests.factories import scored_assessment

    assessment = scored_assessment(questionnaire)
    Answer.objects.filter(respondent__assessment=assessment).update(comment="Long. " * 666)
    session = WorkshopSessionFactory(assessment=assessment)
    dimension = questionnaire.dimensions.order_by("order").first()
    for _ in range(15):
        ActionItemFactory(
            session=session, dimension=dimension, owner_role="both", description="Do. " * 250
        )
    result = assessment.results.get()
    for size in ("A4", "Letter"):  # Letter is 17.6 mm shorter
        board = render_pdf(
            result, page_size=size, options=RenderOptions.build("board", include_comments=True)
        )
        assert board.pages <= 2, size
        assert "And 5 more actions in the full report." in pdftools.text(board.pdf)
        for role in ("ceo", "ciso"):
            one_pager = render_pdf(result, page_size=size, options=RenderOptions.build(role))
            assert one_pager.pages == 1, (role, size)
            assert "Your actions and 12 more in the full report" in pdftools.text(one_pager.pdf)
