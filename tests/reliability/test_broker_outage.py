"""Redis stopped: a respondent still saves and submits; the sweeper gets the assessment
scored, exactly once, when Redis is back.

The web side needs the broker only to enqueue scoring after the second submit
(config.tasking.enqueue_on_commit); the submit is committed first, a failed enqueue is logged
and left to the beat sweeper `alignment.sweep_unscored`.
"""

import json
import logging
import os
import signal
import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.utils import timezone

from alignment import tasks
from alignment.models import AlignmentResult
from assessments.models import Answer, Respondent
from assessments.services import respondent_submit
from reports.models import Report
from tests.factories import answer_all, assessment_with_links

from .support import celery_on_broker, wait_for

pytestmark = pytest.mark.integration

# A respondent must not notice the outage: no request may wait on the broker for long.
MAX_REQUEST_SECONDS = 2.0
# A frozen Redis (it accepts connections and never answers) costs the one request that
# enqueues the broker's socket timeouts: about 3 s with the settings' values.
MAX_FROZEN_SECONDS = 5.0


class Timed:
    """The test client, recording how long each request took."""

    def __init__(self, client):
        self.client = client
        self.seconds: list[tuple[float, str]] = []

    def __call__(self, method, path, data=None, **extra):
        started = time.monotonic()
        response = getattr(self.client, method)(path, data or {}, **extra)
        self.seconds.append((time.monotonic() - started, f"{method.upper()} {path}"))
        return response


@pytest.fixture
def task_runs():
    """(task name, return value) of every task a worker thread of this process finishes."""
    runs = []

    def record(sender=None, retval=None, **kwargs):
        runs.append((sender.name, retval))

    task_postrun.connect(record, weak=False)
    yield runs
    task_postrun.disconnect(record)


def _answer_everything(http, token, questions) -> dict[str, str]:
    sent = {}
    for n, question in enumerate(questions):
        answer = ["1", "2", "3", "4", "5", "dk"][n % 6]
        response = http(
            "post",
            f"/r/{token}/answer/",
            {"question": question.code, "answer": answer, "comment": f"note {n}"},
            HTTP_ACCEPT="application/json",
        )
        assert response.status_code == 200, response.content
        assert json.loads(response.content)["saved"] is True
        sent[question.code] = answer
    return sent


def test_with_redis_stopped_a_respondent_saves_and_submits_then_the_sweeper_scores_once(
    redis_server, questionnaire, client, caplog, task_runs
):
    assessment, tokens = assessment_with_links(questionnaire)
    ceo = Respondent.objects.get(assessment=assessment, role=Respondent.Role.CEO)
    answer_all(ceo, (4, 2, "dk"))
    respondent_submit(respondent=ceo)  # the first submit enqueues nothing
    ciso = Respondent.objects.get(assessment=assessment, role=Respondent.Role.CISO)
    token = tokens[Respondent.Role.CISO]
    questions = list(questionnaire.questions.order_by("order"))
    http = Timed(client)
    caplog.set_level(logging.WARNING, logger="config.tasking")

    with celery_on_broker(redis_server.url()) as app:
        # As in a web process that has sent before, the producer pool holds a connection.
        with app.producer_pool.acquire(block=True) as producer:
            producer.connection.ensure_connection(max_retries=1)
        redis_server.stop()

        assert http("get", f"/r/{token}/").status_code == 200
        for dimension in questionnaire.dimensions.order_by("order"):
            assert http("get", f"/r/{token}/topics/{dimension.code}/").status_code == 200
        sent = _answer_everything(http, token, questions)
        assert http("get", f"/r/{token}/review/").status_code == 200
        response = http("post", f"/r/{token}/submit/", {"confirm": "yes"})
        assert response.status_code == 302, response.content
        assert http("get", response.url).status_code == 200  # the read-only page

        slowest = max(http.seconds)
        assert slowest[0] < MAX_REQUEST_SECONDS, f"{slowest[1]} took {slowest[0]:.2f} s"
        # The submission is stored, with every answer as sent.
        ciso.refresh_from_db()
        assert ciso.submitted_at is not None
        stored = {
            code: "dk" if dont_know else str(value)
            for code, value, dont_know in Answer.objects.filter(respondent=ciso).values_list(
                "question__code", "value", "dont_know"
            )
        }
        assert stored == sent
        # The enqueue failed, was logged, and nothing was scored meanwhile.
        assert "broker unavailable: alignment.score_assessment" in caplog.text
        assert not AlignmentResult.objects.filter(assessment=assessment).exists()

        # Later, past the sweeper's grace period (beat runs it every few minutes) ...
        Respondent.objects.filter(assessment=assessment).update(
            submitted_at=timezone.now() - tasks.SWEEP_GRACE - timedelta(seconds=1)
        )
        # ... a sweep while Redis is still down sends nothing and does not fail.
        assert tasks.sweep_unscored.apply().get() == 0
        task_runs.clear()

        redis_server.start()  # Redis is back, empty (no persistence)
        tasks.sweep_unscored.delay()  # beat's message, through the restarted broker
        assert redis_server.queued("default") == 1, "the message is on the test's own Redis"
        with start_worker(
            app,
            pool="solo",
            perform_ping_check=False,
            queues=["default"],
            loglevel="WARNING",
            shutdown_timeout=30,
        ):
            wait_for(
                lambda: ("alignment.score_assessment", str(_result_pk(assessment))) in task_runs,
                what="the sweeper's scoring to run on the worker",
            )
            # A second sweep (the next beat run) finds nothing left to do.
            tasks.sweep_unscored.delay()
            wait_for(lambda: len(task_runs) == 3, what="the second sweep")

        assert task_runs == [
            ("alignment.sweep_unscored", 1),
            ("alignment.score_assessment", str(_result_pk(assessment))),
            ("alignment.sweep_unscored", 0),
        ]
        assert AlignmentResult.objects.filter(assessment=assessment).count() == 1
        # One report asked for, its render waiting on the `reports` queue.
        assert Report.objects.filter(assessment=assessment).count() == 1
        assert redis_server.queued("reports") == 1


def _result_pk(assessment):
    return (
        AlignmentResult.objects.filter(assessment=assessment).values_list("pk", flat=True).first()
    )


def test_with_redis_frozen_the_submit_that_enqueues_still_returns_within_seconds(
    redis_server, questionnaire, client, caplog
):
    assessment, tokens = assessment_with_links(questionnaire)
    ceo, ciso = Respondent.objects.filter(assessment=assessment).order_by("role")
    answer_all(ceo, (3, 4))
    answer_all(ciso, (2, "dk"))
    respondent_submit(respondent=ceo)
    caplog.set_level(logging.WARNING, logger="config.tasking")

    with celery_on_broker(redis_server.url()) as app:
        with app.producer_pool.acquire(block=True) as producer:
            producer.connection.ensure_connection(max_retries=1)
        os.kill(redis_server.process.pid, signal.SIGSTOP)  # up, but never answering
        try:
            started = time.monotonic()
            response = client.post(f"/r/{tokens['ciso']}/submit/", {"confirm": "yes"})
            elapsed = time.monotonic() - started
        finally:
            os.kill(redis_server.process.pid, signal.SIGCONT)

    assert response.status_code == 302
    assert elapsed < MAX_FROZEN_SECONDS, f"the submit took {elapsed:.1f} s"
    ciso.refresh_from_db()
    assert ciso.submitted_at is not None
    assert "broker unavailable: alignment.score_assessment" in caplog.text
    assert not AlignmentResult.objects.filter(assessment=assessment).exists()
