"""What executives are told, and everything Parley holds about one of them.

The practice sets its own words in the admin (PrivacyNotice); until it does, Parley's
default text (templates/assessments/privacy/) is shown. `respondent_data` is the "download
everything Parley holds about me" document: only this executive's own rows, never the
other executive's answers (before or after both submit: their answers are theirs to
download), and the round's figures only once both have submitted.
"""

from django.conf import settings
from django.utils import timezone

from organizations.models import AuditEvent

from .access import results_shared
from .models import Answer, PrivacyNotice, Respondent


def privacy_notice() -> PrivacyNotice:
    """The practice's notice, or an empty one (the templates then show the default text)."""
    return PrivacyNotice.objects.filter(pk=1).first() or PrivacyNotice()


def privacy_ctx(respondent: Respondent) -> dict:
    """What the summary and the privacy page need to speak of this executive's round."""
    return {
        "notice": privacy_notice(),
        "retention_months": settings.PARLEY_RETENTION_MONTHS,
        "other_role": respondent.get_other_role_display(),
    }


def _when(moment):
    return moment.isoformat() if moment else None


def _answers(respondent: Respondent) -> list[dict]:
    answers = Answer.objects.filter(respondent=respondent).select_related("question")
    return [
        {
            "question": answer.question.code,
            "question_text": answer.question.text_for(respondent.role),
            "value": answer.value,
            "answer": answer.question.anchor(answer.value),
            "dont_know": answer.dont_know,
            "comment": answer.comment,
            "saved_at": _when(answer.updated_at),
        }
        for answer in answers.order_by("question__order")
    ]


def _audit(respondent: Respondent) -> list[dict]:
    """The audit records about this executive (they name them by their email address)."""
    if not respondent.email:
        return []
    events = AuditEvent.objects.filter(
        organization_id=respondent.assessment.organization_id,
        target__icontains=respondent.email,
    ).order_by("created_at", "id")
    return [
        {"at": _when(e.created_at), "event": e.get_action_display(), "by": e.actor_label}
        for e in events
    ]


def respondent_data(respondent: Respondent) -> dict:
    """Everything Parley holds about this executive, as one JSON-ready document."""
    assessment = respondent.assessment
    both = results_shared(respondent)
    invitations = respondent.invitations.order_by("created_at", "id")
    return {
        "generated_at": _when(timezone.now()),
        "you": {
            "role": respondent.get_role_display(),
            "name": respondent.name,
            "email": respondent.email,
        },
        "assessment": {
            "code": assessment.code,
            "title": assessment.title,
            "organization": assessment.organization.name,
            "status": assessment.get_status_display(),
            "due_date": assessment.due_date.isoformat() if assessment.due_date else None,
        },
        "activity": {
            "invited_at": _when(respondent.invited_at),
            "opened_at": _when(respondent.opened_at),
            "started_at": _when(respondent.started_at),
            "submitted_at": _when(respondent.submitted_at),
            "reminders": respondent.reminder_count,
        },
        "links_sent": [
            {
                "kind": i.get_kind_display(),
                "to": i.email,
                "sent_at": _when(i.sent_at),
                "withdrawn_at": _when(i.revoked_at),
            }
            for i in invitations
        ],
        "answers": _answers(respondent),
        "both_submitted": both,
        "audit_log": _audit(respondent),
    }
