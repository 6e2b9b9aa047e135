"""The renderer on unusual results: nothing comparable, nothing different, other alphabets,
and a layout WeasyPrint cannot break the normal way."""

import pytest

from alignment.services import assessment_score
from reports.rendering import build_html, html_to_pdf, render_pdf
from tests.factories import OrganizationFactory, completed_assessment
from tests.reports import pdftools


def test_a_layout_weasyprint_cannot_break_is_laid_out_again_with_every_break_allowed():
    # Two rows each taller than a page, which must not be split nor separated: WeasyPrint
    # fails an assertion on this; the renderer retries with plain breaks.
    words = "word " * 3000
    html = f"""<html lang="en"><head><title>t</title><style>
      tbody {{ break-inside: avoid }} tbody.keep {{ break-before: avoid }}</style></head><body>
      <table><tbody><tr><td>{words}</td></tr></tbody>
      <tbody class="keep"><tr><td>{words}</td></tr></tbody></table></body></html>"""
    pdf, pages, _refused = html_to_pdf(html)
    assert pdf.startswith(b"%PDF-")
    assert pages > 2


@pytest.mark.django_db
def test_a_report_with_nothing_to_compare_says_so(questionnaire):
    # The CEO answered "don't know" to everything: no paired item, no index anywhere.
    assessment = completed_assessment(questionnaire, ceo=("dk",), ciso=(3,))
    html = build_html(assessment_score(assessment_id=assessment.pk))
    assert "no alignment index can be computed" in html
    assert "No alignment index</strong>: no item was answered by both" in html
    assert "knowledge gap" in html
    # Only the CEO did not know: the sentence names the CEO (not "one of them").
    assert "On 44 items the CEO answered" in html


@pytest.mark.django_db
def test_a_report_of_identical_answers_has_no_widest_gaps(questionnaire):
    assessment = completed_assessment(questionnaire, ceo=(3,), ciso=(3,))
    html = build_html(assessment_score(assessment_id=assessment.pk))
    assert "No item separates them" in html
    assert "there is no knowledge gap" in html
    assert "Strongly aligned" in html


@pytest.mark.django_db
def test_names_in_other_alphabets_are_printed(questionnaire):
    name = "Łódź Ωmega Мир Holdings"
    organization = OrganizationFactory(name=name, slug="lodz-omega")
    assessment = completed_assessment(questionnaire, organization=organization)
    rendered = render_pdf(assessment_score(assessment_id=assessment.pk), page_size="Letter")
    assert name in pdftools.text(rendered.pdf)
    assert rendered.refused == []
