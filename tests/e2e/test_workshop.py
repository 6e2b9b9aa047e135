"""The consultant's workshop in real Chromium: sign in, open a scored assessment, run the
workshop to the end with the keyboard (one agreed position, one action, seen by a second
screen within seconds), start the next round and download the XLSX export.

With PARLEY_SHOTS=/some/folder the test also saves screenshots of the dashboard, the results
page and the presenter view there.
"""

import os
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from alignment.models import ActionItem, ConsensusAnswer
from alignment.presentation.model import round_view
from assessments.models import Assessment, Invitation
from tests.factories import DEFAULT_PASSWORD, scored_assessment
from workspace.selectors import workshop_order

from .conftest import watch

pytestmark = pytest.mark.e2e
SHOTS = os.environ.get("PARLEY_SHOTS", "")
ACTION = "Publish a one-page GenAI risk-appetite statement"


def _expect():
    from playwright.sync_api import expect

    return expect


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(
            path=str(Path(SHOTS) / f"{name}.png"), full_page=name not in ("presenter", "summary")
        )


def _sign_in(page, base_url, user):
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/organisations/$"))


def test_a_consultant_runs_the_workshop_starts_the_next_round_and_exports(
    page, new_context, base_url, consultant, organization, questionnaire, mailoutbox, tmp_path
):
    expect = _expect()
    assessment = scored_assessment(
        questionnaire, organization=organization, title="GenAI alignment, round 1"
    )
    first = workshop_order(round_view(assessment).dimensions)[0].code

    # The dashboard shows the scored round; its results page leads to the workshop.
    _sign_in(page, base_url, consultant)
    expect(page.get_by_text("GenAI alignment, round 1")).to_be_visible()
    _shot(page, "dashboard")
    page.get_by_role("link", name="Results", exact=True).click()
    expect(page.get_by_role("heading", name="Results: GenAI alignment, round 1")).to_be_visible()
    expect(page.locator("#gap-map svg")).to_be_visible()  # loaded by htmx after the page
    gap_map = page.locator("#gap-map")
    # It opens on what is worth discussing: 1 critical, 15 material, 4 knowledge gaps.
    expect(gap_map.locator("[data-gap-item]")).to_have_count(20)
    gap_map.locator('label[for="f-critical"]').click()
    expect(gap_map.locator("[data-gap-item]")).to_have_count(19)
    gap_map.locator('label[for="f-material"]').click()  # only the knowledge gaps now
    expect(gap_map.locator("[data-gap-item]")).to_have_count(4)
    expect(gap_map.get_by_text("Showing 4 of 44 items")).to_be_visible()
    _shot(page, "results")
    page.get_by_role("link", name="Run the workshop").click()
    page.wait_for_url(re.compile(r"/workshop/"))
    expect(
        page.get_by_role("heading", name=re.compile("where the CEO and the CISO stand"))
    ).to_be_visible()

    # A second screen (the consultant's laptop) follows the same workshop.
    laptop = watch(page.context.new_page())
    laptop.goto(page.url.split("#")[0] + f"#{first}")
    expect(laptop.locator(f"#{first} h1")).to_be_visible()

    # → moves from the title slide to the widest gap.
    page.keyboard.press("ArrowRight")
    slide = page.locator(f"section#{first}")
    expect(slide).to_be_visible()
    expect(page.locator("[data-counter]")).to_have_text("2 / 12")
    _shot(page, "presenter")

    # The agreed position, saved as it is chosen; Esc gives the arrows back.
    slide.locator(f'label[for="pos-{first}-3"]').click()
    expect(slide.locator(".ws-status")).to_have_text(re.compile("^Saved at"))
    page.keyboard.press("Escape")

    # One action, typed and submitted from the keyboard.
    slide.get_by_label("New action").focus()
    page.keyboard.type(ACTION)
    slide.get_by_label("Owner").select_option("both")
    slide.get_by_label("New action").focus()
    page.keyboard.press("Enter")
    expect(slide.locator(f"#actions-{first}")).to_contain_text(ACTION)
    expect(slide.get_by_label("New action")).to_have_value("")

    # The second screen sees both within a few seconds.
    expect(laptop.locator(f"#actions-{first}")).to_contain_text(ACTION, timeout=8000)
    expect(laptop.locator(f"#pos-{first}-3")).to_be_checked(timeout=8000)

    # → to the end of the walk-through.
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    expect(page.locator("[data-counter]")).to_have_text("12 / 12")
    summary = page.locator("section#summary")
    expect(summary.get_by_role("heading", name="What we agreed")).to_be_visible()
    expect(summary.locator(f'tr[data-summary="{first}"]')).to_contain_text(ACTION)
    expect(summary.locator(f'tr[data-summary="{first}"] .ws-agreed')).to_have_text("3")
    _shot(page, "summary")
    page.keyboard.press("ArrowLeft")
    expect(page.locator("[data-counter]")).to_have_text("11 / 12")
    page.keyboard.press("End")
    summary.get_by_role("button", name="Finish the workshop").click()
    expect(page.get_by_text("Workshop finished")).to_be_visible()

    position = ConsensusAnswer.objects.get(session__assessment=assessment)
    assert (position.dimension.code, position.value) == (first, 3)
    action = ActionItem.objects.get(session__assessment=assessment)
    assert (action.description, action.owner_role) == (ACTION, "both")

    # The XLSX export of this round, opened with openpyxl.
    page.get_by_role("button", name="Export").click()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Excel workbook")).click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name.startswith("parley-acme-health-") and saved.suffix == ".xlsx"
    book = load_workbook(saved)
    assert book.sheetnames[:5] == ["Overall", "Answers", "Dimension scores", "Item gaps", "Actions"]
    assert book.sheetnames[5:] == ["Perception"]
    actions = list(book["Actions"].iter_rows(values_only=True))
    assert actions[1][actions[0].index("Action")] == ACTION
    assert len(list(book["Item gaps"].iter_rows())) == 45

    # The next round: same organisation and executives, new links by email.
    page.get_by_role("link", name="Start the next round").click()
    expect(page.get_by_label("Title")).to_have_value("GenAI alignment, round 2")
    page.get_by_role("button", name="Start the next round").click()
    expect(page.get_by_text("The next round is open")).to_be_visible()
    later = Assessment.objects.exclude(pk=assessment.pk).get(organization=organization)
    assert later.status == Assessment.Status.OPEN
    assert (
        Invitation.objects.filter(respondent__assessment=later, sent_at__isnull=False).count() == 2
    )
    assert {m.to[0] for m in mailoutbox} == set(
        assessment.respondents.values_list("email", flat=True)
    )

    assert page.errors == [] and laptop.errors == []
