"""Reads of reports."""

from assessments.models import Assessment

from .models import Report


def latest_ready_report(assessment: Assessment) -> Report | None:
    """The newest full report that can be downloaded, or None (the packs are downloaded one
    by one, by their code: `assessment_report`)."""
    return (
        Report.objects.filter(
            assessment=assessment, status=Report.Status.READY, pack=Report.Pack.FULL
        )
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


def assessment_report(assessment: Assessment, code: str) -> Report | None:
    """One report of this assessment by its code; None for another assessment's, whatever
    the code (a report of another round or tenant and a missing one look the same)."""
    return (
        Report.objects.filter(assessment=assessment, code=code[:32])
        .select_related("assessment__organization")
        .first()
    )
