"""The one rule for a due date typed by a consultant: from today to two years ahead.

Beyond that nothing works: a date such as 9999-12-31 overflows the link expiry computed
from it ("date value out of range"), so invitations fail, the unsent sweeper retries them
for ever and the assessment page errors. Forms, services and the API apply this rule.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext

MAX_YEARS_AHEAD = 2


def latest_due_date(today: date | None = None) -> date:
    """Today's date two years on (28 February for a 29 February)."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year + MAX_YEARS_AHEAD)
    except ValueError:
        return today.replace(year=today.year + MAX_YEARS_AHEAD, day=28)


def due_date_problem(due: date | None, today: date | None = None) -> str | None:
    """Why `due` is not an acceptable due date, or None (no date at all is acceptable)."""
    if due is None:
        return None
    today = today or timezone.localdate()
    if due < today:
        return gettext("The due date is in the past.")
    latest = latest_due_date(today)
    if due > latest:
        return ngettext(
            "The due date is more than %(years)d year away; choose a date up to %(latest)s.",
            "The due date is more than %(years)d years away; choose a date up to %(latest)s.",
            MAX_YEARS_AHEAD,
        ) % {"years": MAX_YEARS_AHEAD, "latest": formats.date_format(latest, "DATE_FORMAT")}
    return None


def refuse_bad_due_date(due: date | None) -> date | None:
    """`due` unchanged, or ValidationError on the `due_date` field."""
    if problem := due_date_problem(due):
        raise ValidationError({"due_date": problem})
    return due


def clean_due_date_field(due: date | None) -> date | None:
    """For a form's clean_due_date: the same rule as a field error."""
    if problem := due_date_problem(due):
        raise ValidationError(problem, code="due_date")
    return due
