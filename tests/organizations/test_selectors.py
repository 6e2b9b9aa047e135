"""The tenancy selector never returns another tenant's organisation."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from organizations.models import Membership
from organizations.selectors import (
    organization_for_user,
    organizations_for_user,
    organizations_managed_by,
)
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_it_returns_only_the_users_organisations(organization, other_organization, consultant):
    MembershipFactory(organization=other_organization)  # someone else's client
    assert list(organizations_for_user(consultant)) == [organization]


def test_it_refuses_another_tenants_organisation_with_404(other_organization, consultant):
    with pytest.raises(Http404):
        organization_for_user(consultant, other_organization.slug)


def test_anonymous_and_inactive_users_see_nothing(organization, consultant):
    assert not organizations_for_user(AnonymousUser()).exists()
    consultant.is_active = False
    consultant.save()
    assert not organizations_for_user(consultant).exists()


def test_site_staff_see_every_organisation(organization, other_organization, staff_user):
    assert set(organizations_for_user(staff_user)) == {organization, other_organization}


def test_executives_are_not_managers(organization):
    executive = MembershipFactory(organization=organization, role=Membership.Role.EXECUTIVE).user
    assert list(organizations_for_user(executive)) == [organization]
    assert not organizations_managed_by(executive).exists()


def test_many_tenants_never_mix():
    users = [UserFactory() for _ in range(5)]
    orgs = [OrganizationFactory() for _ in range(5)]
    for user, org in zip(users, orgs, strict=True):
        MembershipFactory(user=user, organization=org)
    for user, org in zip(users, orgs, strict=True):
        assert list(organizations_for_user(user)) == [org]
