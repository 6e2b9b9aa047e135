"""Brute-force throttling, session limits and the audit log of account events."""

import time

import pytest
from django.urls import reverse

from organizations.middleware import LAST_SEEN, SIGNED_IN_AT
from organizations.models import AuditEvent, Membership
from tests.factories import DEFAULT_PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
Action = AuditEvent.Action


def _sign_in(client, email, password):
    return client.post(reverse("login"), {"login": email, "password": password})


def test_it_locks_an_email_after_repeated_failures_with_a_clear_message(client, settings):
    UserFactory(email="target@example.com")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "target@example.com", "wrong")
    response = _sign_in(client, "target@example.com", DEFAULT_PASSWORD)
    assert response.status_code == 429
    assert b"Too many failed sign-in attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_a_lock_is_per_email_and_address(client, settings):
    UserFactory(email="target@example.com")
    UserFactory(email="other@example.com")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "target@example.com", "wrong")
    assert _sign_in(client, "other@example.com", DEFAULT_PASSWORD).status_code == 302


def test_sign_in_sign_out_and_failures_are_audited(client):
    UserFactory(email="ciso@example.com")
    _sign_in(client, "ciso@example.com", "wrong")
    _sign_in(client, "ciso@example.com", DEFAULT_PASSWORD)
    client.post(reverse("logout"))
    events = list(AuditEvent.objects.order_by("id").values_list("action", "actor_label"))
    assert events == [
        (Action.SIGN_IN_FAILED, "ciso@example.com"),
        (Action.SIGN_IN, "ciso@example.com"),
        (Action.SIGN_OUT, "ciso@example.com"),
    ]
    assert AuditEvent.objects.filter(ip_address="127.0.0.1").count() == 3


def test_an_idle_session_ends_after_thirty_minutes(client, consultant, settings):
    client.force_login(consultant)
    assert client.get(reverse("workspace:dashboard")).status_code == 200
    session = client.session
    session[LAST_SEEN] = time.time() - settings.SESSION_IDLE_SECONDS - 1
    session.save()
    response = client.get(reverse("workspace:dashboard"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


def test_an_active_session_still_ends_after_twelve_hours(client, consultant, settings):
    client.force_login(consultant)
    client.get(reverse("workspace:dashboard"))
    session = client.session
    session[SIGNED_IN_AT] = time.time() - settings.SESSION_COOKIE_AGE - 1
    session[LAST_SEEN] = time.time()
    session.save()
    assert client.get(reverse("workspace:dashboard")).status_code == 302
    assert settings.SESSION_COOKIE_AGE == 12 * 60 * 60
    assert settings.SESSION_IDLE_SECONDS == 30 * 60


def test_a_denied_request_for_another_tenant_is_audited(client, consultant, other_organization):
    client.force_login(consultant)
    url = reverse("organizations:audit_log", args=[other_organization.slug])
    assert client.get(url).status_code == 404
    event = AuditEvent.objects.get(action=Action.ACCESS_DENIED)
    assert (event.actor, event.target) == (consultant, url)


def test_only_organisation_admins_see_its_audit_log(client, organization, consultant, org_admin):
    url = reverse("organizations:audit_log", args=[organization.slug])
    client.force_login(consultant)
    assert client.get(url).status_code == 404
    client.force_login(org_admin)
    assert client.get(url).status_code == 200


def test_the_audit_log_is_read_only_in_the_django_admin(client, staff_user, organization):
    event = AuditEvent.objects.create(action=Action.SIGN_IN, actor_label="x@example.com")
    client.force_login(staff_user)
    assert client.get(reverse("admin:organizations_auditevent_changelist")).status_code == 200
    assert client.get(reverse("admin:organizations_auditevent_add")).status_code == 403
    delete_url = reverse("admin:organizations_auditevent_delete", args=[event.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    change_url = reverse("admin:organizations_auditevent_change", args=[event.pk])
    client.post(change_url, {"action": Action.SIGN_OUT, "actor_label": "forged"})
    event.refresh_from_db()
    assert event.actor_label == "x@example.com"


def test_weak_passwords_are_refused():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    user = MembershipFactory(role=Membership.Role.ADMIN).user
    for weak in ("password1", "12345678901", "short"):
        with pytest.raises(ValidationError):
            validate_password(weak, user)


def test_the_lock_holds_whatever_the_case_of_the_email(client, settings):
    """Probe hole 1: each spelling of the address used to get its own five tries."""
    UserFactory(email="exec@a.test")
    for spelling in ["exec@a.test", "Exec@a.test", "eXec@a.test", "EXEC@A.TEST", " exec@a.test"]:
        _sign_in(client, spelling, "wrong")
    assert settings.AXES_FAILURE_LIMIT == 5
    for spelling in ["exec@a.test", "Exec@A.test", "exeC@a.tesT"]:
        response = _sign_in(client, spelling, DEFAULT_PASSWORD)
        assert response.status_code == 429, spelling
        assert "_auth_user_id" not in client.session


def test_sign_in_accepts_any_case_and_clears_the_same_counter(client, settings):
    UserFactory(email="exec@a.test")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _sign_in(client, "EXEC@a.test", "wrong")
    assert _sign_in(client, "Exec@A.Test", DEFAULT_PASSWORD).status_code == 302
    client.post(reverse("logout"))
    # The success reset the one counter: four more failures in another case do not lock.
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _sign_in(client, "exec@a.test", "wrong")
    assert _sign_in(client, "exec@a.test", DEFAULT_PASSWORD).status_code == 302


def test_the_lockout_key_is_the_folded_email_whatever_the_field_that_carries_it():
    """allauth's form posts `login` and authenticates with `email`; Django's own forms use
    `username`: each gives the one key of the account."""
    from organizations.auth import lockout_username

    for credentials in (
        {"login": " Exec@A.test"},
        {"email": "EXEC@a.test"},
        {"username": "exec@A.TEST"},
    ):
        assert lockout_username(None, credentials) == "exec@a.test"
