"""Personal API tokens: shown once, stored hashed, scoped, expiring, revocable."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken
from api.tokens import api_token_create, api_token_revoke, token_for_raw
from assessments.tokens import hash_token
from organizations.models import AuditEvent

pytestmark = pytest.mark.django_db
ORGS = "/api/v1/organizations/"


def _bearer(raw):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_it_stores_only_the_hash_and_a_visible_prefix(consultant):
    issued = api_token_create(user=consultant, name="CRM")
    token = ApiToken.objects.get(pk=issued.token.pk)
    assert issued.raw.startswith(token.prefix + "_") and token.prefix.startswith("prly_")
    assert token.token_hash == hash_token(issued.raw)
    assert issued.raw not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert AuditEvent.objects.filter(action="api_token_created", actor=consultant).exists()


def test_a_token_reads_the_api_and_records_its_use(consultant, organization):
    issued = api_token_create(user=consultant, name="CRM")
    response = _bearer(issued.raw).get(ORGS)
    assert response.status_code == 200
    assert [o["slug"] for o in response.json()["results"]] == [organization.slug]
    issued.token.refresh_from_db()
    assert issued.token.last_used_at is not None


@pytest.mark.parametrize(
    "mangle",
    [
        lambda raw: raw[:-1] + ("A" if raw[-1] != "A" else "B"),
        lambda raw: raw.split("_", 2)[0] + "_" + raw.split("_", 2)[2],
        lambda raw: "nonsense",
        lambda raw: hash_token(raw),
    ],
)
def test_anything_but_the_token_is_refused_as_a_problem(consultant, mangle):
    issued = api_token_create(user=consultant, name="CRM")
    response = _bearer(mangle(issued.raw)).get(ORGS)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["status"] == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_no_credentials_is_a_401(client):
    response = client.get(ORGS)
    assert response.status_code in (401, 403)
    assert response.json()["title"]


def test_a_revoked_or_expired_token_stops_working(consultant):
    revoked = api_token_create(user=consultant, name="old")
    api_token_revoke(token=revoked.token)
    expired = api_token_create(user=consultant, name="short", expires_in_days=1)
    ApiToken.objects.filter(pk=expired.token.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    for issued in (revoked, expired):
        assert token_for_raw(issued.raw) is None
        assert _bearer(issued.raw).get(ORGS).status_code == 401


def test_a_deactivated_users_token_stops_working(consultant):
    issued = api_token_create(user=consultant, name="CRM")
    consultant.is_active = False
    consultant.save()
    assert _bearer(issued.raw).get(ORGS).status_code == 401


def test_a_read_only_token_cannot_write(consultant):
    issued = api_token_create(user=consultant, name="BI", read_only=True)
    response = _bearer(issued.raw).post(ORGS, {"name": "New", "slug": "new-org"}, format="json")
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]


def test_a_token_for_one_organisation_sees_no_other(consultant, organization, other_organization):
    from organizations.models import Membership
    from tests.factories import MembershipFactory

    MembershipFactory(user=consultant, organization=other_organization, role="consultant")
    issued = api_token_create(user=consultant, name="one", organization=organization)
    client = _bearer(issued.raw)
    slugs = [o["slug"] for o in client.get(ORGS).json()["results"]]
    assert slugs == [organization.slug]
    assert client.get(f"{ORGS}{other_organization.slug}/assessments/").status_code == 404
    assert client.get(f"{ORGS}{organization.slug}/assessments/").status_code == 200
    assert Membership.objects.filter(user=consultant).count() == 2


def test_a_token_cannot_be_narrowed_to_a_strangers_organisation(consultant, other_organization):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        api_token_create(user=consultant, name="x", organization=other_organization)
    assert "organization" in error.value.message_dict


def test_the_command_prints_the_token_once(consultant, organization):
    out, err = StringIO(), StringIO()
    call_command(
        "create_api_token",
        "--user",
        consultant.email.upper(),
        "--organization",
        organization.slug,
        "--read-only",
        "--expires",
        "7",
        stdout=out,
        stderr=err,
    )
    raw = out.getvalue().strip()
    token = token_for_raw(raw)
    assert token is not None and token.read_only and token.organization == organization
    assert timedelta(days=6) < token.expires_at - timezone.now() <= timedelta(days=7)
    assert "shown once" in err.getvalue()


def test_the_command_names_what_is_wrong(db):
    with pytest.raises(CommandError, match="--user"):
        call_command("create_api_token", "--user", "nobody@example.test")


def test_the_page_shows_a_new_token_once_and_revokes(client, consultant, organization):
    client.force_login(consultant)
    url = reverse("api_tokens")
    data = {"name": "CRM sync", "organization": organization.slug, "expires": "30"}
    response = client.post(url, data)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    raw = response.context["issued"].raw
    assert raw in response.content.decode()
    assert raw not in client.get(url).content.decode()
    token = token_for_raw(raw)
    assert token.organization == organization
    response = client.post(url, {"revoke": token.prefix})
    assert response.status_code == 302
    assert token_for_raw(raw) is None


def test_the_page_cannot_revoke_someone_elses_token(client, consultant, org_admin):
    theirs = api_token_create(user=org_admin, name="admin's")
    client.force_login(consultant)
    client.post(reverse("api_tokens"), {"revoke": theirs.token.prefix})
    assert token_for_raw(theirs.raw) is not None
