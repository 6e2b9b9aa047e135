import pytest
from rest_framework.test import APIClient

from api.tokens import api_token_create
from organizations.models import Membership
from tests.factories import MembershipFactory, scored_assessment


@pytest.fixture
def make_client():
    """An API client holding a fresh token of `user` (with the token's options)."""

    def make(user, **options):
        issued = api_token_create(user=user, name="test", **options)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.raw}")
        client.token = issued.token
        client.raw = issued.raw
        return client

    return make


@pytest.fixture
def api(make_client, consultant):
    return make_client(consultant)


@pytest.fixture
def scored(questionnaire, organization):
    return scored_assessment(questionnaire, organization=organization, title="Spring round")


@pytest.fixture
def their_scored(questionnaire, other_organization):
    MembershipFactory(organization=other_organization, role=Membership.Role.CONSULTANT)
    return scored_assessment(questionnaire, organization=other_organization, title="Rival round")


def round_url(assessment, tail=""):
    return (
        f"/api/v1/organizations/{assessment.organization.slug}/assessments/{assessment.code}/{tail}"
    )
