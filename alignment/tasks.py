"""Celery tasks of the alignment app: thin, they load by id and call one service."""

import logging
from datetime import timedelta

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from alignment.models import AlignmentResult
from assessments.models import Assessment
from config import handoffs
from config.tasking import enqueue

from .selectors import assessments_awaiting_score
from .services import NotReadyToScore, assessment_score

logger = logging.getLogger(__name__)

# The sweeper leaves alone assessments submitted in the last few minutes (their scoring
# message is normally on its way) and re-enqueues at most this many per run.
SWEEP_GRACE = timedelta(minutes=2)
SWEEP_BATCH = 500


@shared_task(
    bind=True,
    name="alignment.score_assessment",
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=6,
)
def score_assessment(self, assessment_id: int) -> str | None:
    """Score one assessment (idempotent: a duplicate message rewrites the same result)."""
    try:
        result = assessment_score(assessment_id=assessment_id)
    except NotReadyToScore as reason:
        logger.info("not scored: %s", reason)
        return None
    except Assessment.DoesNotExist:
        logger.info("not scored: assessment %s was deleted", assessment_id)
        return None
    on_scored(result)
    return str(result.pk)


@shared_task(name="alignment.sweep_unscored")
def sweep_unscored() -> int:
    """Re-enqueue scoring for fully submitted assessments with no current result.

    Catches the scoring messages lost while the broker was down (the submit committed, the
    enqueue failed and was logged). Running it twice, or while the lost message turns up
    after all, is harmless: scoring is idempotent. Returns how many were enqueued.
    """
    ids = assessments_awaiting_score(
        submitted_before=timezone.now() - SWEEP_GRACE, limit=SWEEP_BATCH
    )
    sent = 0
    for assessment_id in ids:
        if enqueue(score_assessment, assessment_id):
            sent += 1
        elif not score_assessment.app.conf.task_always_eager:
            break  # the broker is down: the next run tries again
    if ids:
        logger.warning("sweeper: %d unscored assessments found, %d re-enqueued", len(ids), sent)
    return sent


def on_scored(result) -> None:
    """What follows a successful scoring: the apps above this one hear of it (the reports app
    asks for the PDF report; see config.handoffs)."""
    handoffs.assessment_scored.send(sender=AlignmentResult, result=result)
