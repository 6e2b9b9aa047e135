"""What the alignment app does when an app below it hands work up (see config.handoffs)."""

from django.dispatch import receiver

from config import handoffs
from config.tasking import enqueue_on_commit

from .tasks import score_assessment


@receiver(handoffs.assessment_submitted, dispatch_uid="alignment.score_on_submit")
def score_when_submitted(sender, *, assessment_id: int, sends=None, **kwargs) -> None:
    """Both executives have submitted: score the round once the submit commits."""
    enqueue_on_commit(score_assessment, assessment_id, report_to=sends)
