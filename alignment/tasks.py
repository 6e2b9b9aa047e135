"""Celery tasks of the alignment app: thin, they load by id and call one service."""

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from .services import NotReadyToScore, assessment_score

logger = logging.getLogger(__name__)


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
    on_scored(result)
    return str(result.pk)


def on_scored(result) -> None:
    """What follows a successful scoring: the PDF report job (added by the reports app)."""
