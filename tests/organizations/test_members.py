"""Creating a client organisation and inviting a colleague, from the product's pages."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from organizations.models import Membership, Organization, User
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_consultant_creates_an_organisation_and_becomes_its_consultant(
    consultant_client, consultant
):
    response = consultant_client.post(
        reverse("organizations:create"),
        {
            "name": "Globex",
            "slug": "globex",
            "sector": "Energy",
            "size_band": "5000+",
            "region": "EU",
        },
    )
    assert response.status_code == 302
    globex = Organization.objects.get(slug="globex")
    assert Membership.objects.get(organization=globex).user == consultant


def test_reserved_and_taken_slugs_are_refused(consultant_client, organization):
    for slug in ("new", organization.slug):
        response = consultant_client.post(
            reverse("organizations:create"), {"name": "X", "slug": slug}
        )
        assert response.status_code == 200
        assert response.context["form"].errors["slug"]
    assert Organization.objects.count() == 1


def test_inviting_a_new_colleague_creates_an_account_with_a_set_password_link(
    client, consultant_client, organization, django_capture_on_commit_callbacks
):
    url = reverse("organizations:members", args=[organization.slug])
    with django_capture_on_commit_callbacks(execute=True):
        consultant_client.post(url, {"email": "New.Colleague@Example.com", "role": "consultant"})
    colleague = User.objects.get(email="new.colleague@example.com")
    assert not colleague.has_usable_password()
    assert Membership.objects.get(user=colleague).role == Membership.Role.CONSULTANT
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new.colleague@example.com"]
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link).url
    client.post(
        form_url,
        {"new_password1": "a-long-fresh-passphrase", "new_password2": "a-long-fresh-passphrase"},
    )
    colleague.refresh_from_db()
    assert colleague.check_password("a-long-fresh-passphrase")


def test_inviting_an_existing_member_changes_nothing(consultant_client, organization, consultant):
    url = reverse("organizations:members", args=[organization.slug])
    consultant_client.post(url, {"email": consultant.email, "role": "consultant"})
    assert Membership.objects.filter(organization=organization).count() == 1
    assert mail.outbox == []


def test_only_admins_may_invite_admins(consultant_client, client, organization, org_admin):
    url = reverse("organizations:members", args=[organization.slug])
    response = consultant_client.post(url, {"email": "boss@example.com", "role": "admin"})
    assert response.status_code == 200 and response.context["form"].errors["role"]
    client.force_login(org_admin)
    client.post(url, {"email": "boss@example.com", "role": "admin"})
    assert Membership.objects.get(user__email="boss@example.com").role == Membership.Role.ADMIN


def test_executives_and_other_tenants_cannot_see_members(client, organization, other_organization):
    executive = MembershipFactory(organization=organization, role=Membership.Role.EXECUTIVE).user
    client.force_login(executive)
    assert client.get(reverse("organizations:members", args=[organization.slug])).status_code == 404
    client.force_login(UserFactory())
    assert (
        client.get(reverse("organizations:members", args=[other_organization.slug])).status_code
        == 404
    )


def test_the_invitation_subject_is_unescaped_plain_text(
    consultant_client, consultant, organization, django_capture_on_commit_callbacks
):
    consultant.full_name = "Siobhán O'Brien"
    consultant.save()
    organization.name = "Smith & <Jones>"
    organization.save()
    url = reverse("organizations:members", args=[organization.slug])
    with django_capture_on_commit_callbacks(execute=True):
        consultant_client.post(url, {"email": "new@example.com", "role": "consultant"})
    assert mail.outbox[0].subject == "Siobhán O'Brien added you to Smith & <Jones> on Parley"


def test_the_invite_service_refuses_an_admin_from_a_consultant(organization, consultant, org_admin):
    """The rule lives in the service, so every caller (page, API) keeps it."""
    from django.core.exceptions import ValidationError

    from organizations.services import colleague_invite

    with pytest.raises(ValidationError) as refused:
        colleague_invite(
            organization=organization, inviter=consultant, email="x@example.test", role="admin"
        )
    assert "role" in refused.value.message_dict
    assert not User.objects.filter(email="x@example.test").exists()
    outcome = colleague_invite(
        organization=organization, inviter=org_admin, email="y@example.test", role="admin"
    )
    assert outcome.membership.role == Membership.Role.ADMIN
