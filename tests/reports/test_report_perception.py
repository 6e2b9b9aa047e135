"""The PDF of a version 2 round: "How well they read each other" right after the executive
summary, one sentence on it in the summary, and the methodology explaining the figures and
their limits (read with pdftotext, as a reader would)."""

import pytest

from alignment.presentation.model import round_view
from alignment.services import assessment_score
from reports.rendering import render_pdf
from tests.factories import realistic_assessment
from tests.reports import pdftools

pytestmark = pytest.mark.django_db


def test_the_pdf_has_the_perception_section_with_the_right_figures(questionnaire_v2):
    result = assessment_score(assessment_id=realistic_assessment(questionnaire_v2).pk)
    perception = round_view(result.assessment, result).perception

    pdf = render_pdf(result).pdf
    text = pdftools.text(pdf)

    outline = pdftools.outline(pdf)
    summary_parts = ["The widest gaps", "Who is more optimistic, where", "What they do not know"]
    after_summary = outline.index("What they do not know") + 1
    assert outline.index("Executive summary") < outline.index("The widest gaps")
    assert [outline.index(part) for part in summary_parts] == sorted(
        outline.index(part) for part in summary_parts
    )
    assert outline[after_summary] == "How well they read each other"  # the next section
    section = text.index("How well they read each other", text.index("The widest gaps"))
    sentence = (
        f"How well they read each other: an understanding index of "
        f"{perception.ceo.understanding} for the CEO and {perception.ciso.understanding} for the "
        "CISO out of 100; the CEO feels more aligned than measured, the CISO feels less "
        "aligned than measured."
    )
    assert sentence in text
    body = text[section:]
    # The two sides stand in two columns, which pdftotext reads line by line.
    assert f"{perception.ceo.understanding} understanding index out of 100, over 10" in body
    assert f"{perception.ciso.understanding} understanding index out of 100, over 9" in body
    assert f"Mutual understanding: {perception.mutual} out of 100" in body
    assert "Blind spot: 2" in body and "Imagined gap: 1" in body
    assert "Feels aligned: 5 – Fully aligned" in body
    appendix = text[text.index("Appendix: methodology") :]
    assert "100 × (1 − mean absolute error ÷ 4)" in appendix
    assert "West and Kenny, 2011" in appendix and "Cronbach, 1955" in appendix
    assert "no test, interval or generalisation is implied" in appendix


def test_a_version_1_pdf_has_no_perception(questionnaire):
    result = assessment_score(assessment_id=realistic_assessment(questionnaire).pk)
    text = pdftools.text(render_pdf(result).pdf)
    assert "How well they read each other" not in text
    assert "understanding index" not in text
