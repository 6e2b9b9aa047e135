"""A second scored round's report shows the change since the previous round (issue #6)."""

import datetime

import pytest

from alignment.services import assessment_score
from assessments.models import Assessment
from reports.rendering import build_html, render_pdf
from tests.factories import OrganizationFactory, completed_assessment
from tests.reports import pdftools

pytestmark = pytest.mark.django_db


def _two_rounds(questionnaire):
    organization = OrganizationFactory(name="Trendy Mutual")
    first = completed_assessment(questionnaire, organization=organization, ceo=(5,), ciso=(1,))
    Assessment.objects.filter(pk=first.pk).update(
        created_at=first.created_at - datetime.timedelta(days=180)
    )
    assessment_score(assessment_id=first.pk)
    second = completed_assessment(questionnaire, organization=organization, ceo=(4,), ciso=(3,))
    return first, assessment_score(assessment_id=second.pk)


def test_the_second_rounds_report_shows_the_change_per_dimension(questionnaire):
    first, result = _two_rounds(questionnaire)
    html = build_html(result)
    assert "Change since the previous round" in html
    assert first.title in html
    # Index 0 (gap 4 everywhere) then 75 (gap 1): +75 points overall.
    assert "+75" in html


def test_the_first_round_has_no_trend_section(questionnaire):
    result = assessment_score(assessment_id=completed_assessment(questionnaire).pk)
    assert "Change since the previous round" not in build_html(result)


def test_the_trend_reaches_the_pdf(questionnaire):
    _, result = _two_rounds(questionnaire)
    text = pdftools.text(render_pdf(result).pdf)
    assert "Change since the previous round" in text
