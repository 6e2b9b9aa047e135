"""Who may open the workspace's pages: consultants and admins of the organisation (and site
staff). Everything else is a 404, never a 403: another tenant's assessment and a missing one
look the same from outside."""

from django.http import Http404

from assessments.models import Assessment
from organizations.selectors import MANAGER_ROLES, organization_for_user


def manager_organization(user, org_slug: str):
    return organization_for_user(user, org_slug, roles=MANAGER_ROLES)


def manager_assessment(user, org_slug: str, code: str, *, with_workshop: bool = False):
    """The organisation's assessment by code, with its questionnaire (and workshop): two
    queries."""
    organization = manager_organization(user, org_slug)
    related = ["questionnaire", "workshop"] if with_workshop else ["questionnaire"]
    assessment = (
        Assessment.objects.filter(organization=organization, code=code)
        .select_related(*related)
        .first()
    )
    if assessment is None:
        raise Http404("No such assessment.")
    assessment.organization = organization
    return assessment
