"""Scoring a submitted assessment stores one current result, in a constant number of queries."""

import pytest

from alignment.models import AlignmentResult
from alignment.services import NotReadyToScore, assessment_score
from alignment.tasks import score_assessment
from assessments.models import Assessment
from tests.factories import completed_assessment

pytestmark = pytest.mark.django_db


def test_it_stores_the_engines_result(questionnaire):
    assessment = completed_assessment(questionnaire, ceo=(4,), ciso=(2,))
    result = assessment_score(assessment_id=assessment.pk)
    assert result.data["overall"]["paired_items"] == 44
    assert result.alignment_index == pytest.approx(50.0)
    assert result.band == "misaligned"
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SCORED


def test_scoring_twice_leaves_exactly_one_result(questionnaire):
    assessment = completed_assessment(questionnaire)
    first = assessment_score(assessment_id=assessment.pk)
    second = score_assessment.delay(assessment.pk)
    assert AlignmentResult.objects.filter(assessment=assessment).count() == 1
    assert second.get() == str(first.pk)


def test_it_refuses_an_assessment_not_fully_submitted(questionnaire):
    assessment = completed_assessment(questionnaire, submit=False)
    with pytest.raises(NotReadyToScore):
        assessment_score(assessment_id=assessment.pk)
    assert not AlignmentResult.objects.exists()


@pytest.mark.parametrize("values", [(3,), (1, 2, 3, 4, 5, "dk")])
def test_the_query_count_does_not_grow_with_the_items(
    questionnaire, values, django_assert_num_queries
):
    assessment = completed_assessment(questionnaire, ceo=values, ciso=(2,))
    # Lock, questionnaire, answers, previous digest, upsert, status, and one savepoint pair.
    with django_assert_num_queries(8):
        assessment_score(assessment_id=assessment.pk)
