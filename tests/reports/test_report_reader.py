"""The report of a realistic assessment, checked as a reader (and a screen reader) would: its
text with pdftotext, its structure with pdfinfo, pdftohtml and pdffonts.

The report is rendered once for the module (it takes a second or two); the data it is made from
is rolled back afterwards.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import transaction

from alignment import charts
from alignment.models import AlignmentResult
from alignment.recommendations import recommend
from alignment.scoring import SCORING_VERSION
from alignment.services import assessment_score
from assessments.models import Questionnaire
from reports.rendering import build_html, render_pdf
from tests.factories import realistic_assessment
from tests.reports import pdftools

SECTIONS = [
    "Executive summary",
    "The picture at a glance",
    "Dimension by dimension",
    "Respondents like yours",
    "Recommendations",
    "Appendix: methodology",
]


@dataclass
class Rendered:
    pdf: bytes
    pages: int
    result_data: dict
    organisation: str
    title: str
    html_ms: float


def _render(page_size: str) -> Rendered:
    call_command("load_question_bank", verbosity=0)
    questionnaire = Questionnaire.objects.get(slug="parley-genai", version=1)
    assessment = realistic_assessment(questionnaire)
    result = assessment_score(assessment_id=assessment.pk)
    rendered = render_pdf(result, page_size=page_size)
    return Rendered(
        rendered.pdf,
        rendered.pages,
        result.data,
        assessment.organization.name,
        assessment.title,
        rendered.html_ms,
    )


@pytest.fixture(scope="module")
def report(django_db_setup, django_db_blocker) -> Rendered:
    with django_db_blocker.unblock(), transaction.atomic():
        rendered = _render("A4")
        transaction.set_rollback(True)
    return rendered


@pytest.fixture(scope="module")
def text(report) -> str:
    return pdftools.text(report.pdf)


def test_it_names_the_organisation_and_the_round(report, text):
    assert report.organisation in text
    assert report.title in text


def test_it_prints_the_overall_index_and_its_band(report, text):
    overall = report.result_data["overall"]
    printed = charts.fmt_index(overall["alignment_index"])
    assert f"overall alignment index of {printed} out of 100" in text
    assert {"broadly_aligned": "Broadly aligned"}[overall["band"]] in text


def test_it_has_a_section_for_every_dimension(report, text):
    for dimension in report.result_data["dimensions"]:
        assert f"{dimension['code']} · {dimension['name']}" in text


def test_it_shows_both_answers_in_words_with_their_comments(text):
    # Item 2.5: the CEO agreed, the CISO strongly disagreed, and the CISO commented.
    assert "4 \u2013 Agree" in text and "1 \u2013 Strongly disagree" in text
    assert "Nobody has signed off residual risk for the pilots running in claims." in text
    assert "Critical gap" in text and "3 points apart" in text
    assert "Don\u2019t know" in text


def test_it_lists_the_prioritised_recommendations(report, text):
    recommendations = recommend(report.result_data["dimensions"])
    first = recommendations[0]
    assert re.sub(r"\s+", " ", first["action"]) in text
    assert f"{first['priority']} priority" in text.replace("HIGH PRIORITY", "High priority")


def test_it_cites_the_benchmarks_and_their_caveat(text):
    assert "Context, not a norm." in text
    assert "worded their questions differently" in text
    assert "Source: NTT DATA" in text
    assert "Source: Expereo / IDC" in text


def test_it_explains_the_method(text):
    assert "Why the agreement coefficients come second" in text
    assert f"scoring version {SCORING_VERSION}" in text


def test_it_fits_in_eight_to_fourteen_pages(report):
    assert 8 <= report.pages <= 14
    assert pdftools.info(report.pdf)["Pages"] == str(report.pages)


def test_it_has_a_bookmark_for_every_section_and_dimension(report):
    bookmarks = pdftools.outline(report.pdf)
    for section in SECTIONS:
        assert section in bookmarks
    for dimension in report.result_data["dimensions"]:
        assert f"{dimension['code']} · {dimension['name']}" in bookmarks
    assert bookmarks.index("Executive summary") < bookmarks.index("Appendix: methodology")


def test_it_carries_document_metadata(report):
    info = pdftools.info(report.pdf)
    assert report.organisation in info["Title"]
    assert info["Author"] == "Parley"
    assert "CEO and the CISO" in info["Subject"]
    created = datetime.fromisoformat(info["CreationDate"].replace("Z", "+00:00"))
    assert abs(datetime.now(UTC) - created) < timedelta(hours=1)


def test_it_is_a_tagged_pdf_with_embedded_fonts(report):
    info = pdftools.info(report.pdf)
    assert info["Tagged"] == "yes"
    assert info["PDF version"] == "1.7"
    assert 'pdfuaid:part="1"' in pdftools.xmp(report.pdf), "declared PDF/UA-1"
    fonts = pdftools.fonts(report.pdf)
    assert fonts and all(font["emb"] == "yes" for font in fonts)
    assert info["Page size"].endswith("(A4)")


def test_it_renders_on_us_letter_too(django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        rendered = _render("Letter")
        transaction.set_rollback(True)
    assert "letter" in pdftools.info(rendered.pdf)["Page size"]
    assert 8 <= rendered.pages <= 14


@pytest.mark.django_db
def test_building_the_html_costs_a_fixed_number_of_queries(
    questionnaire, django_assert_max_num_queries
):
    assessment = realistic_assessment(questionnaire)
    result = AlignmentResult.objects.get(pk=assessment_score(assessment_id=assessment.pk).pk)
    build_html(result)  # reads the published bank's layout once for this process
    # The assessment, its respondents and their answers; two for the workshop's agreements;
    # one looking for a previous round.
    with django_assert_max_num_queries(6):
        html = build_html(result)
    assert assessment.organization.name in html
