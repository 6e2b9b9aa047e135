"""Multi-factor sign-in: TOTP enrolment and sign-in with codes computed here (pyotp), recovery
codes, the requirement (PARLEY_REQUIRE_MFA), the audit trail, and a site admin's reset."""

import re

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse

from organizations.models import AuditEvent
from organizations.services import user_mfa_reset
from tests.factories import DEFAULT_PASSWORD

# Transactional: allauth announces a new factor (signal, notification email) once the
# request's transaction commits, inside the request, as in production.
pytestmark = pytest.mark.django_db(transaction=True)
Action = AuditEvent.Action


def _sign_in(client, user, password=DEFAULT_PASSWORD):
    return client.post(reverse("login"), {"login": user.email, "password": password})


@pytest.fixture
def enrol_totp():
    """Add an authenticator app as a person does."""
    return _enrol_totp


def _enrol_totp(client) -> pyotp.TOTP:
    """Read the secret off the page, answer with the current code. allauth first asks for the
    password again (a sensitive change)."""
    page = client.get(reverse("mfa_activate_totp"))
    if page.status_code == 302:
        assert page.url.startswith(reverse("account_reauthenticate"))
        client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
        page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = re.search(r'value="([A-Z2-7]{16,})"', page.content.decode()).group(1)
    totp = pyotp.TOTP(secret)
    response = client.post(reverse("mfa_activate_totp"), {"code": totp.now()})
    assert response.status_code == 302, response.content.decode()[:2000]
    return totp


def test_where_mfa_is_required_a_user_without_it_is_sent_to_enrol_first(
    client, consultant, settings, enrol_totp
):
    settings.PARLEY_REQUIRE_MFA = True
    assert _sign_in(client, consultant).status_code == 302
    response = client.get(reverse("workspace:dashboard"))
    assert response.status_code == 302 and response.url == reverse("mfa_index")
    page = client.get(response.url)
    assert "requires a second factor for every account" in page.content.decode()
    assert client.get(reverse("assessments:list", args=["acme-health"])).url == reverse("mfa_index")

    enrol_totp(client)

    assert client.get(reverse("workspace:dashboard")).status_code == 200


def test_where_mfa_is_optional_nobody_is_sent_to_enrol(client, consultant, settings):
    settings.PARLEY_REQUIRE_MFA = False
    _sign_in(client, consultant)
    assert client.get(reverse("workspace:dashboard")).status_code == 200


def test_sign_in_with_totp_asks_for_the_code_and_refuses_a_wrong_or_replayed_one(
    client, consultant, enrol_totp
):
    _sign_in(client, consultant)
    totp = enrol_totp(client)
    assert Authenticator.objects.filter(user=consultant, type="totp").exists()
    assert "Parley: Authenticator App Activated" in [m.subject for m in mail.outbox]
    client.post(reverse("logout"))

    response = _sign_in(client, consultant)
    assert response.url == reverse("mfa_authenticate")
    assert SESSION_KEY not in client.session  # not signed in before the second factor
    assert client.get(reverse("workspace:dashboard")).status_code == 302

    wrong = f"{(int(totp.now()) + 1) % 1_000_000:06d}"
    refused = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert refused.status_code == 200 and "Incorrect code" in refused.content.decode()
    assert SESSION_KEY not in client.session

    code = totp.now()
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    assert client.get(reverse("workspace:dashboard")).status_code == 200

    # The same code cannot sign in a second browser (a code seen over a shoulder).
    other = Client()
    assert _sign_in(other, consultant).url == reverse("mfa_authenticate")
    assert other.post(reverse("mfa_authenticate"), {"code": code}).status_code == 200
    assert SESSION_KEY not in other.session

    actions = list(
        AuditEvent.objects.filter(actor=consultant).order_by("id").values_list("action", flat=True)
    )
    assert Action.MFA_ADDED in actions
    assert actions.count(Action.MFA_FAILED) == 2


def test_a_recovery_code_signs_in_once(client, consultant, enrol_totp):
    _sign_in(client, consultant)
    enrol_totp(client)
    page = client.get(reverse("mfa_view_recovery_codes")).content.decode()
    codes = re.findall(r"\b([0-9a-f]{8})\b", page)
    assert len(set(codes)) == 10, page[:2000]
    client.post(reverse("logout"))

    _sign_in(client, consultant)
    assert client.post(reverse("mfa_authenticate"), {"code": codes[0]}).status_code == 302
    client.post(reverse("logout"))
    _sign_in(client, consultant)
    assert client.post(reverse("mfa_authenticate"), {"code": codes[0]}).status_code == 200
    assert SESSION_KEY not in client.session


def test_adding_a_second_factor_ends_the_other_sessions(consultant, enrol_totp):
    laptop, phone = Client(), Client()
    _sign_in(laptop, consultant)
    _sign_in(phone, consultant)
    assert phone.get(reverse("workspace:dashboard")).status_code == 200

    enrol_totp(laptop)

    assert laptop.get(reverse("workspace:dashboard")).status_code == 200
    assert phone.get(reverse("workspace:dashboard")).status_code == 302
    assert AuditEvent.objects.filter(actor=consultant, action=Action.SESSIONS_ENDED).exists()


def test_a_site_admin_resets_a_users_mfa_and_it_is_audited(
    client, consultant, staff_user, enrol_totp
):
    _sign_in(client, consultant)
    enrol_totp(client)
    assert user_mfa_reset(user=consultant, by=staff_user) == 2  # the app and recovery codes

    assert not Authenticator.objects.filter(user=consultant).exists()
    assert client.get(reverse("workspace:dashboard")).status_code == 302  # signed out
    event = AuditEvent.objects.get(action=Action.MFA_RESET)
    assert event.actor == staff_user and consultant.email in event.target
    # The next sign-in needs the password only, then enrolment where MFA is required.
    assert _sign_in(Client(), consultant).url == reverse("home")


def test_the_admin_action_resets_mfa(client, consultant, staff_user):
    Authenticator.objects.create(user=consultant, type=Authenticator.Type.TOTP, data={})
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:organizations_user_changelist"),
        {"action": "reset_mfa", "_selected_action": [consultant.pk]},
        follow=True,
    )
    assert "1 authenticator removed" in response.content.decode()
    assert not Authenticator.objects.filter(user=consultant).exists()


def test_changing_the_password_ends_the_other_sessions_and_is_audited(consultant):
    laptop, phone = Client(), Client()
    _sign_in(laptop, consultant)
    _sign_in(phone, consultant)
    sessions = laptop.get(reverse("usersessions_list"))
    assert sessions.status_code == 200 and sessions.content.decode().count("127.0.0.1") >= 2

    new = "a-different-long-passphrase"
    data = {"oldpassword": DEFAULT_PASSWORD, "password1": new, "password2": new}
    response = laptop.post(reverse("account_change_password"), data)
    assert response.status_code == 302, response.content.decode()[:1500]

    assert laptop.get(reverse("workspace:dashboard")).status_code == 200
    assert phone.get(reverse("workspace:dashboard")).status_code == 302
    actions = set(AuditEvent.objects.filter(actor=consultant).values_list("action", flat=True))
    assert {Action.PASSWORD_CHANGED, Action.SIGN_IN} <= actions
    # The account holder hears of it (allauth's notification, with Parley's subject rules).
    assert [m.subject for m in mail.outbox] == ["Parley: Password Changed"]


def test_the_admin_signs_in_through_parleys_sign_in_and_its_second_factor(
    client, staff_user, enrol_totp
):
    _sign_in(client, staff_user)
    totp = enrol_totp(client)
    client.post(reverse("logout"))

    response = client.get(reverse("admin:login") + "?next=/admin/")
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    # The admin's own form is not there to take a password alone.
    posted = client.post(
        reverse("admin:login"), {"username": staff_user.email, "password": DEFAULT_PASSWORD}
    )
    assert posted.status_code == 302 and SESSION_KEY not in client.session

    assert _sign_in(client, staff_user).url == reverse("mfa_authenticate")
    client.post(reverse("mfa_authenticate"), {"code": totp.now()})
    assert client.get(reverse("admin:index")).status_code == 200
