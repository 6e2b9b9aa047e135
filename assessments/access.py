"""The two access checks of Parley; every view that shows an organisation's rounds or what a
personal link may see goes through one of them.

- `managed_organization` / `managed_assessment`: "this user may manage this organisation's
  rounds" — its consultants and admins, and site staff. Anyone else gets a 404, never a 403:
  another tenant's round and a missing one look the same from outside.
- `link_respondent` / `link_results_respondent`: "this personal link may see this" — a live
  link sees its own executive's questionnaire; the results and the report only once both
  executives have submitted (before that nothing of the other's answers shows).
- `require_bank_editor`: "this user may import, preview and publish question banks" - site
  staff, and anyone granted the permission `assessments.edit_banks` (through a group or on
  their account). Anyone else gets a 404 for the bank pages.
"""

from django.db.models import QuerySet
from django.http import Http404
from django.utils import translation

from organizations.selectors import managed_organization

from .errors import LinkError
from .models import Assessment, Respondent
from .selectors import both_submitted, respondent_for_token


def managed_assessment(
    user, org_slug: str, code: str, *, queryset: QuerySet[Assessment] | None = None
) -> Assessment:
    """The round `code` of organisation `org_slug` when `user` may manage it, else Http404.

    `queryset` narrows or annotates the lookup (select_related, counts); the organisation
    filter is always applied. Two queries: the organisation, then the round."""
    organization = managed_organization(user, org_slug)
    queryset = Assessment.objects.all() if queryset is None else queryset
    assessment = (
        queryset.filter(organization=organization, code=code)
        .select_related("questionnaire")
        .first()
    )
    if assessment is None:
        raise Http404("No such assessment.")
    assessment.organization = organization
    return assessment


BANK_EDITOR_PERMISSION = "assessments.edit_banks"


def may_edit_banks(user) -> bool:
    """Site staff, and users with the bank-editor permission (who must be active)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_staff or user.has_perm(BANK_EDITOR_PERMISSION)


def require_bank_editor(user) -> None:
    """Http404 for anyone who may not edit banks: the pages look as if they did not exist."""
    if not may_edit_banks(user):
        raise Http404("No such page.")


BANK_EDITOR_SESSION_KEY = "parley_bank_editor"


def remember_bank_editor(sender, request, user, **kwargs) -> None:
    """At sign-in, note in the session whether to show the "Question banks" link: reading
    the permission on every page would cost two queries a page. The pages themselves always
    check the permission (require_bank_editor); a new grant shows from the next sign-in."""
    if request is not None and hasattr(request, "session"):
        request.session[BANK_EDITOR_SESSION_KEY] = may_edit_banks(user)


def link_respondent(token: str) -> Respondent:
    """The executive a personal link belongs to; LinkError (unknown, tampered, revoked,
    expired) says why not, for the link's error page.

    It also switches the request to the executive's language, when they have one (else the
    browser's stands, from LocaleMiddleware): every page a link shows is in it."""
    respondent = respondent_for_token(token)
    speak_respondent_language(respondent)
    return respondent


def speak_respondent_language(respondent: Respondent) -> None:
    """Activate the respondent's chosen language for the rest of the request (not again when
    it is the one already active, as it is on most of their requests)."""
    language = respondent.language
    if (
        language
        and language != translation.get_language()
        and translation.check_for_language(language)
    ):
        translation.activate(language)


class ResultsNotShared(Exception):
    """The link is live but the other executive has not submitted: no results yet."""

    def __init__(self, respondent: Respondent):
        super().__init__("Both executives have not submitted yet.")
        self.respondent = respondent


def results_shared(respondent: Respondent) -> bool:
    """Whether this executive's link may show the round's results and report: once both
    executives have submitted."""
    return bool(respondent.submitted_at) and both_submitted(respondent.assessment)


def link_results_respondent(token: str) -> Respondent:
    """The executive a personal link belongs to, when their round's results may be shown to
    it (`results_shared`). LinkError or ResultsNotShared otherwise."""
    respondent = link_respondent(token)
    if not results_shared(respondent):
        raise ResultsNotShared(respondent)
    return respondent


__all__ = [
    "BANK_EDITOR_PERMISSION",
    "LinkError",
    "ResultsNotShared",
    "link_respondent",
    "link_results_respondent",
    "managed_assessment",
    "managed_organization",
    "may_edit_banks",
    "require_bank_editor",
    "results_shared",
    "speak_respondent_language",
]
