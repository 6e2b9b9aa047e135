"""Personal links and the emails that carry them: invitations, resends, reminders.

A link is an Invitation row. The web request only creates the row and enqueues
`send_invitation` (on commit); the task draws the random token, stores its SHA-256, and
sends the email, so the raw token exists only in the worker's memory and in the email.
Printed links (the create_assessment command, the demo) are issued synchronously instead.
"""

import logging
from datetime import date, timedelta
from urllib.parse import urljoin

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from config.tasking import enqueue_on_commit
from organizations.audit import Action, audit_record, in_log_language
from organizations.emails import render_subject

from .models import Assessment, Invitation, Respondent
from .tokens import hash_token, new_token

logger = logging.getLogger(__name__)

SECONDS_PER_ITEM = 20  # what the time estimates assume


def _question_count(questionnaire) -> int:
    """What a respondent answers: every item, every prediction (bank version 2) and the felt
    question; one query."""
    counts = questionnaire.questions.aggregate(
        items=Count("pk"), predictions=Count("pk", filter=Q(predict=True))
    )
    return counts["items"] + counts["predictions"] + int(questionnaire.has_felt)


REMINDER_LIMIT = 3  # reminders per respondent, automatic and "Remind now" together
REMINDER_LEAD_DAYS = 3  # the "due soon" reminder goes this many days before the due date
REMINDER_OVERDUE_INTERVAL_DAYS = 7  # days between reminders once overdue


class ReminderRefused(Exception):
    """A reminder that must not be sent; the message says why."""


def respondent_url(raw_token: str) -> str:
    """The absolute personal link for a raw token."""
    path = reverse("respond:welcome", kwargs={"token": raw_token})
    return urljoin(settings.PARLEY_BASE_URL + "/", path.lstrip("/"))


def _extend_access(respondent: Respondent, now) -> None:
    ttl = now + timedelta(days=settings.INVITATION_TTL_DAYS)
    if respondent.token_expires_at is None or respondent.token_expires_at < ttl:
        respondent.token_expires_at = ttl


# Links are sent while a round is open, and after it is scored (to read the results).
LINK_STATUSES = (Assessment.Status.OPEN, Assessment.Status.SCORED)


def _require_open(assessment: Assessment) -> None:
    if assessment.status not in LINK_STATUSES:
        status = assessment.status_in_sentence()
        raise ValidationError(
            gettext("Links are only sent for an open assessment (this one is %(status)s).")
            % {"status": status}
        )


# --- Queueing and sending ---------------------------------------------------------------


@transaction.atomic
def invitation_queue(*, respondent: Respondent, kind: str, by=None) -> Invitation:
    """Record an email with a new personal link and enqueue its sending after commit."""
    _require_open(respondent.assessment)
    invitation = Invitation.objects.create(
        respondent=respondent, kind=kind, email=respondent.email, created_by=by
    )
    from .tasks import send_invitation

    enqueue_on_commit(send_invitation, invitation.pk)
    return invitation


def _claim(invitation_id: int) -> tuple[Invitation, str] | None:
    """Draw the token for an unsent invitation; None when there is nothing to send."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related(
                "respondent__assessment__organization",
                "respondent__assessment__created_by",
                "respondent__assessment__questionnaire",
                "created_by",
            )
            .filter(pk=invitation_id)
            .first()
        )
        if invitation is None or invitation.sent_at or invitation.revoked_at:
            return None
        respondent = invitation.respondent
        stale = (
            respondent.email.lower() != invitation.email.lower()
            or respondent.assessment.status not in LINK_STATUSES
            or respondent.assessment.deleted_at is not None
            or (invitation.kind == Invitation.Kind.REMINDER and respondent.submitted_at)
        )
        if stale:
            invitation.revoked_at = timezone.now()
            invitation.save(update_fields=["revoked_at", "updated_at"])
            return None
        raw = new_token()
        invitation.token_hash = hash_token(raw)
        invitation.attempts += 1
        invitation.save(update_fields=["token_hash", "attempts", "updated_at"])
        return invitation, raw


def invitation_send(*, invitation_id: int) -> bool:
    """Issue the link of one queued invitation and email it. Returns whether it was sent.

    Idempotent: an invitation already sent or revoked, a reminder for someone who has since
    submitted, or one to an address that has since changed, is skipped. A failed send
    forgets the token (nobody holds it) and raises, so the task retries with a fresh one.
    """
    claimed = _claim(invitation_id)
    if claimed is None:
        return False
    invitation, raw = claimed
    respondent = invitation.respondent
    now = timezone.now()
    _extend_access(respondent, now)
    try:
        _email(invitation, raw).send()
    except Exception as error:
        Invitation.objects.filter(pk=invitation.pk).update(
            token_hash=None, last_error=str(error)[:500], updated_at=timezone.now()
        )
        raise
    with transaction.atomic():
        Invitation.objects.filter(pk=invitation.pk).update(sent_at=now, last_error="")
        _mark_invited(respondent, now)
        _audit_sent(invitation)
    return True


def _audit_sent(invitation: Invitation) -> None:
    """ "Invitation sent" in the organisation's audit log, by the consultant who asked for it
    (the daily reminders and other automatic sends have none), once the email has left."""
    respondent = invitation.respondent
    assessment = respondent.assessment
    sender = invitation.created_by
    with in_log_language():
        role, kind = respondent.get_role_display(), invitation.get_kind_display()
    audit_record(
        action=Action.INVITATION_SENT,
        actor=sender,
        actor_label=sender.email if sender else "Parley (automatic)",
        organization=assessment.organization,
        target=f"{kind} to the {role} {invitation.email}, assessment {assessment.code}",
    )


def _mark_invited(respondent: Respondent, now) -> None:
    """After a link has gone out: access runs to its new expiry and is no longer revoked."""
    locked = Respondent.objects.select_for_update().get(pk=respondent.pk)
    ttl = now + timedelta(days=settings.INVITATION_TTL_DAYS)
    if locked.token_expires_at is None or locked.token_expires_at < ttl:
        locked.token_expires_at = ttl
    locked.invited_at = locked.invited_at or now
    locked.revoked_at = None
    locked.save(update_fields=["token_expires_at", "invited_at", "revoked_at", "updated_at"])


@transaction.atomic
def link_issue(*, respondent: Respondent, by=None) -> str:
    """Issue a link without email (printed by a command) and return its raw token."""
    _require_open(respondent.assessment)
    raw = new_token()
    now = timezone.now()
    Invitation.objects.create(
        respondent=respondent,
        kind=Invitation.Kind.PRINTED,
        email=respondent.email,
        token_hash=hash_token(raw),
        created_by=by,
        sent_at=now,
        attempts=1,
    )
    _mark_invited(respondent, now)
    respondent.refresh_from_db()
    return raw


@transaction.atomic
def links_revoke(*, respondent: Respondent) -> int:
    """Withdraw every link of the respondent (and any not yet sent). Returns how many."""
    now = timezone.now()
    count = Invitation.objects.filter(respondent=respondent, revoked_at__isnull=True).update(
        revoked_at=now, updated_at=now
    )
    Respondent.objects.filter(pk=respondent.pk).update(revoked_at=now, updated_at=now)
    respondent.revoked_at = now
    return count


@transaction.atomic
def respondent_revoke_link(*, respondent: Respondent, send_new: bool = True, by=None):
    """Revoke the respondent's links; with `send_new`, email a new link that replaces them
    (the respondent's saved answers stay). Returns the queued invitation, if any."""
    links_revoke(respondent=respondent)
    if send_new:
        return invitation_queue(respondent=respondent, kind=Invitation.Kind.INVITATION, by=by)
    return None


# --- Emails -----------------------------------------------------------------------------


def email_language(respondent: Respondent) -> str:
    """The language of the emails to an executive: theirs (set by the consultant on the
    round's form, or chosen on the welcome page), else their organisation's report
    language."""
    return respondent.language or respondent.assessment.organization.report_language


def _email(invitation: Invitation, raw: str) -> EmailMultiAlternatives:
    with translation.override(email_language(invitation.respondent)):
        return _email_in_language(invitation, raw)


def _email_in_language(invitation: Invitation, raw: str) -> EmailMultiAlternatives:
    respondent = invitation.respondent
    assessment = respondent.assessment
    consultant = invitation.created_by or assessment.created_by
    today = timezone.localdate()
    ctx = {
        "respondent": respondent,
        "assessment": assessment,
        "organization": assessment.organization,
        "consultant": consultant,
        "url": respondent_url(raw),
        "expires_at": respondent.access_expires_at,
        "due_date": assessment.due_date,
        "overdue": bool(assessment.due_date and assessment.due_date < today),
        "question_count": (count := _question_count(assessment.questionnaire)),
        "minutes": max(5, round(count * SECONDS_PER_ITEM / 60 / 5) * 5),
        "submitted": respondent.submitted_at is not None,
    }
    # A first email to this address reads as an invitation (also after a change of address);
    # a later one says it is a link again, or a new link replacing revoked ones.
    earlier = (
        Invitation.objects.filter(
            respondent=respondent, email__iexact=invitation.email, sent_at__isnull=False
        )
        .exclude(pk=invitation.pk)
        .exists()
    )
    ctx["resent"] = earlier and invitation.kind == Invitation.Kind.INVITATION
    ctx["replaces"] = earlier and respondent.revoked_at is not None
    name = "reminder" if invitation.kind == Invitation.Kind.REMINDER else "invitation"
    message = EmailMultiAlternatives(
        subject=render_subject(f"emails/{name}-subject.txt", ctx),
        body=render_to_string(f"emails/{name}-body.txt", ctx),
        to=[invitation.email],
        reply_to=[consultant.email] if consultant else None,
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(render_to_string(f"emails/{name}-body.html", ctx), "text/html")
    return message


# --- Reminders --------------------------------------------------------------------------


def reminder_due(
    *, due_date: date | None, today: date, reminder_count: int, last_reminded_on: date | None
) -> bool:
    """Whether the daily run should remind now: once in the last REMINDER_LEAD_DAYS before
    the due date, then once when overdue and every REMINDER_OVERDUE_INTERVAL_DAYS after,
    REMINDER_LIMIT times at most in all."""
    if due_date is None or reminder_count >= REMINDER_LIMIT:
        return False
    days_left = (due_date - today).days
    if days_left > REMINDER_LEAD_DAYS:
        return False
    if days_left >= 0:
        window_start = due_date - timedelta(days=REMINDER_LEAD_DAYS)
        return last_reminded_on is None or last_reminded_on < window_start
    if last_reminded_on is None or last_reminded_on <= due_date:
        return True
    return (today - last_reminded_on).days >= REMINDER_OVERDUE_INTERVAL_DAYS


def reminder_blocker(respondent: Respondent) -> str | None:
    """Why this respondent must not be reminded at all (a whole sentence), or None."""
    values = {"role": respondent.get_role_display(), "limit": REMINDER_LIMIT}
    if respondent.submitted_at:
        return gettext("The %(role)s has already submitted.") % values
    if respondent.revoked_at:
        return gettext("The %(role)s has no valid link (revoked).") % values
    if respondent.assessment.status != Assessment.Status.OPEN:
        return gettext("The %(role)s is in a round that is not open.") % values
    if respondent.invited_at is None:
        return gettext("The %(role)s has not been invited yet.") % values
    if respondent.reminder_count >= REMINDER_LIMIT:
        return (
            ngettext(
                "The %(role)s has had the maximum of %(limit)d reminder.",
                "The %(role)s has had the maximum of %(limit)d reminders.",
                REMINDER_LIMIT,
            )
            % values
        )
    return None


@transaction.atomic
def respondent_remind(*, respondent: Respondent, by=None, on_schedule: bool = False):
    """Send a reminder with a fresh link ("Remind now", or the daily run with
    `on_schedule`, which also requires reminder_due). Raises ReminderRefused."""
    locked = (
        Respondent.objects.select_for_update(of=("self",))
        .select_related("assessment")
        .get(pk=respondent.pk)
    )
    blocker = reminder_blocker(locked)
    if blocker:
        raise ReminderRefused(blocker)
    today = timezone.localdate()
    last = timezone.localdate(locked.last_reminded_at) if locked.last_reminded_at else None
    if on_schedule and not reminder_due(
        due_date=locked.assessment.due_date,
        today=today,
        reminder_count=locked.reminder_count,
        last_reminded_on=last,
    ):
        raise ReminderRefused(gettext("Not due today."))
    locked.reminder_count += 1
    locked.last_reminded_at = timezone.now()
    locked.save(update_fields=["reminder_count", "last_reminded_at", "updated_at"])
    respondent.reminder_count, respondent.last_reminded_at = (
        locked.reminder_count,
        locked.last_reminded_at,
    )
    return invitation_queue(respondent=locked, kind=Invitation.Kind.REMINDER, by=by)


def reminders_send_due(*, today: date | None = None) -> int:
    """The daily run: remind every respondent for whom a reminder is due. Returns how many.

    Safe to run twice a day: each reminder is claimed under the respondent's row lock and
    re-checked against `last_reminded_at`.
    """
    today = today or timezone.localdate()
    candidates = Respondent.objects.filter(
        assessment__status=Assessment.Status.OPEN,
        assessment__deleted_at__isnull=True,
        assessment__due_date__lte=today + timedelta(days=REMINDER_LEAD_DAYS),
        submitted_at__isnull=True,
        revoked_at__isnull=True,
        invited_at__isnull=False,
        reminder_count__lt=REMINDER_LIMIT,
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(candidates):
        try:
            respondent_remind(respondent=Respondent(pk=pk), on_schedule=True)
        except ReminderRefused:
            continue
        sent += 1
    return sent


def invitations_requeue_unsent(*, older_than: timedelta = timedelta(minutes=10)) -> int:
    """The sweeper: enqueue again the invitations whose email never went out (the broker
    was down, or a worker died). Sending is idempotent, so a duplicate message is harmless."""
    from .tasks import send_invitation

    cutoff = timezone.now() - older_than
    pending = Invitation.objects.filter(
        sent_at__isnull=True,
        revoked_at__isnull=True,
        created_at__lt=cutoff,
        respondent__assessment__deleted_at__isnull=True,
    ).values_list("pk", flat=True)
    count = 0
    for pk in list(pending[:500]):
        enqueue_on_commit(send_invitation, pk)
        count += 1
    return count
