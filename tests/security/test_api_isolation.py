"""Tenant isolation of the REST API, over every API route (tests/security/routes.py, API).

As for the pages: every route that names a tenant's object is requested with ANOTHER
organisation's objects (all of them, and each swapped into our own URL), with every method,
by each kind of requester of our organisation holding a personal API token (consultant,
admin, executive member), by a respondent with a live link's cookie, and by the anonymous.
Every answer is a 404 (401/403 without credentials), nothing of the other tenant shows, and
none of its rows change. The positive control: our own objects, for the roles allowed.
"""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from api.tokens import api_token_create

from .routes import (
    API,
    DELETE,
    GET,
    PATCH,
    POST,
    PUT,
    ROUTES,
    object_kwarg_names,
    routes_in,
    tenant_kwargs,
)
from .world import snapshot

pytestmark = pytest.mark.django_db

ACCOUNT_KINDS = ("consultant", "admin", "executive")
ALL_METHODS = (GET, POST, PUT, PATCH, DELETE)
TENANT_API = [r for r in routes_in(API) if not API[r.name].account]
ACCOUNT_API = [r for r in routes_in(API) if API[r.name].account]


@pytest.fixture(autouse=True)
def _webhooks(ours, theirs):
    """Each tenant's webhook endpoint and a delivery exist before the snapshots."""
    for tenant in (ours, theirs):
        tenant.delivery_code()


@pytest.fixture
def api_clients(ours):
    def make(kind: str):
        if kind in ACCOUNT_KINDS:
            issued = api_token_create(user=getattr(ours, kind), name=f"walk {kind}")
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.raw}")
            return client
        client = APIClient()
        if kind == "respondent":
            assert client.get(f"/r/{ours.open_tokens['ceo']}/").status_code == 200
        return client

    return make


def _send(client, method, path, data):
    if method == GET:
        return client.get(path)
    return getattr(client, method)(path, data, format="json")


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("latin-1")
    return response.content.decode("utf-8", errors="replace")


def _assert_nothing_of(tenant, response, where):
    body = _body(response)
    shown = [text for text in tenant.strings + [tenant.secret] if text in body]
    assert not shown, f"{where}: the response shows {shown}"


def _variants(route, ours, theirs):
    variants = [("their objects", tenant_kwargs(route, theirs))]
    names = object_kwarg_names(route)
    if len(names) > 1:
        for name in names:
            variants.append(
                (f"our URL with their {name}", tenant_kwargs(route, ours, swap=name, other=theirs))
            )
    return variants


def test_every_api_route_is_in_the_walk():
    api_routes = {r.name for r in ROUTES if r.route.startswith("api/")}
    assert api_routes == set(API), sorted(api_routes ^ set(API))
    for route in TENANT_API:
        assert object_kwarg_names(route), f"{route} names no tenant object"
        sample = {name: "x" for name in route.kwarg_names}
        sample.update({"org_slug": "someslug"} if "org_slug" in sample else {})
        sample.update({"table": "answers"} if "table" in sample else {})
        assert route.resolves_here(route.path(sample)), f"{route} is shadowed"


@pytest.mark.parametrize("route", TENANT_API, ids=str)
def test_another_organisations_objects_are_not_found_through_the_api(
    route, ours, theirs, api_clients
):
    view = API[route.name]
    theirs_before = snapshot(theirs.organization)
    for kind in (*ACCOUNT_KINDS, "respondent", "anonymous"):
        client = api_clients(kind)
        for label, kwargs in _variants(route, ours, theirs):
            path = route.path(kwargs)
            for method in ALL_METHODS:
                response = _send(client, method, path, view.data)
                where = f"{method.upper()} {route} ({label}) as our {kind}"
                status = response.status_code
                if kind in ACCOUNT_KINDS:
                    expected = (404,) if method in view.methods else (404, 405)
                else:
                    expected = (401, 403)
                assert status in expected, f"{where}: got {status}"
                _assert_nothing_of(theirs, response, where)
    assert snapshot(theirs.organization) == theirs_before, f"{route} changed their data"


@pytest.mark.parametrize("route", TENANT_API, ids=str)
def test_our_objects_are_for_the_roles_that_may_use_them_through_the_api(
    route, ours, theirs, api_clients
):
    view = API[route.name]
    ours_before = snapshot(ours.organization)
    for kind in sorted(set(ACCOUNT_KINDS) - view.who):
        client = api_clients(kind)
        for method in view.methods:
            path = route.path(tenant_kwargs(route, ours))
            response = _send(client, method, path, view.data)
            assert response.status_code == 404, f"{method.upper()} {route} as our {kind}"
    assert snapshot(ours.organization) == ours_before, f"{route} changed data for a denied role"
    for kind in sorted(view.who):
        client = api_clients(kind)
        for method in view.methods:
            path = route.path(tenant_kwargs(route, ours))
            response = _send(client, method, path, view.data)
            where = f"{method.upper()} {route} as our {kind}"
            assert response.status_code in view.ok, f"{where}: got {response.status_code}"
            _assert_nothing_of(theirs, response, where)


@pytest.mark.parametrize("route", ACCOUNT_API, ids=str)
def test_account_routes_need_credentials_and_show_only_our_organisations(
    route, ours, theirs, api_clients
):
    path = route.path({})
    for kind in ("respondent", "anonymous"):
        assert api_clients(kind).get(path).status_code in (401, 403), f"{route} as {kind}"
    for kind in ACCOUNT_KINDS:
        response = api_clients(kind).get(path)
        assert response.status_code == 200, f"{route} as {kind}"
        _assert_nothing_of(theirs, response, f"GET {route} as our {kind}")
    session = Client()
    session.force_login(ours.consultant)
    assert session.get(path).status_code == 200, f"{route} with the session"


def test_creating_an_organisation_with_their_slug_gives_no_access(ours, theirs, api_clients):
    client = api_clients("consultant")
    response = client.post(
        "/api/v1/organizations/",
        {"name": "Impostor", "slug": theirs.organization.slug},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "slug"
    assert not theirs.organization.memberships.filter(user=ours.consultant).exists()


def test_session_writes_need_the_csrf_token(ours):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(ours.consultant)
    response = client.post(
        "/api/v1/organizations/", {"name": "Via docs", "slug": "via-docs"}, format="json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
