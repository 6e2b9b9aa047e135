"""Webhooks hear what happens through the hand-off signals of config.handoffs, like every
app above the one that acts; a message is created in the sender's transaction and leaves
once it commits. A failure here is logged and never undoes the sender's work."""

import logging

from django.conf import settings
from django.db import transaction
from django.dispatch import receiver
from django.urls import reverse

from assessments.models import Assessment
from config import handoffs

from .webhooks import webhook_event_send

logger = logging.getLogger(__name__)


def _assessment_data(assessment: Assessment) -> dict:
    slug = assessment.organization.slug
    base = settings.PARLEY_BASE_URL
    return {
        "organization": slug,
        "assessment": {
            "code": assessment.code,
            "title": assessment.title,
            "status": assessment.status,
            "url": base + reverse("api:assessment", args=[slug, assessment.code]),
            "results_url": base + reverse("api:results", args=[slug, assessment.code]),
        },
    }


def _send(event: str, assessment: Assessment, extra: dict | None = None) -> None:
    try:
        with transaction.atomic():
            data = {**_assessment_data(assessment), **(extra or {})}
            webhook_event_send(organization=assessment.organization, event=event, data=data)
    except Exception:
        logger.exception("webhook %s for assessment %s not queued", event, assessment.pk)


@receiver(handoffs.assessment_submitted, dispatch_uid="api.webhook_submitted")
def webhook_when_submitted(sender, *, assessment_id, **kwargs) -> None:
    assessment = Assessment.objects.select_related("organization").filter(pk=assessment_id)
    if assessment:
        _send("assessment.submitted", assessment[0])


@receiver(handoffs.assessment_scored, dispatch_uid="api.webhook_scored")
def webhook_when_scored(sender, *, result, **kwargs) -> None:
    extra = {"alignment_index": result.alignment_index, "band": result.band}
    _send("assessment.scored", result.assessment, extra)


@receiver(handoffs.report_ready, dispatch_uid="api.webhook_report_ready")
def webhook_when_report_ready(sender, *, report, **kwargs) -> None:
    assessment = report.assessment
    base = settings.PARLEY_BASE_URL
    url = reverse("api:report_download", args=[assessment.organization.slug, assessment.code])
    extra = {"report": {"code": report.code, "pages": report.pages, "download_url": base + url}}
    _send("report.ready", assessment, extra)


@receiver(handoffs.workshop_finished, dispatch_uid="api.webhook_workshop_finished")
def webhook_when_workshop_finished(sender, *, session, **kwargs) -> None:
    extra = {"workshop": {"finished_at": session.finished_at.isoformat()}}
    _send("workshop.finished", session.assessment, extra)
