"""Multi-factor sign-in and single sign-on in real Chromium.

- A security key: Chromium's virtual authenticator (DevTools protocol, WebAuthn domain) stands
  in for the hardware; allauth's own pages and JavaScript register it, then ask for it.
- Single sign-on: a real OpenID Connect provider (the npm package oidc-provider, see
  oidc_provider.mjs) started on loopback by the test; the browser goes through it.
"""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from organizations.models import AuditEvent, User
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.services import missing

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
PROVIDER_SCRIPT = Path(__file__).with_name("oidc_provider.mjs")
Action = AuditEvent.Action


def _expect():
    from playwright.sync_api import expect

    return expect


def _sign_in_with_password(page, base_url, user):
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()


def _virtual_authenticator(page):
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "usb",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
        "automaticPresenceSimulation": True,
    }
    authenticator = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})
    return cdp, authenticator["authenticatorId"]


def test_a_consultant_adds_a_security_key_and_signs_in_with_it(page, base_url, consultant):
    expect = _expect()
    cdp, authenticator_id = _virtual_authenticator(page)
    _sign_in_with_password(page, base_url, consultant)
    page.wait_for_url(re.compile(r"/organisations/$"))

    page.goto(base_url + "/accounts/2fa/webauthn/add/")
    if "/reauthenticate/" in page.url:  # allauth asks for the password again first
        page.get_by_label("Password").fill(DEFAULT_PASSWORD)
        page.get_by_role("button", name="Confirm").click()
        page.wait_for_url(re.compile(r"/accounts/2fa/webauthn/add/"))
    page.get_by_label("Name").fill("Desk key")
    page.get_by_role("button", name="Add").click()
    page.wait_for_url(lambda url: "/accounts/2fa/" in url and not url.endswith("/add/"))
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})
    assert len(credentials["credentials"]) == 1
    assert AuditEvent.objects.filter(actor=consultant, action=Action.MFA_ADDED).exists()

    page.context.clear_cookies()
    _sign_in_with_password(page, base_url, consultant)
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    expect(page.get_by_role("heading", name="Two-Factor Authentication")).to_be_visible()
    page.get_by_role("button", name="Use a security key").click()
    page.wait_for_url(re.compile(r"/organisations/$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    after = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})
    assert after["credentials"][0]["signCount"] >= 1  # the key really signed the challenge
    assert page.errors == []


# --- Single sign-on ----------------------------------------------------------------------

CLIENT_ID, CLIENT_SECRET = "parley-test", "a-client-secret-for-the-test-only"
ACCOUNTS = {
    "u-known": {"email": "Known@Client.test", "email_verified": True, "name": "Kim Known"},
    "u-stranger": {"email": "stranger@elsewhere.test", "email_verified": True, "name": "S"},
    "u-unverified": {"email": "known@client.test", "email_verified": False, "name": "U"},
    "u-new": {"email": "newcomer@consultancy.test", "email_verified": True, "name": "Nia New"},
}


@pytest.fixture
def oidc_provider(live_server, settings):
    """The provider on loopback, and Parley configured for it as PARLEY_OIDC_PROVIDERS=corp
    would configure it (config.env.env_oidc_providers)."""
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "oidc-provider").exists():
        missing("needs node and the oidc-provider package (npm ci)")
    env = {
        "PATH": os.environ["PATH"],
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_REDIRECT_URI": f"{live_server.url}/accounts/oidc/corp/login/callback/",
        "OIDC_ACCOUNTS": json.dumps(ACCOUNTS),
    }
    process = subprocess.Popen(
        [node, str(PROVIDER_SCRIPT)], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        line = process.stdout.readline()
        assert line.startswith("READY "), f"the OIDC provider did not start: {line!r}"
        issuer = f"http://127.0.0.1:{line.split()[1]}"
        app = {
            "provider_id": "corp",
            "name": "Corp SSO",
            "client_id": CLIENT_ID,
            "secret": CLIENT_SECRET,
            "settings": {"server_url": issuer, "oauth_pkce_enabled": True},
        }
        settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": [app]}}
        settings.PARLEY_REQUIRE_MFA = True
        settings.PARLEY_SSO_ALLOWED_DOMAINS = ["consultancy.test"]
        yield issuer
    finally:
        process.terminate()
        process.wait(timeout=10)


def _sign_in_with_sso(page, base_url, account: str, *, second_factor: bool):
    page.goto(base_url + "/accounts/login/")
    page.get_by_role("button", name="Sign in with Corp SSO").click()
    page.wait_for_url(re.compile(r"127\.0\.0\.1:\d+/interaction/"))
    page.get_by_label("Account").select_option(account)
    if second_factor:
        page.get_by_label("I used my second factor").check()
    page.get_by_role("button", name="Continue").click()


def test_sso_signs_in_an_existing_user_and_trusts_the_providers_mfa(
    page, base_url, oidc_provider, consultant
):
    consultant.email = "known@client.test"
    consultant.save()
    _sign_in_with_sso(page, base_url, "u-known", second_factor=True)
    page.wait_for_url(re.compile(r"/organisations/$"))
    _expect()(page.get_by_role("link", name="known@client.test")).to_be_visible()
    event = AuditEvent.objects.get(action=Action.SSO_SIGN_IN)
    assert event.actor == consultant and event.target == "corp (MFA by the provider)"
    assert AuditEvent.objects.filter(actor=consultant, action=Action.SSO_LINKED).exists()


def test_sso_without_the_providers_mfa_still_needs_a_second_factor_here(
    page, base_url, oidc_provider, consultant
):
    consultant.email = "known@client.test"
    consultant.save()
    _sign_in_with_sso(page, base_url, "u-known", second_factor=False)
    page.wait_for_url(re.compile(r"/accounts/2fa/$"))
    _expect()(page.get_by_text("requires a second factor for every account")).to_be_visible()
    page.goto(base_url + "/organisations/")
    assert page.url.endswith("/accounts/2fa/")


def test_sso_refuses_strangers_and_unverified_emails(page, base_url, oidc_provider):
    UserFactory(email="known@client.test")
    expect = _expect()
    _sign_in_with_sso(page, base_url, "u-stranger", second_factor=True)
    expect(page.get_by_text("no Parley account has this email address")).to_be_visible()
    assert not User.objects.filter(email="stranger@elsewhere.test").exists()

    page.context.clear_cookies()
    _sign_in_with_sso(page, base_url, "u-unverified", second_factor=True)
    expect(page.get_by_text("the provider did not verify an email address")).to_be_visible()
    refusals = AuditEvent.objects.filter(action=Action.SSO_REFUSED).count()
    assert refusals == 2
    assert not AuditEvent.objects.filter(action=Action.SIGN_IN).exists()


def test_sso_creates_the_account_of_an_allowed_domain(page, base_url, oidc_provider):
    _sign_in_with_sso(page, base_url, "u-new", second_factor=True)
    page.wait_for_url(re.compile(r"/organisations/$"))
    user = User.objects.get(email="newcomer@consultancy.test")
    assert user.full_name == "Nia New" and not user.has_usable_password()
    assert AuditEvent.objects.filter(actor=user, action=Action.SSO_LINKED).exists()
