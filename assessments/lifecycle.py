"""The end of an executive's data: erasure of one executive, deletion of a round or of a
client organisation, the purge that makes deletion final, and retention.

Decisions (the operations guide, docs/data-lifecycle.md, says the same to users):

* **Two steps.** Deleting marks the row (`deleted_at`): the live managers
  (`Assessment.objects`, `Organization.objects`) hide it at once from every page, selector,
  command and the personal links; `*_restore` undoes it for `UNDO_DAYS`; then `purge_due`
  (a daily beat task and `manage.py purge_deleted`) deletes the rows and their files for good.
  Deleting an organisation marks its live rounds too (`deleted_with_organization`), so undoing
  it brings back exactly those rounds and a personal link checks one row only.
* **Erasure is at once and final**: name, email and comments are cleared in the same
  transaction, with the audit records that named them (they then name the role only). The
  answers stay as anonymous figures (the scores stand) or go with them, by choice.
* **Files go with their rows.** Report PDFs live in the default storage under
  `reports/<round code>/`; the folder is emptied once the transaction that removed the rows
  has committed. A render in flight finds its row gone and publishes nothing (see
  reports.services: publishing is a conditional UPDATE of the row).
* **Refusals** (`LifecycleRefused`) carry a sentence for the user and change nothing: deleting
  twice, erasing twice, deleting while a workshop is open, undoing too late.
* **Audit**: who and what kind, never the deleted content: a round by its code, an
  organisation by its number, an executive by role.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Max, Q, Value
from django.db.models.functions import Replace
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext, ngettext

from organizations.audit import Action, audit_record, in_log_language
from organizations.emails import render_subject
from organizations.models import AuditEvent, Membership, Organization

from .models import Assessment, Respondent

logger = logging.getLogger("parley.lifecycle")

UNDO_DAYS = 30
RETENTION_NOTICE_DAYS = 14
SYSTEM_LABEL = "Parley (automatic)"
FINISHED_STATUSES = (Assessment.Status.SCORED, Assessment.Status.CLOSED)


class LifecycleRefused(Exception):
    """The action cannot be done as asked; `message` says why, for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- Files ------------------------------------------------------------------------------


def round_folder(code: str) -> str:
    """Where a round's files live in the default storage (reports.services.report_filename)."""
    return f"reports/{code}"


def storage_files(folder: str) -> list[str]:
    try:
        directories, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return []
    names = [f"{folder}/{name}" for name in files]
    for directory in directories:
        names += storage_files(f"{folder}/{directory}")
    return names


def files_remove(*, folder: str) -> int:
    """Delete every file under `folder` in the default storage; how many (idempotent)."""
    names = storage_files(folder)
    for name in names:
        default_storage.delete(name)
    return len(names)


def _remove_files_on_commit(codes: list[str]) -> None:
    def remove():
        for code in codes:
            removed = files_remove(folder=round_folder(code))
            logger.info("round %s: %d file(s) removed", code, removed)

    transaction.on_commit(remove)


# --- Audit records that name an executive -----------------------------------------------


def _role_words(respondent: Respondent) -> str:
    with in_log_language():
        return f"the {respondent.get_role_display()}"


def _scrub_audit(respondent: Respondent) -> int:
    """Rewrite the organisation's audit records that name this executive (by email or by
    name) so that they name the role only. Returns how many records were touched."""
    # Every address links were ever sent to (an executive whose address changed appears
    # under the old one too), as stored and lower-cased, and the name.
    sent_to = respondent.invitations.values_list("email", flat=True).distinct()
    emails = {respondent.email, *sent_to}
    candidates = {respondent.name} | emails | {email.lower() for email in emails}
    identities = sorted((text for text in candidates if len(text) >= 3), key=len, reverse=True)
    events = AuditEvent.objects.filter(organization_id=respondent.assessment.organization_id)
    touched = 0
    for text in identities:
        matching = events.filter(Q(actor_label__icontains=text) | Q(target__icontains=text))
        touched += matching.update(
            actor_label=Replace(F("actor_label"), Value(text), Value(_role_words(respondent))),
            target=Replace(F("target"), Value(text), Value(_role_words(respondent))),
        )
    return touched


# --- Erasure of one executive -----------------------------------------------------------


@transaction.atomic
def respondent_erase(
    *,
    respondent: Respondent,
    with_answers: bool = False,
    by=None,
    request=None,
    label: str = SYSTEM_LABEL,
) -> Respondent:
    """Clear one executive's name, email and comments everywhere; with `with_answers`, their
    answers too (the round then has no result and waits for a new executive).

    Their links stop working. Reports are removed (a PDF quotes comments): the report sweeper
    renders a new one from the answers that stay. Raises LifecycleRefused when already erased.
    """
    locked = (
        Respondent.objects.select_for_update().select_related("assessment").get(pk=respondent.pk)
    )
    if locked.erased_at is not None:
        raise LifecycleRefused(
            gettext("The %(role)s's personal data was already erased on %(date)s.")
            % {
                "role": locked.get_role_display(),
                "date": formats.date_format(timezone.localtime(locked.erased_at), "DATE_FORMAT"),
            }
        )
    assessment = locked.assessment
    scrubbed = _scrub_audit(locked)
    now = timezone.now()
    locked.invitations.update(email="", revoked_at=now, token_hash=None, updated_at=now)
    if with_answers:
        _erase_answers(locked, assessment)
    else:
        locked.answers.exclude(comment="").update(comment="", updated_at=now)
    _remove_reports(assessment)
    Respondent.objects.filter(pk=locked.pk).update(
        name="", email="", erased_at=now, revoked_at=now, updated_at=now
    )
    with in_log_language():
        role = locked.get_role_display()
    audit_record(
        action=Action.RESPONDENT_ERASED,
        request=request,
        actor=by,
        actor_label="" if (by or request) else label,
        organization=assessment.organization,
        target=f"{role} of assessment {assessment.code}, "
        f"answers {'removed' if with_answers else 'kept anonymous'}",
    )
    logger.info("respondent %s erased (%d audit records rewritten)", locked.pk, scrubbed)
    locked.refresh_from_db()
    return locked


def _erase_answers(respondent: Respondent, assessment: Assessment) -> None:
    """Answers go, and with them the round's results (they were computed from them)."""
    respondent.answers.all().delete()
    Respondent.objects.filter(pk=respondent.pk).update(
        started_at=None, submitted_at=None, opened_at=None
    )
    assessment.results.all().delete()
    if assessment.status in FINISHED_STATUSES:
        Assessment.objects.filter(pk=assessment.pk).update(
            status=Assessment.Status.OPEN, updated_at=timezone.now()
        )


def _remove_reports(assessment: Assessment) -> None:
    # Lock the rows first: a render publishing at this moment finishes before we read the
    # file names, or finds its row gone and publishes nothing.
    list(assessment.reports.select_for_update().values_list("pk", flat=True))
    assessment.reports.all().delete()
    _remove_files_on_commit([assessment.code])


# --- Deleting and undoing ---------------------------------------------------------------


def _open_workshops(rounds) -> list[Assessment]:
    return list(rounds.filter(workshop__isnull=False, workshop__finished_at__isnull=True))


def _refuse_open_workshops(rounds, *, organization: bool) -> None:
    """Refuse to delete a round (or, with `organization`, an organisation) while a workshop
    of it is in progress."""
    open_ones = _open_workshops(rounds)
    if open_ones:
        titles = ", ".join(f"“{r.title}”" for r in open_ones)
        if organization:
            sentence = gettext(
                "This organisation has a workshop in progress (%(titles)s). Finish the workshop "
                "first, then delete: nothing was deleted."
            )
        else:
            sentence = gettext(
                "This assessment has a workshop in progress (%(titles)s). Finish the workshop "
                "first, then delete: nothing was deleted."
            )
        raise LifecycleRefused(sentence % {"titles": titles})


def undo_deadline(deleted_at: datetime) -> datetime:
    return deleted_at + timedelta(days=UNDO_DAYS)


@transaction.atomic
def assessment_delete(*, assessment: Assessment, by=None, request=None) -> Assessment:
    """Hide a round at once (undo for UNDO_DAYS, then purged)."""
    locked = Assessment.all_objects.select_for_update().get(pk=assessment.pk)
    if locked.deleted_at is not None:
        raise LifecycleRefused(gettext("This assessment is already deleted."))
    _refuse_open_workshops(Assessment.objects.filter(pk=locked.pk), organization=False)
    locked.deleted_at, locked.deleted_by = timezone.now(), by
    locked.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
    _audit_round(Action.ROUND_DELETED, locked, by=by, request=request)
    return locked


@transaction.atomic
def assessment_restore(*, assessment: Assessment, by=None, request=None) -> Assessment:
    """Undo the deletion of a round, within UNDO_DAYS."""
    locked = Assessment.all_objects.select_for_update().get(pk=assessment.pk)
    if locked.deleted_at is None:
        raise LifecycleRefused(gettext("This assessment is not deleted."))
    if locked.deleted_with_organization:
        raise LifecycleRefused(
            gettext(
                "This assessment was deleted with its organisation: undo that deletion instead."
            )
        )
    _refuse_late(locked.deleted_at)
    locked.deleted_at, locked.deleted_by = None, None
    locked.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
    _audit_round(Action.ROUND_RESTORED, locked, by=by, request=request)
    return locked


def _refuse_late(deleted_at: datetime) -> None:
    if undo_deadline(deleted_at) <= timezone.now():
        raise LifecycleRefused(
            ngettext(
                "The %(days)d day to undo this deletion is over; it is being purged.",
                "The %(days)d days to undo this deletion are over; it is being purged.",
                UNDO_DAYS,
            )
            % {"days": UNDO_DAYS}
        )


@transaction.atomic
def organization_delete(*, organization: Organization, by=None, request=None) -> Organization:
    """Hide an organisation and all its rounds at once (undo for UNDO_DAYS, then purged).
    Refused, with nothing changed, while one of its rounds has a workshop in progress."""
    locked = Organization.all_objects.select_for_update().get(pk=organization.pk)
    if locked.deleted_at is not None:
        raise LifecycleRefused(gettext("This organisation is already deleted."))
    rounds = Assessment.objects.select_for_update().filter(organization=locked)
    _refuse_open_workshops(rounds, organization=True)
    now = timezone.now()
    rounds.update(deleted_at=now, deleted_by=by, deleted_with_organization=True, updated_at=now)
    locked.deleted_at, locked.deleted_by = now, by
    locked.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
    _audit_organization(Action.ORGANIZATION_DELETED, locked, by=by, request=request)
    return locked


@transaction.atomic
def organization_restore(*, organization: Organization, by=None, request=None) -> Organization:
    """Undo the deletion of an organisation and of the rounds deleted with it."""
    locked = Organization.all_objects.select_for_update().get(pk=organization.pk)
    if locked.deleted_at is None:
        raise LifecycleRefused(gettext("This organisation is not deleted."))
    _refuse_late(locked.deleted_at)
    Assessment.all_objects.filter(organization=locked, deleted_with_organization=True).update(
        deleted_at=None, deleted_by=None, deleted_with_organization=False, updated_at=timezone.now()
    )
    locked.deleted_at, locked.deleted_by = None, None
    locked.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
    _audit_organization(Action.ORGANIZATION_RESTORED, locked, by=by, request=request)
    return locked


@transaction.atomic
def assessment_hold(*, assessment: Assessment, hold: bool, by=None, request=None) -> Assessment:
    """Put a round on legal hold (never purged by retention) or release it."""
    Assessment.objects.filter(pk=assessment.pk).update(legal_hold=hold, updated_at=timezone.now())
    assessment.legal_hold = hold
    _audit_round(
        Action.ROUND_HELD, assessment, by=by, request=request, note="on" if hold else "off"
    )
    return assessment


def _audit_round(action, assessment, *, by=None, request=None, note="") -> None:
    audit_record(
        action=action,
        request=request,
        actor=by,
        actor_label="" if (by or request) else SYSTEM_LABEL,
        organization=assessment.organization,
        target=f"assessment {assessment.code}" + (f" ({note})" if note else ""),
    )


def _audit_organization(action, organization, *, by=None, request=None) -> None:
    audit_record(
        action=action,
        request=request,
        actor=by,
        actor_label="" if (by or request) else SYSTEM_LABEL,
        organization=organization if action != Action.ORGANIZATION_PURGED else None,
        target=f"organisation #{organization.pk}",
    )


# --- Purging ----------------------------------------------------------------------------


def _forget_respondents(rounds) -> None:
    """Before rows go: the audit records that name their executives name the role only."""
    for respondent in Respondent.objects.filter(assessment__in=rounds).select_related("assessment"):
        _scrub_audit(respondent)


@transaction.atomic
def assessment_purge(*, assessment_id: int, by=None, reason: str = "deleted") -> bool:
    """Delete a round for good: answers, results, reports and their files, workshop.
    Idempotent: False when it is already gone."""
    locked = Assessment.all_objects.select_for_update().filter(pk=assessment_id).first()
    if locked is None:
        return False
    rounds = Assessment.all_objects.filter(pk=locked.pk)
    _forget_respondents(rounds)
    list(locked.reports.select_for_update().values_list("pk", flat=True))
    _audit_round(Action.ROUND_PURGED, locked, by=by, note=reason)
    locked.delete()
    _remove_files_on_commit([locked.code])
    return True


@transaction.atomic
def organization_purge(*, organization_id: int, by=None) -> bool:
    """Delete an organisation for good, with every round, membership and file.
    Idempotent: False when it is already gone."""
    locked = Organization.all_objects.select_for_update().filter(pk=organization_id).first()
    if locked is None:
        return False
    rounds = Assessment.all_objects.filter(organization=locked)
    codes = list(rounds.values_list("code", flat=True))
    _forget_respondents(rounds)
    _audit_organization(Action.ORGANIZATION_PURGED, locked, by=by)
    locked.delete()
    _remove_files_on_commit(codes)
    return True


@dataclass
class PurgePlan:
    organizations: list[int] = field(default_factory=list)
    assessments: list[str] = field(default_factory=list)


def purge_plan(*, now=None) -> PurgePlan:
    """What purge_due would delete now: everything deleted more than UNDO_DAYS ago."""
    cutoff = (now or timezone.now()) - timedelta(days=UNDO_DAYS)
    plan = PurgePlan()
    plan.organizations = list(
        Organization.all_objects.filter(deleted_at__lte=cutoff).values_list("pk", flat=True)
    )
    plan.assessments = list(
        Assessment.all_objects.filter(deleted_at__lte=cutoff, deleted_with_organization=False)
        .exclude(organization_id__in=plan.organizations)
        .values_list("code", flat=True)
    )
    return plan


def purge_due(*, now=None, by=None) -> PurgePlan:
    """Purge what purge_plan lists, one transaction per organisation or round (a failure
    leaves the others done; the next run picks it up). Returns what was purged."""
    plan, done = purge_plan(now=now), PurgePlan()
    for pk in plan.organizations:
        if organization_purge(organization_id=pk, by=by):
            done.organizations.append(pk)
    codes = dict(Assessment.all_objects.filter(code__in=plan.assessments).values_list("code", "pk"))
    for code, pk in codes.items():
        if assessment_purge(assessment_id=pk, by=by):
            done.assessments.append(code)
    return done


# --- Retention --------------------------------------------------------------------------


def add_months(moment: datetime, months: int) -> datetime:
    """The same day `months` later (the month's last day when it has fewer days)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    for day in range(moment.day, 27, -1):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return moment.replace(year=year, month=month, day=min(moment.day, 28))


def _retention_candidates():
    """Finished rounds, not on legal hold, with the moment their last answer was submitted
    (`finished_at`): the retention clock starts there."""
    return (
        Assessment.objects.filter(status__in=FINISHED_STATUSES, legal_hold=False)
        .annotate(finished_at=Max("respondents__submitted_at"))
        .filter(finished_at__isnull=False)
        .select_related("organization", "created_by")
    )


def retention_due_at(assessment: Assessment) -> datetime:
    return add_months(assessment.finished_at, settings.PARLEY_RETENTION_MONTHS)


@dataclass
class RetentionRun:
    warned: list[str] = field(default_factory=list)
    purged: list[str] = field(default_factory=list)


def retention_apply(*, now=None) -> RetentionRun:
    """Daily, when PARLEY_RETENTION_MONTHS is set: warn the consultant RETENTION_NOTICE_DAYS
    before a finished round's data expires, and purge it once expired (never before the
    warning is that old, never while on legal hold)."""
    run = RetentionRun()
    if not settings.PARLEY_RETENTION_MONTHS:
        return run
    now = now or timezone.now()
    notice = timedelta(days=RETENTION_NOTICE_DAYS)
    for assessment in _retention_candidates():
        due = retention_due_at(assessment)
        if assessment.retention_warned_at is None and due - notice <= now:
            _retention_warn(assessment, due)
            run.warned.append(assessment.code)
        elif assessment.retention_warned_at and assessment.retention_warned_at + notice <= now:
            if due <= now and assessment_purge(assessment_id=assessment.pk, reason="retention"):
                run.purged.append(assessment.code)
    return run


def _retention_recipients(assessment: Assessment) -> dict[str, list[str]]:
    """Who is warned, by the language each reads Parley in (their own, else the
    organisation's report language: a daily job has no browser to follow)."""
    if assessment.created_by and assessment.created_by.is_active:
        people = [(assessment.created_by.email, assessment.created_by.language)]
    else:
        managers = Membership.objects.filter(
            organization_id=assessment.organization_id,
            role__in=(Membership.Role.ADMIN, Membership.Role.CONSULTANT),
            user__is_active=True,
        )
        people = managers.values_list("user__email", "user__language")
    by_language: dict[str, list[str]] = {}
    for email, language in sorted(people):
        language = language or assessment.organization.report_language
        by_language.setdefault(language, []).append(email)
    return by_language


def _retention_warn(assessment: Assessment, due: datetime) -> None:
    """Email the consultant (one message per language), then record the warning (a failed
    send is tried again tomorrow; a send that succeeded is not repeated)."""
    ctx = {
        "assessment": assessment,
        "organization": assessment.organization,
        "due": due,
        "months": settings.PARLEY_RETENTION_MONTHS,
    }
    for language, recipients in _retention_recipients(assessment).items():
        with translation.override(language):
            message = EmailMultiAlternatives(
                subject=render_subject("emails/retention_warning-subject.txt", ctx),
                body=render_to_string("emails/retention_warning-body.txt", ctx),
                to=recipients,
            )
            message.attach_alternative(
                render_to_string("emails/retention_warning-body.html", ctx), "text/html"
            )
        message.send()
    Assessment.objects.filter(pk=assessment.pk).update(retention_warned_at=timezone.now())
