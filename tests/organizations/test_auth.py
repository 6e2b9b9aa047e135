"""Signing in by email, signing out, password reset by email, the home redirect."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_the_custom_user_logs_in_by_email(client):
    UserFactory(email="ciso@example.com")
    response = client.post(
        reverse("login"), {"login": "CISO@Example.com", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("workspace:dashboard")).status_code == 200


def test_a_wrong_password_is_refused_with_a_message(client):
    UserFactory(email="ceo@example.com")
    response = client.post(reverse("login"), {"login": "ceo@example.com", "password": "nope"})
    assert response.status_code == 200
    assert b"The email address and/or password you specified are not correct." in response.content
    assert "_auth_user_id" not in client.session


def test_sign_out_ends_the_session(consultant_client):
    response = consultant_client.post(reverse("logout"))
    assert response.status_code == 302
    assert consultant_client.get(reverse("workspace:dashboard")).status_code == 302


def test_home_sends_anonymous_users_to_sign_in_and_members_to_their_organisations(
    client, consultant
):
    assert client.get("/").url == reverse("login")
    client.force_login(consultant)
    assert client.get("/").url == reverse("workspace:dashboard")


def test_password_reset_sends_a_working_link_by_email(client):
    user = UserFactory(email="reset@example.com")
    client.post(reverse("password_reset"), {"email": "reset@example.com"})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link).url
    new_password = "a-much-longer-new-passphrase"
    client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_organisation_list_shows_names_escaped(client, consultant, organization):
    organization.name = "<script>alert(1)</script> Health"
    organization.save()
    client.force_login(consultant)
    body = client.get(reverse("workspace:dashboard")).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Health" in body
    assert "<script>alert(1)" not in body
