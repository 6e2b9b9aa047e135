"""Tenant isolation: every page of the workspace is for the organisation's consultants and
admins (and site staff). Another tenant's data is a 404, never a 403; signing in is needed;
an executive member gets nothing."""

import pytest
from django.urls import reverse

from alignment.models import ActionItem
from assessments.models import Dimension
from workspace import services

from .conftest import soon, url

pytestmark = pytest.mark.django_db

# (url name, kwargs beyond the organisation/assessment, method, data)
ROUND_VIEWS = [
    ("presenter", {}, "get", None),
    ("state", {}, "get", {"v": "0"}),
    ("finish", {}, "post", {}),
    ("consensus", {"dimension": "D1"}, "post", {"value": "3"}),
    ("action_create", {"dimension": "D1"}, "post", {"description": "x", "owner_role": "ceo"}),
    ("action_status", {"action_code": "ACTION"}, "post", {"status": "done"}),
    ("action_remove", {"action_code": "ACTION"}, "post", {}),
    ("gap_map", {}, "get", None),
    ("trend", {}, "get", None),
    ("next_round", {}, "get", None),
    ("next_round", {}, "post", {"title": "x", "due_date": soon().isoformat()}),
    ("xlsx", {}, "get", None),
    ("csv", {"table": "answers"}, "get", None),
]
ORG_VIEWS = [
    ("organization_portfolio", {}, "get", None),
    ("actions", {}, "get", None),
    ("action_update", {"action_code": "ACTION"}, "post", {"status": "done"}),
    ("org_xlsx", {}, "get", None),
    ("org_csv", {"table": "actions"}, "get", None),
]


def _with_action(assessment):
    session = services.workshop_start(assessment=assessment)
    dimension = Dimension.objects.get(questionnaire=assessment.questionnaire, code="D1")
    return services.action_add(
        session=session, dimension=dimension, description="An action", owner_role="ciso"
    )


def _path(name, extra, assessment=None, organization=None, slug=None):
    owner = organization or assessment.organization
    action = ActionItem.objects.filter(session__assessment__organization=owner).first()
    extra = {k: (action.code if v == "ACTION" else v) for k, v in extra.items()}
    if assessment is not None:
        kwargs = {"org_slug": slug or assessment.organization.slug, "code": assessment.code}
    else:
        kwargs = {"org_slug": organization.slug}
    return reverse(f"workspace:{name}", kwargs={**kwargs, **extra})


def _call(client, method, path, data):
    return getattr(client, method)(path, data or {})


@pytest.mark.parametrize(("name", "extra", "method", "data"), ROUND_VIEWS)
def test_another_tenants_round_is_not_found(
    consultant_client, scored, theirs, organization, name, extra, method, data
):
    _with_action(scored)
    _with_action(theirs)
    # Their round under our organisation's slug, and under their own slug.
    for slug in (organization.slug, None):
        path = _path(name, extra, assessment=theirs, slug=slug)
        assert _call(consultant_client, method, path, data).status_code == 404, path
    assert ActionItem.objects.filter(status="done").count() == 0
    assert theirs.organization.assessments.count() == 1


@pytest.mark.parametrize(("name", "extra", "method", "data"), ORG_VIEWS)
def test_another_tenants_organisation_is_not_found(
    consultant_client, scored, theirs, name, extra, method, data
):
    _with_action(theirs)
    path = _path(name, extra, organization=theirs.organization)
    assert _call(consultant_client, method, path, data).status_code == 404
    assert ActionItem.objects.filter(status="done").count() == 0


def test_our_action_under_our_slug_but_another_round_is_not_found(
    consultant_client, scored, questionnaire, organization
):
    from tests.factories import scored_assessment

    other_round = scored_assessment(questionnaire, organization=organization, realistic=False)
    action = _with_action(scored)
    path = url("action_status", other_round, action_code=action.code)
    assert consultant_client.post(path, {"status": "done"}).status_code == 404


@pytest.mark.parametrize(("name", "extra", "method", "data"), ROUND_VIEWS + ORG_VIEWS)
def test_an_executive_member_gets_nothing(executive_client, scored, name, extra, method, data):
    _with_action(scored)
    if (name, extra, method, data) in ORG_VIEWS:
        path = _path(name, extra, organization=scored.organization)
    else:
        path = _path(name, extra, assessment=scored)
    assert _call(executive_client, method, path, data).status_code == 404
    assert ActionItem.objects.filter(status="done").count() == 0


@pytest.mark.parametrize(("name", "extra", "method", "data"), ROUND_VIEWS + ORG_VIEWS)
def test_signing_in_is_required(client, scored, name, extra, method, data):
    _with_action(scored)
    if (name, extra, method, data) in ORG_VIEWS:
        path = _path(name, extra, organization=scored.organization)
    else:
        path = _path(name, extra, assessment=scored)
    response = _call(client, method, path, data)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_portfolio_needs_a_client(executive_client):
    assert executive_client.get(url("portfolio")).status_code == 404


def test_an_organisation_admin_and_staff_may_use_the_workspace(
    client, org_admin, staff_user, scored
):
    for user in (org_admin, staff_user):
        client.force_login(user)
        assert client.get(url("presenter", scored)).status_code == 200
        assert client.get(url("xlsx", scored)).status_code == 200


def test_reading_pages_refuse_post_and_saves_refuse_get(consultant_client, scored):
    assert consultant_client.post(url("presenter", scored)).status_code == 405
    assert consultant_client.get(url("consensus", scored, dimension="D1")).status_code == 405
    assert consultant_client.get(url("finish", scored)).status_code == 405


def test_a_missing_csrf_token_is_refused(client, consultant, scored):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(consultant)
    response = strict.post(url("consensus", scored, dimension="D1"), {"value": "3"})
    assert response.status_code == 403
