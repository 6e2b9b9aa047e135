"""The batch path: many assessments in one transaction, the same results as one by one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alignment import scoring, services
from alignment.models import AlignmentResult
from alignment.selectors import scoring_inputs
from alignment.services import assessment_score, assessments_score
from assessments.models import Answer, Assessment
from tests.factories import completed_assessment

pytestmark = pytest.mark.django_db


def test_it_stores_what_the_engine_returns_for_each_assessment(questionnaire):
    assessments = [
        completed_assessment(questionnaire, ceo=(1, 2, 3, "dk"), ciso=(5, 4)),
        completed_assessment(questionnaire, ceo=(3,), ciso=(3,)),
    ]
    outcome = assessments_score(assessment_ids=[a.pk for a in assessments])
    assert len(outcome.results) == 2
    for assessment in assessments:
        stored = AlignmentResult.objects.get(assessment=assessment)
        assert stored.data == scoring.score(**scoring_inputs(assessment))
        assert stored.scoring_version == scoring.SCORING_VERSION


def test_the_batch_and_the_single_path_store_the_same_row(questionnaire):
    assessment = completed_assessment(questionnaire, ceo=(1, 5, "dk"), ciso=(4, 2))
    assessments_score(assessment_ids=[assessment.pk])
    batch = AlignmentResult.objects.get(assessment=assessment)
    single = assessment_score(assessment_id=assessment.pk)
    again = AlignmentResult.objects.get(assessment=assessment)
    assert single.pk == batch.pk == again.pk
    assert (again.data, again.answers_digest, again.band, again.alignment_index) == (
        batch.data,
        batch.answers_digest,
        batch.band,
        batch.alignment_index,
    )


def test_it_skips_assessments_not_fully_submitted(questionnaire):
    done = completed_assessment(questionnaire)
    pending = completed_assessment(questionnaire, submit=False)
    outcome = assessments_score(assessment_ids=[done.pk, pending.pk, 999_999])
    assert [r.assessment_id for r in outcome.results] == [done.pk]
    assert [a.pk for a in outcome.not_ready] == [pending.pk]
    assert outcome.missing == [999_999]
    assert not AlignmentResult.objects.filter(assessment=pending).exists()
    pending.refresh_from_db()
    assert pending.status == Assessment.Status.OPEN


def test_one_assessment_the_engine_refuses_does_not_stop_the_others(questionnaire, monkeypatch):
    good, bad = completed_assessment(questionnaire), completed_assessment(questionnaire, ceo=(5,))
    engine = scoring.score

    def picky(dimensions, items, ceo, ciso, perceived=None):
        if set(ceo.values()) == {5}:
            raise ValueError("invalid ceo answer for item 1.1")
        return engine(dimensions, items, ceo, ciso, perceived)

    monkeypatch.setattr(services.scoring, "score", picky)
    outcome = assessments_score(assessment_ids=[good.pk, bad.pk])
    assert [r.assessment_id for r in outcome.results] == [good.pk]
    assert outcome.failed == {bad.pk: "invalid ceo answer for item 1.1"}
    with pytest.raises(ValueError, match="item 1.1"):
        assessment_score(assessment_id=bad.pk)


def test_it_reports_as_changed_only_new_results_or_different_answers(questionnaire):
    first, second = completed_assessment(questionnaire), completed_assessment(questionnaire)
    assessments_score(assessment_ids=[first.pk])
    outcome = assessments_score(assessment_ids=[first.pk, second.pk])
    assert [r.assessment_id for r in outcome.changed] == [second.pk]
    # An answer changed behind the product's back (the digest no longer matches).
    Answer.objects.filter(respondent__assessment=first, question__code="1.1").update(value=1)
    outcome = assessments_score(assessment_ids=[first.pk, second.pk])
    assert [r.assessment_id for r in outcome.changed] == [first.pk]
    stored = AlignmentResult.objects.get(assessment=first)
    assert stored.answers_digest == outcome.changed[0].answers_digest
    assert AlignmentResult.objects.count() == 2


def test_rescoring_replaces_the_row_and_keeps_its_creation_time(questionnaire):
    assessment = completed_assessment(questionnaire)
    first = assessment_score(assessment_id=assessment.pk)
    created = AlignmentResult.objects.get(pk=first.pk).created_at
    second = assessment_score(assessment_id=assessment.pk)
    stored = AlignmentResult.objects.get(assessment=assessment)
    assert stored.pk == first.pk == second.pk
    assert stored.created_at == created
    assert stored.computed_at >= created


def test_a_result_of_another_version_is_left_alone(questionnaire):
    assessment = completed_assessment(questionnaire)
    old = AlignmentResult.objects.create(
        assessment=assessment,
        scoring_version="0",
        computed_at=assessment.created_at,
        answers_digest="x",
        data={},
    )
    assessment_score(assessment_id=assessment.pk)
    assert AlignmentResult.objects.filter(assessment=assessment).count() == 2
    assert AlignmentResult.objects.get(pk=old.pk).data == {}


def _queries(ids) -> int:
    with CaptureQueriesContext(connection) as context:
        assessments_score(assessment_ids=ids)
    return len(context)


def test_the_query_count_of_a_batch_does_not_grow_with_its_size(questionnaire):
    one = [completed_assessment(questionnaire).pk]
    many = [completed_assessment(questionnaire, ceo=(1, 2, "dk")).pk for _ in range(15)]
    assert _queries(one) == _queries(many) == 8  # 6 statements and one savepoint pair
    more = [completed_assessment(questionnaire).pk for _ in range(3)]
    cache = {}
    assessments_score(assessment_ids=one, spec_cache=cache)
    with CaptureQueriesContext(connection) as context:
        assessments_score(assessment_ids=more, spec_cache=cache)
    assert len(context) == 7  # the questionnaire comes from the cache
