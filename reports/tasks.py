"""Celery tasks of the reports app: thin, they load by id and call one service.

Routed to the `reports` queue by settings.CELERY_TASK_ROUTES ("reports.tasks.*"), so slow PDF
work never delays scoring and invitations on `default`.
"""

import logging

from celery import shared_task
from django.conf import settings

from .services import TRANSIENT_ERRORS, report_render, reports_sweep

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    name="reports.tasks.render_report",
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=6,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
)
def render_report(self, report_id: int) -> str:
    """Render one report (idempotent: a duplicate message finds it claimed or done).

    A transient database error releases the claim and retries with backoff; any other failure
    is recorded on the report (status failed, with the error) and is not retried: the
    consultant can ask for a fresh render.
    """
    report = report_render(report_id=report_id)
    return report.status if report is not None else "gone"


@shared_task(name="reports.tasks.sweep_reports")
def sweep_reports() -> dict:
    """Beat: re-enqueue lost renders and request missing reports (see `reports_sweep`)."""
    return reports_sweep()
