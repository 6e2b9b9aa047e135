"""What the reports app does when an app below it hands work up (see config.handoffs)."""

from django.dispatch import receiver

from config import handoffs

from . import services


@receiver(handoffs.assessment_scored, dispatch_uid="reports.report_on_scored")
def report_when_scored(sender, *, result, **kwargs) -> None:
    """A pending report for these answers (or the existing one), rendered on the `reports`
    queue once this commits; re-scoring different answers asks for a new report."""
    services.report_request(assessment=result.assessment, result=result)


@receiver(handoffs.workshop_finished, dispatch_uid="reports.report_on_workshop_finished")
def report_when_workshop_finished(sender, *, session, by=None, **kwargs) -> None:
    """A fresh report, which carries the workshop's agreed positions and actions."""
    try:
        services.report_request(assessment=session.assessment, fresh=True, requested_by=by)
    except services.NothingToReport:
        pass  # an unscored round has no workshop page; nothing to render
