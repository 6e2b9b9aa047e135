"""Reads of reports."""

from assessments.models import Assessment

from .models import Report


def latest_ready_report(assessment: Assessment) -> Report | None:
    """The newest report that can be downloaded, or None."""
    return (
        Report.objects.filter(assessment=assessment, status=Report.Status.READY)
        .exclude(file="")
        .select_related("assessment__organization")
        .order_by("-created_at", "-id")
        .first()
    )


def recent_reports(assessment: Assessment, *, limit: int = 5) -> list[Report]:
    """The assessment's newest reports, newest first (the consultant's status page)."""
    return list(
        Report.objects.filter(assessment=assessment)
        .select_related("requested_by")
        .order_by("-created_at", "-id")[:limit]
    )
