"""The report's pages as a reader and a screen reader meet them: no page left mostly empty
by a table that breaks badly, every dimension's heading on the page of its first row, and
the machine-checkable part of PDF/UA-1 clean (the `pdfua` checker: 0 errors, 0 warnings).

Three reports, each rendered once for the module: the realistic round on A4 and on Letter,
and the same round with long comments on a third of the items (tables that must break).
"""

import io
import tempfile
from pathlib import Path

import pikepdf
import pytest
from django.core.management import call_command
from django.db import transaction
from pdfua import Severity, validate

from alignment.presentation.model import round_view
from alignment.services import assessment_score
from assessments.models import Answer, Questionnaire
from reports.rendering import html_to_pdf, render_pdf
from tests.factories import realistic_assessment
from tests.reports import pdftools

# Page margins of static/reports/report.css (@page), and the page heights, in mm.
TOP_MM, BOTTOM_MM = 22, 20
HEIGHT_MM = {"A4": 297, "Letter": 279.4}
MIN_FILL = 0.35  # every page but the last of a section reaches at least this far down
SECTIONS = [
    "Executive summary",
    "The picture at a glance",
    "Dimension by dimension",
    "Respondents like yours",
    "Recommendations",
    "Appendix: methodology",
]
LONG_COMMENT = (
    "We discussed this at length in the executive committee and the answer depends on the "
    "business line: claims moved first, underwriting waits for the regulator's guidance, and "
    "the data office wants a register of every model before anything reaches a customer. "
) * 3
# pytest-django sets the test database up only for a session with a test marked so.
pytestmark = pytest.mark.django_db
CASES = {
    "realistic-A4": ("A4", False),
    "realistic-Letter": ("Letter", False),
    "long-comments-A4": ("A4", True),
}


def _render(page_size: str, long_comments: bool):
    call_command("load_question_bank", verbosity=0)
    questionnaire = Questionnaire.objects.get(slug="parley-genai", version=1)
    assessment = realistic_assessment(questionnaire)
    if long_comments:
        for answer in Answer.objects.filter(respondent__assessment=assessment):
            if answer.question.order % 3 == 0:
                answer.comment = LONG_COMMENT
                answer.save(update_fields=["comment"])
    result = assessment_score(assessment_id=assessment.pk)
    dimensions = [
        (d.code, d.name, d.items[0].ceo_text) for d in round_view(assessment, result).dimensions
    ]
    return page_size, render_pdf(result, page_size=page_size).pdf, dimensions


@pytest.fixture(scope="module", params=list(CASES))
def report(django_db_setup, django_db_blocker, request):
    with django_db_blocker.unblock(), transaction.atomic():
        rendered = _render(*CASES[request.param])
        transaction.set_rollback(True)
    return rendered


def _section(page_text: str) -> str | None:
    head = page_text[:160]
    return next((section for section in SECTIONS if section in head), None)


def test_no_page_is_left_mostly_empty_but_the_last_of_a_section(report):
    page_size, pdf, _dimensions = report
    sections = [_section(text) for text in pdftools.pages_text(pdf)]
    fills = pdftools.pages_fill(
        pdf, top_mm=TOP_MM, bottom_mm=BOTTOM_MM, height_mm=HEIGHT_MM[page_size]
    )
    assert len(fills) == len(sections)
    for number, (section, fill) in enumerate(zip(sections, fills, strict=True), 1):
        last_of_section = number == len(sections) or sections[number] != section
        if not last_of_section:
            assert fill >= MIN_FILL, f"page {number} ({section}) is only {fill:.0%} filled"


def test_every_dimension_heading_is_on_the_page_of_its_first_row(report):
    _page_size, pdf, dimensions = report
    pages = pdftools.pages_text(pdf)
    in_section = [text for text in pages if _section(text) == "Dimension by dimension"]
    for code, name, first_item_text in dimensions:
        heading = f"{code} · {name}"
        page = next(text for text in in_section if heading in text)
        first_words = " ".join(first_item_text.split()[:5])
        after_heading = page[page.index(heading) :]
        assert first_words in after_heading, f"{heading}: its first row is on the next page"


def test_the_report_passes_pdfua_with_no_error_and_no_warning(report):
    _page_size, pdf, _dimensions = report
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.pdf"
        path.write_bytes(pdf)
        checked = validate(str(path))
    findings = [
        f"{finding.rule_id}: {finding.message}"
        for finding in checked.findings
        if finding.severity in (Severity.ERROR, Severity.WARNING)
    ]
    assert findings == []


def test_table_header_cells_say_whether_they_head_a_column_or_a_row():
    html = """<html lang="en"><head><title>t</title></head><body><table>
      <thead><tr><th scope="col">Item</th><th scope="col">Answer</th></tr></thead>
      <tbody><tr><th scope="row">1.1</th><td>Agree</td></tr></tbody></table></body></html>"""
    pdf, _pages, _refused = html_to_pdf(html)
    with pikepdf.open(io.BytesIO(pdf)) as document:
        scopes = [str(cell.A.Scope) for cell in _elements(document, pikepdf.Name.TH)]
    assert sorted(scopes) == ["/Column", "/Column", "/Row"]


def _elements(document, role) -> list:
    """The structure elements of the document's tag tree with this role."""
    found = []
    stack = [document.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        if node.get("/S") == role:
            found.append(node)
        kids = node.get("/K")
        kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
        stack.extend(k for k in kids if isinstance(k, pikepdf.Dictionary) and "/S" in k)
    return found
