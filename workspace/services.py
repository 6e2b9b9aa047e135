"""Writes of the workshop and of rounds. Plain functions `<noun>_<verb>` with keyword-only
arguments; each bumps the workshop's `version` so a second screen notices the change."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from alignment.models import ActionItem, ConsensusAnswer, WorkshopSession
from assessments.due_dates import refuse_bad_due_date
from assessments.models import Assessment, Dimension, Questionnaire, Respondent
from assessments.services import Person, assessment_create, assessment_open
from config import handoffs
from config.text import refuse_control_characters

NOTES_MAX_LENGTH = 4000
DESCRIPTION_MAX_LENGTH = 1000
UNSET = object()  # a field the caller did not send: left as it is
# What is too long, whole sentences (a translated sentence cannot be assembled from a word).
TOO_LONG = {
    "notes": _("The notes are longer than %(limit)d characters."),
    "action": _("The action is longer than %(limit)d characters."),
}


def _bump(session: WorkshopSession) -> None:
    """One more change: the second screen's poll sees a new version."""
    WorkshopSession.objects.filter(pk=session.pk).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    session.refresh_from_db(fields=["version", "updated_at"])


@transaction.atomic
def workshop_start(*, assessment: Assessment, by=None) -> WorkshopSession:
    """The assessment's workshop, created on first use (idempotent)."""
    session, _created = WorkshopSession.objects.get_or_create(
        assessment=assessment, defaults={"started_by": by}
    )
    return session


def _check_dimension(session: WorkshopSession, dimension: Dimension) -> None:
    if dimension.questionnaire_id != session.assessment.questionnaire_id:
        raise ValidationError(
            gettext("%(code)s is not a dimension of this questionnaire.") % {"code": dimension.code}
        )


def _check_text(text: str, limit: int, what: str) -> str:
    refuse_control_characters(text, what)
    if len(text) > limit:
        raise ValidationError(TOO_LONG[what] % {"limit": limit})
    return text


def _check_value(value) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise ValidationError(gettext("The agreed position must be a number from 1 to 5."))
    return value


@transaction.atomic
def consensus_save(
    *, session: WorkshopSession, dimension: Dimension, value=UNSET, notes=UNSET, by=None
) -> ConsensusAnswer:
    """Record the position both executives accept for a dimension (1–5, or None to clear it)
    and/or the notes. A field not passed is left as it is, so two screens editing the
    position and the notes of one dimension do not overwrite each other."""
    _check_dimension(session, dimension)
    if value is not UNSET:
        value = _check_value(value)
    if notes is not UNSET:
        notes = _check_text(notes.strip(), NOTES_MAX_LENGTH, "notes")
    consensus, _created = ConsensusAnswer.objects.select_for_update().get_or_create(
        session=session, dimension=dimension
    )
    if value is not UNSET:
        consensus.value = value
    if notes is not UNSET:
        consensus.notes = notes
    consensus.updated_by = by
    consensus.save()
    _bump(session)
    return consensus


@transaction.atomic
def action_add(
    *,
    session: WorkshopSession,
    dimension: Dimension,
    description: str,
    owner_role: str,
    due_date: date | None = None,
    by=None,
) -> ActionItem:
    _check_dimension(session, dimension)
    description = _check_text((description or "").strip(), DESCRIPTION_MAX_LENGTH, "action")
    if not description:
        raise ValidationError({"description": gettext("Describe the action.")})
    refuse_bad_due_date(due_date)
    action = ActionItem(
        session=session,
        dimension=dimension,
        description=description,
        owner_role=owner_role,
        due_date=due_date,
        created_by=by,
    )
    action.full_clean()
    action.save()
    _bump(session)
    return action


@transaction.atomic
def action_set_status(*, action: ActionItem, status: str, by=None) -> ActionItem:
    """Mark an action done (or open again). Idempotent."""
    if status not in ActionItem.Status.values:
        raise ValidationError(gettext("Unknown status %(status)r.") % {"status": status})
    if action.status == status:
        return action
    action.status = status
    action.done_at = timezone.now() if status == ActionItem.Status.DONE else None
    action.save(update_fields=["status", "done_at", "updated_at"])
    _bump(action.session)
    return action


@transaction.atomic
def action_delete(*, action: ActionItem) -> None:
    session = action.session
    action.delete()
    _bump(session)


@transaction.atomic
def workshop_finish(*, session: WorkshopSession, by=None) -> WorkshopSession:
    """Record the end of the workshop and ask for a fresh PDF report, which carries the
    agreed positions and actions. The workshop stays editable afterwards (finishing again
    asks for another report)."""
    session.finished_at = timezone.now()
    session.save(update_fields=["finished_at", "updated_at"])
    _bump(session)
    # The reports app asks for a fresh report, which carries the agreed positions and actions.
    handoffs.workshop_finished.send(sender=WorkshopSession, session=session, by=by)
    return session


# --- Rounds -----------------------------------------------------------------------------


def latest_questionnaire(questionnaire: Questionnaire) -> Questionnaire:
    """The newest published version of the same question bank."""
    return (
        Questionnaire.objects.filter(slug=questionnaire.slug, published_at__isnull=False)
        .order_by("-version")
        .first()
    ) or questionnaire


def next_round_title(title: str, round_number: int) -> str:
    """ "…, round 2" becomes "…, round 3"; a title without a number gets one."""
    match = re.match(r"^(.*?)(\d+)(\s*)$", title)
    if match:
        return f"{match.group(1)}{int(match.group(2)) + 1}"
    return f"{title}, round {round_number}"[:200]


@transaction.atomic
def next_round_start(
    *,
    assessment: Assessment,
    title: str,
    due_date: date | None,
    by=None,
    send_invitations: bool = True,
) -> Assessment:
    """A new round for the same organisation and the same two executives, on the newest
    version of the question bank, with new personal links (sent at once unless
    `send_invitations` is False: then it stays a draft).

    Refused while this round is not scored yet, and when a later round already exists (so
    a double click cannot start two)."""
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.status not in (Assessment.Status.SCORED, Assessment.Status.CLOSED):
        raise ValidationError(gettext("Start the next round once this one is scored."))
    later = (
        Assessment.objects.filter(organization_id=locked.organization_id)
        .filter(created_at__gt=locked.created_at)
        .order_by("created_at")
        .first()
    )
    if later is not None:
        raise ValidationError(
            gettext("A later round already exists: “%(title)s”.") % {"title": later.title}
        )
    people = {r.role: r for r in Respondent.objects.filter(assessment=locked)}
    created = assessment_create(
        organization=assessment.organization,
        questionnaire=latest_questionnaire(assessment.questionnaire),
        title=title,
        due_date=due_date,
        ceo=Person(people["ceo"].email, people["ceo"].name),
        ciso=Person(people["ciso"].email, people["ciso"].name),
        created_by=by,
    )
    if send_invitations:
        assessment_open(assessment=created, by=by)
    return created
