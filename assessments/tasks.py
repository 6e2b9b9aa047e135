"""Celery tasks of the assessments app: thin, they load by id and call one service."""

import logging
from smtplib import SMTPException

from celery import shared_task
from django.db import InterfaceError, OperationalError

from .invitations import invitation_send, invitations_requeue_unsent, reminders_send_due
from .lifecycle import purge_due, retention_apply

logger = logging.getLogger(__name__)


@shared_task(
    name="assessments.send_invitation",
    autoretry_for=(SMTPException, OSError, OperationalError, InterfaceError),
    retry_backoff=30,
    retry_backoff_max=1800,
    retry_jitter=True,
    max_retries=8,
)
def send_invitation(invitation_id: int) -> bool:
    """Email one invitation or reminder with a fresh link (idempotent)."""
    return invitation_send(invitation_id=invitation_id)


@shared_task(name="assessments.send_due_reminders")
def send_due_reminders() -> int:
    """Daily: remind the executives who have not submitted (see invitations.reminder_due)."""
    count = reminders_send_due()
    logger.info("reminders queued: %d", count)
    return count


@shared_task(name="assessments.requeue_unsent_invitations")
def requeue_unsent_invitations() -> int:
    """Every few minutes: enqueue again any invitation whose email has not gone out."""
    return invitations_requeue_unsent()


@shared_task(name="assessments.purge_deleted")
def purge_deleted() -> dict:
    """Daily: purge the rounds and organisations deleted more than 30 days ago."""
    done = purge_due()
    logger.info(
        "purged %d organisation(s), %d round(s)", len(done.organizations), len(done.assessments)
    )
    return {"organizations": len(done.organizations), "assessments": len(done.assessments)}


@shared_task(name="assessments.apply_retention")
def apply_retention() -> dict:
    """Daily: PARLEY_RETENTION_MONTHS (warn the consultant 14 days ahead, then purge)."""
    run = retention_apply()
    return {"warned": len(run.warned), "purged": len(run.purged)}
