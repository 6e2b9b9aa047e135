"""Scoring with real parts: the real Redis broker, a real Celery worker, real PostgreSQL.

Outside CI these skip when Redis (or PostgreSQL) is missing; with CI=true they fail instead.
"""

import threading
import time
from datetime import timedelta

import pytest
from celery.result import EagerResult
from django.db import OperationalError as DatabaseOperationalError
from django.db import connection
from django.utils import timezone
from kombu.exceptions import OperationalError

from alignment import services, tasks
from alignment.models import AlignmentResult
from assessments.models import Assessment, Respondent
from assessments.services import respondent_submit
from tests.factories import completed_assessment
from tests.services import require_postgres

pytestmark = pytest.mark.integration


def _wait_for(condition, timeout=30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def followed(monkeypatch):
    """What `on_scored` received, instead of the PDF job (the reports app tests that)."""
    calls = []
    monkeypatch.setattr(tasks, "on_scored", lambda result: calls.append(result.pk))
    return calls


def _submit_both(assessment) -> None:
    for respondent in Respondent.objects.filter(assessment=assessment).order_by("role"):
        respondent_submit(respondent=respondent)


def test_the_second_submit_gets_the_assessment_scored_by_a_real_worker(
    live_worker, questionnaire, followed
):
    assessment = completed_assessment(questionnaire, ceo=(4, 5, "dk"), ciso=(2,), submit=False)

    _submit_both(assessment)  # the second submit enqueues on commit, through Redis

    assert _wait_for(lambda: AlignmentResult.objects.filter(assessment=assessment).exists())
    result = AlignmentResult.objects.get(assessment=assessment)
    assert result.data["overall"]["paired_items"] > 0
    assert _wait_for(lambda: followed == [result.pk])
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SCORED


def test_the_task_goes_through_the_broker(live_worker, questionnaire, followed):
    assessment = completed_assessment(questionnaire)
    sent = tasks.score_assessment.delay(assessment.pk)
    assert not isinstance(sent, EagerResult)
    assert _wait_for(lambda: AlignmentResult.objects.filter(assessment=assessment).exists())


def test_a_transient_database_error_is_retried_by_the_worker(
    live_worker, questionnaire, followed, monkeypatch
):
    assessment = completed_assessment(questionnaire)
    real, attempts = tasks.assessment_score, []

    def flaky(*, assessment_id):
        attempts.append(time.monotonic())
        if len(attempts) == 1:
            raise DatabaseOperationalError("server closed the connection unexpectedly")
        return real(assessment_id=assessment_id)

    monkeypatch.setattr(tasks, "assessment_score", flaky)
    tasks.score_assessment.delay(assessment.pk)

    assert _wait_for(lambda: AlignmentResult.objects.filter(assessment=assessment).exists())
    assert len(attempts) == 2  # the first failed, the retry (after a backoff) scored


def test_two_concurrent_scorings_leave_exactly_one_result(
    transactional_db, questionnaire, followed, monkeypatch
):
    require_postgres()
    assessment = completed_assessment(questionnaire, ceo=(1, 3, 5), ciso=(2, 2, 4))
    engine = services.scoring.score
    spans, returned, errors = [], [], []

    def slow_engine(*args, **kwargs):
        started = time.monotonic()
        time.sleep(0.3)  # long enough for the other scoring to arrive meanwhile
        data = engine(*args, **kwargs)
        spans.append((started, time.monotonic()))
        return data

    monkeypatch.setattr(services.scoring, "score", slow_engine)
    barrier = threading.Barrier(2)

    def score():
        try:
            barrier.wait()
            returned.append(tasks.score_assessment.apply(args=[assessment.pk]).get())
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=score) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)

    assert errors == []
    assert AlignmentResult.objects.filter(assessment=assessment).count() == 1
    result = AlignmentResult.objects.get(assessment=assessment)
    assert returned == [str(result.pk)] * 2
    (first_start, first_end), (second_start, _) = sorted(spans)
    assert second_start >= first_end, "the row lock made the two scorings take turns"


def test_the_sweeper_scores_an_assessment_whose_message_was_lost(
    live_worker, questionnaire, followed, monkeypatch
):
    assessment = completed_assessment(questionnaire, submit=False)

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    with monkeypatch.context() as outage:
        outage.setattr(tasks.score_assessment, "apply_async", broker_down)
        _submit_both(assessment)  # committed; the enqueue failed and was logged
    assert Respondent.objects.filter(assessment=assessment, submitted_at__isnull=False).count() == 2
    time.sleep(0.5)
    assert not AlignmentResult.objects.filter(assessment=assessment).exists()
    # Later: past the sweeper's grace period, beat runs the sweeper on the real worker.
    Respondent.objects.filter(assessment=assessment).update(
        submitted_at=timezone.now() - tasks.SWEEP_GRACE - timedelta(minutes=1)
    )

    tasks.sweep_unscored.delay()

    assert _wait_for(lambda: AlignmentResult.objects.filter(assessment=assessment).exists())
    tasks.sweep_unscored.delay()  # a second sweep finds nothing to do
    time.sleep(1)
    assert AlignmentResult.objects.filter(assessment=assessment).count() == 1
    assert len(followed) == 1
