"""The sweeper finds fully submitted assessments with no current result and re-enqueues them."""

from datetime import timedelta

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError

from alignment import tasks
from alignment.models import AlignmentResult
from alignment.selectors import assessments_awaiting_score
from alignment.services import assessment_score
from assessments.models import Respondent
from tests.factories import completed_assessment

pytestmark = pytest.mark.django_db


def _submitted_ago(assessment, minutes: int, role=None):
    respondents = Respondent.objects.filter(assessment=assessment)
    if role:
        respondents = respondents.filter(role=role)
    respondents.update(submitted_at=timezone.now() - timedelta(minutes=minutes))
    return assessment


def _awaiting(limit=100):
    return assessments_awaiting_score(
        submitted_before=timezone.now() - tasks.SWEEP_GRACE, limit=limit
    )


def test_it_selects_only_fully_submitted_assessments_without_a_current_result(questionnaire):
    lost = _submitted_ago(completed_assessment(questionnaire), 30)
    scored = _submitted_ago(completed_assessment(questionnaire), 30)
    assessment_score(assessment_id=scored.pk)
    half = _submitted_ago(completed_assessment(questionnaire), 30)
    Respondent.objects.filter(assessment=half, role="ciso").update(submitted_at=None)
    none = completed_assessment(questionnaire, submit=False)

    assert _awaiting() == [lost.pk]
    assert none.pk not in _awaiting()


def test_a_result_of_an_older_scoring_version_is_not_current(questionnaire):
    assessment = _submitted_ago(completed_assessment(questionnaire), 30)
    AlignmentResult.objects.create(
        assessment=assessment,
        scoring_version="0",
        computed_at=timezone.now(),
        answers_digest="x",
        data={},
    )
    assert _awaiting() == [assessment.pk]


def test_it_leaves_alone_an_assessment_whose_second_submit_is_recent(questionnaire):
    assessment = _submitted_ago(completed_assessment(questionnaire), 30)
    _submitted_ago(assessment, 0, role="ciso")  # scoring message still on its way
    assert _awaiting() == []


def test_the_batch_is_bounded_oldest_first(questionnaire):
    ids = [_submitted_ago(completed_assessment(questionnaire), 30).pk for _ in range(3)]
    assert _awaiting(limit=2) == ids[:2]


def test_the_sweeper_scores_the_lost_assessments(questionnaire):
    lost = [_submitted_ago(completed_assessment(questionnaire), 30) for _ in range(2)]
    assert tasks.sweep_unscored.delay().get() == 2  # in-process here: scored at once
    assert AlignmentResult.objects.filter(assessment__in=lost).count() == 2
    assert tasks.sweep_unscored.delay().get() == 0  # nothing left: nothing scored twice
    assert AlignmentResult.objects.count() == 2


def test_it_stops_at_the_first_broker_error_and_leaves_the_rest_for_next_time(
    questionnaire, monkeypatch
):
    for _ in range(3):
        _submitted_ago(completed_assessment(questionnaire), 30)
    sent = []

    def broker_down(*args, **kwargs):
        sent.append(args)
        raise OperationalError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(tasks.score_assessment, "apply_async", broker_down)
    conf = tasks.score_assessment.app.conf
    conf.task_always_eager = False  # as with a real broker
    try:
        assert tasks.sweep_unscored() == 0
    finally:
        conf.task_always_eager = True
    assert len(sent) == 1
    assert not AlignmentResult.objects.exists()


def test_the_sweeper_is_scheduled(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["sweep-unscored-assessments"]
    assert entry["task"] == tasks.sweep_unscored.name == "alignment.sweep_unscored"
    assert entry["schedule"] <= 10 * 60
