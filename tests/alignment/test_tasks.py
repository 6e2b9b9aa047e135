"""score_assessment: thin, idempotent, retried with backoff on transient database errors."""

import pytest
from celery.exceptions import Retry
from django.db import OperationalError

from alignment import tasks
from alignment.models import AlignmentResult
from tests.factories import completed_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def followed(monkeypatch):
    calls = []
    monkeypatch.setattr(tasks, "on_scored", calls.append)
    return calls


def test_a_transient_database_error_asks_for_a_retry_with_backoff(questionnaire, monkeypatch):
    assessment = completed_assessment(questionnaire)

    def down(*, assessment_id):
        raise OperationalError("could not serialize access due to concurrent update")

    monkeypatch.setattr(tasks, "assessment_score", down)
    with pytest.raises(Retry) as retry:
        tasks.score_assessment.apply(args=[assessment.pk])
    assert isinstance(retry.value.exc, OperationalError)
    task = tasks.score_assessment
    assert OperationalError in task.autoretry_for
    assert task.retry_backoff and task.retry_jitter and task.max_retries >= 3
    # tests/integration/test_scoring_jobs.py retries for real, on a worker.


def test_a_deleted_assessment_is_not_retried(db, followed):
    assert tasks.score_assessment.apply(args=[123_456]).get() is None
    assert followed == []


def test_an_assessment_not_fully_submitted_is_left_for_later(questionnaire, followed):
    assessment = completed_assessment(questionnaire, submit=False)
    assert tasks.score_assessment.apply(args=[assessment.pk]).get() is None
    assert not AlignmentResult.objects.exists() and followed == []


def test_a_duplicate_message_leaves_one_result_and_follows_up_each_time(questionnaire, followed):
    assessment = completed_assessment(questionnaire)
    first = tasks.score_assessment.apply(args=[assessment.pk]).get()
    second = tasks.score_assessment.apply(args=[assessment.pk]).get()
    assert first == second
    assert AlignmentResult.objects.filter(assessment=assessment).count() == 1
    # The report app dedupes by answers digest (reports.services.report_request).
    assert len(followed) == 2
