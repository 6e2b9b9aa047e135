"""The access checks of the API: the pages' checks (assessments.access), narrowed by the
token. A token for one organisation sees no other; anything out of reach is a 404, as on
the pages."""

from django.http import Http404
from django.utils.translation import gettext

from assessments.access import managed_assessment, managed_organization
from organizations.models import Membership
from organizations.selectors import organizations_for_user, role_in

from .models import ApiToken


def token_of(request) -> ApiToken | None:
    return request.auth if isinstance(request.auth, ApiToken) else None


def _check_scope(request, organization) -> None:
    token = token_of(request)
    if token is not None and token.organization_id not in (None, organization.pk):
        raise Http404(gettext("No such organisation."))


def api_organizations(request):
    """The organisations the requester may see (the dashboard's selector), narrowed to the
    token's organisation."""
    organizations = organizations_for_user(request.user)
    token = token_of(request)
    if token is not None and token.organization_id is not None:
        organizations = organizations.filter(pk=token.organization_id)
    return organizations


def api_visible_organization(request, slug: str):
    """An organisation the requester belongs to (any role), else 404."""
    organization = api_organizations(request).filter(slug=slug).first()
    if organization is None:
        raise Http404(gettext("No such organisation."))
    return organization


def api_managed_organization(request, slug: str):
    organization = managed_organization(request.user, slug)
    _check_scope(request, organization)
    return organization


def api_admin_organization(request, slug: str):
    """Its admins (and site staff) only: webhooks are the organisation's own plumbing."""
    organization = api_managed_organization(request, slug)
    if role_in(request.user, organization) != Membership.Role.ADMIN:
        raise Http404(gettext("No such organisation."))
    return organization


def api_managed_assessment(request, slug: str, code: str, *, queryset=None):
    assessment = managed_assessment(request.user, slug, code, queryset=queryset)
    _check_scope(request, assessment.organization)
    return assessment
