import pytest
from django.test import Client

from .world import build_tenant


@pytest.fixture
def ours(questionnaire, organization):
    """Acme Health: the tenant whose people make the requests."""
    return build_tenant(questionnaire, organization, "acmesecret4410")


@pytest.fixture
def theirs(questionnaire, other_organization):
    """Rival Corp: the tenant whose data must stay out of reach."""
    return build_tenant(questionnaire, other_organization, "rivalsecret7731")


@pytest.fixture
def clients(ours):
    """A client per kind of requester of our tenant, built on demand."""

    def make(kind: str) -> Client:
        client = Client()
        if kind in ("consultant", "admin", "executive"):
            client.force_login(getattr(ours, kind))
        elif kind == "respondent":
            # A respondent who opened their own link: a visit cookie, a CSRF cookie, no account.
            assert client.get(f"/r/{ours.open_tokens['ceo']}/").status_code == 200
        else:
            assert kind == "anonymous", kind
        return client

    return make
