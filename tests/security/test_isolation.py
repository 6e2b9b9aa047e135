"""Tenant isolation, proven over every URL pattern of the project.

The routes come from the resolver (tests/security/routes.py), so a new view is covered as
soon as it exists, or fails `test_every_url_pattern_is_classified` until it is classified.

For every view that names a tenant's object, the URL is built for ANOTHER organisation's
objects (all of them, and each one swapped into our own URL) and requested with GET and
POST by each kind of requester of our organisation: consultant, admin, executive member,
a respondent who holds one of our links, and the anonymous. Every answer is a 404 (a
redirect to sign-in for those without an account), nothing of the other tenant shows in
the body, and none of its rows change. Each view is then requested with our own objects by
the people allowed to use it: the positive control, without which the 404s prove nothing.

The respondent links (/r/<token>/…) carry no object but the token, which is the credential:
anything that is not a live link (another tenant's assessment or report code, a token's
stored hash, a link with one character changed) opens nothing, for anyone, signed in or not;
a live link shows its own respondent's answers and never the other executive's before both
have submitted, nor anything of another organisation.
"""

import pytest
from django.test import Client
from django.urls import reverse

from assessments.invitations import links_revoke
from assessments.models import Respondent
from assessments.tokens import hash_token, new_token
from tests.factories import DEFAULT_PASSWORD, answer_all

from .routes import (
    API,
    BANK,
    CLASSIFIED,
    GET,
    LINK,
    OBJECT_KWARGS,
    OWN,
    POST,
    PUBLIC,
    PUBLIC_KWARGS,
    ROUTES,
    SHARED_KWARGS,
    SIGNED_IN,
    STAFF,
    TENANT,
    admin_routes,
    link_kwargs,
    object_kwarg_names,
    public_kwargs,
    routes_in,
    tenant_kwargs,
)
from .world import respondent_snapshot, snapshot

pytestmark = pytest.mark.django_db

ACCOUNT_KINDS = ("consultant", "admin", "executive")
NO_ACCOUNT_KINDS = ("respondent", "anonymous")
LOGIN = reverse("login")
ALLOWED = (200, 204, 302)


def _send(client: Client, method: str, path: str, data=None):
    return getattr(client, method)(path, data or {})


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("latin-1")
    return response.content.decode("utf-8", errors="replace")


def _assert_nothing_of(tenant, response, where: str) -> None:
    body = _body(response)
    shown = [text for text in tenant.strings if text in body]
    assert not shown, f"{where}: the response shows {shown}"


def _to_sign_in(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(LOGIN)


# --- The classification ------------------------------------------------------------------


def test_every_url_pattern_is_classified():
    outside_admin = [r for r in ROUTES if not r.is_admin]
    unnamed = [r.route for r in outside_admin if not r.name]
    assert not unnamed, f"name these URL patterns so they can be classified: {unnamed}"
    names = {r.name for r in outside_admin}
    unclassified = sorted(names - CLASSIFIED.keys())
    assert not unclassified, (
        f"classify these views in tests/security/routes.py (PUBLIC, SIGNED_IN, TENANT or "
        f"LINK) so the isolation tests cover them: {unclassified}"
    )
    stale = sorted(CLASSIFIED.keys() - names)
    assert not stale, f"tests/security/routes.py lists views that no longer exist: {stale}"
    tables = (PUBLIC, SIGNED_IN, TENANT, LINK, OWN, API, STAFF, BANK)
    assert sum(len(t) for t in tables) == len(CLASSIFIED), "a view is in two tables"


def test_every_kwarg_of_every_url_can_be_built():
    """Known kwargs only: a new one must be taught to the builders (and, when it names a
    tenant's object, be swapped for another tenant's by the tests below)."""
    for route in routes_in(TENANT):
        unknown = set(route.kwarg_names) - OBJECT_KWARGS.keys() - SHARED_KWARGS.keys()
        assert not unknown, f"{route}: unknown kwargs {unknown}"
        assert object_kwarg_names(route), f"{route} names no tenant object: is it SIGNED_IN?"
    for route in routes_in(LINK):
        assert set(route.kwarg_names) <= {"token", "code"}, route
        assert "token" in route.kwarg_names, f"{route}: a link view without a token"
    for route in routes_in(PUBLIC):
        assert set(route.kwarg_names) <= PUBLIC_KWARGS.keys(), route
    for route in routes_in(SIGNED_IN):
        assert not route.kwarg_names, f"{route} has kwargs: does it name a tenant's object?"


def test_the_tables_are_the_resolvers_views():
    """Each classified name resolves to the pattern the tables were written for: a route
    shadowed by another of the same path would be tested through the wrong view."""
    for route in routes_in(TENANT) + routes_in(LINK):
        sample = {name: "x" for name in route.kwarg_names}
        sample.update({k: "someslug" for k in ("slug", "org_slug") if k in sample})
        sample.update({"table": "answers"} if "table" in sample else {})
        assert route.resolves_here(route.path(sample)), f"{route} is shadowed"


# --- Views of a tenant's objects ---------------------------------------------------------


def _variants(route, ours, theirs):
    """Their objects in full, then our URL with each one of its objects swapped for theirs."""
    variants = [("their objects", tenant_kwargs(route, theirs))]
    names = object_kwarg_names(route)
    if len(names) > 1:
        for name in names:
            label = f"our URL with their {name}"
            variants.append((label, tenant_kwargs(route, ours, swap=name, other=theirs)))
    return variants


def _expect_denied(kind: str, listed: bool, response, where: str) -> None:
    status = response.status_code
    if kind in NO_ACCOUNT_KINDS:
        ok = _to_sign_in(response) or (not listed and status == 405)
        assert ok, f"{where}: expected a redirect to sign-in, got {status}"
    elif listed:
        assert status == 404, f"{where}: expected 404, got {status}"
    else:
        assert status in (404, 405), f"{where}: expected 404 or 405, got {status}"


@pytest.mark.parametrize("route", routes_in(TENANT), ids=str)
def test_another_organisations_objects_are_not_found(route, ours, theirs, clients):
    view = TENANT[route.name]
    theirs_before = snapshot(theirs.organization)
    for kind in ACCOUNT_KINDS + NO_ACCOUNT_KINDS:
        client = clients(kind)
        for label, kwargs in _variants(route, ours, theirs):
            path = route.path(kwargs)
            assert route.resolves_here(path), f"{path} does not reach {route}"
            for method in (GET, POST):
                response = _send(client, method, path, view.data)
                where = f"{method.upper()} {route} ({label}) as our {kind}"
                _expect_denied(kind, method in view.methods, response, where)
                _assert_nothing_of(theirs, response, where)
    assert snapshot(theirs.organization) == theirs_before, f"{route} changed their data"


@pytest.mark.parametrize("route", routes_in(TENANT), ids=str)
def test_our_objects_are_for_the_roles_that_may_use_them(route, ours, theirs, clients):
    """The positive control (the right people get the page), after the wrong ones of our own
    organisation got a 404 without changing anything."""
    view = TENANT[route.name]
    path = route.path(tenant_kwargs(route, ours))
    ours_before = snapshot(ours.organization)
    for kind in sorted(set(ACCOUNT_KINDS) - view.who):
        client = clients(kind)
        for method in view.methods:
            response = _send(client, method, path, view.data)
            where = f"{method.upper()} {route} as our {kind}"
            _expect_denied(kind, True, response, where)
    assert snapshot(ours.organization) == ours_before, f"{route} changed data for a denied role"
    for kind in sorted(view.who):
        client = clients(kind)
        for method in view.methods:
            path = route.path(tenant_kwargs(route, ours))  # an action may have been removed
            response = _send(client, method, path, view.data)
            where = f"{method.upper()} {route} as our {kind}"
            assert response.status_code in ALLOWED, f"{where}: got {response.status_code}"
            assert not _to_sign_in(response), f"{where}: sent to sign in"
            _assert_nothing_of(theirs, response, where)
            _assert_not_stored(response, where)


def _assert_not_stored(response, where: str) -> None:
    """Probe hole 6: pages with both executives' answers were cacheable."""
    assert "no-store" in response.get("Cache-Control", ""), f"{where}: may be cached"


# --- Pages without a tenant object -------------------------------------------------------


@pytest.mark.parametrize("route", routes_in(SIGNED_IN), ids=str)
def test_account_pages_need_an_account_and_show_only_the_users_organisations(
    route, ours, theirs, clients
):
    view = SIGNED_IN[route.name]
    path = route.path({})
    theirs_before = snapshot(theirs.organization)
    for kind in NO_ACCOUNT_KINDS:
        for method in view.methods:
            response = _send(clients(kind), method, path)
            assert _to_sign_in(response), f"{method.upper()} {route} as {kind}"
    for kind in ACCOUNT_KINDS:
        client = clients(kind)
        response = client.get(path)
        where = f"GET {route} as our {kind}"
        assert response.status_code in (*ALLOWED, 404), where
        _assert_nothing_of(theirs, response, where)
    assert clients("consultant").get(path).status_code == view.ok
    assert snapshot(theirs.organization) == theirs_before


@pytest.mark.parametrize("route", routes_in(OWN), ids=str)
def test_a_users_own_security_key_is_not_found_by_anyone_else(route, ours, clients):
    from allauth.mfa.models import Authenticator

    key = Authenticator.objects.create(
        user=ours.consultant, type=Authenticator.Type.WEBAUTHN, data={"name": "Desk key"}
    )
    path = route.path({"pk": key.pk})
    for kind in NO_ACCOUNT_KINDS:
        assert _to_sign_in(clients(kind).get(path)), f"GET {route} as {kind}"
    owner = {"login": ours.consultant.email, "password": DEFAULT_PASSWORD}
    assert Client().post(LOGIN, owner).url == reverse("mfa_authenticate"), "the key is asked for"
    for kind in ("admin", "executive"):
        # Signed in and re-authenticated with the password just now, as allauth asks first.
        client = Client()
        login = {"login": getattr(ours, kind).email, "password": DEFAULT_PASSWORD}
        assert client.post(LOGIN, login).status_code == 302
        again = client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
        assert again.status_code == 302
        assert client.get(path).status_code == 404, f"GET {route} as our {kind}"
        assert client.post(path).status_code == 404, f"POST {route} as our {kind}"
    assert Authenticator.objects.filter(pk=key.pk).exists()


def test_creating_an_organisation_with_another_tenants_address_gives_no_access(
    ours, theirs, clients
):
    client = clients("consultant")
    data = {"name": "Impostor", "slug": theirs.organization.slug}
    response = client.post(reverse("organizations:create"), data)
    assert response.status_code == 200  # the form, with "already exists"
    assert not theirs.organization.memberships.filter(user=ours.consultant).exists()
    url = reverse("assessments:list", kwargs={"org_slug": theirs.organization.slug})
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("route", routes_in(PUBLIC), ids=str)
def test_public_pages_show_no_tenant_data(route, ours, theirs, clients):
    view = PUBLIC[route.name]
    path = route.path(public_kwargs(route))
    for kind in ("anonymous", "respondent", "consultant"):
        for method in view.methods:
            response = _send(clients(kind), method, path)
            where = f"{method.upper()} {route} as {kind}"
            assert response.status_code < 500 or route.name == "healthz", where
            _assert_nothing_of(theirs, response, where)


def test_the_files_of_reports_are_not_served_by_their_path(ours, theirs, clients, settings):
    """Report PDFs live in MEDIA_ROOT, which nothing serves: only the download views do."""
    for tenant in (ours, theirs):
        name = tenant.report.file.name
        for path in (f"/{settings.MEDIA_URL}{name}", f"/{name}", f"/static/../media/{name}"):
            for kind in ("anonymous", "consultant", "admin"):
                response = clients(kind).get(path.replace("//", "/"))
                assert response.status_code in (302, 404), (path, kind)
                assert "%PDF" not in _body(response), (path, kind)


@pytest.mark.parametrize(
    "path",
    [
        "/static/../manage.py",
        "/static/%2e%2e/manage.py",
        "/static/..%2fconfig/settings/base.py",
        "/static/vendor/../../config/settings/base.py",
        "/static/%2fetc%2fpasswd",
        "/static//etc/passwd",
    ],
)
def test_static_files_are_public_and_nothing_else_is_served_beside_them(client, path):
    """Static files are served by WhiteNoise before the resolver: to anyone, but only them."""
    assert client.get("/static/css/parley.css").status_code == 200
    response = client.get(path)
    assert response.status_code == 404
    assert "SECRET_KEY" not in _body(response) and "root:" not in _body(response)


# --- The respondent links ----------------------------------------------------------------


def _one_character_changed(token: str) -> str:
    return token[:-1] + ("A" if token[-1] != "A" else "B")


def _not_links(theirs) -> dict:
    ceo = theirs.scored.respondents.get(role="ceo")
    return {
        "an unknown link": new_token(),
        "the stored hash of their link": hash_token(theirs.scored_tokens["ceo"]),
        "their link with one character changed": _one_character_changed(
            theirs.scored_tokens["ceo"]
        ),
        "their assessment code": theirs.scored.code,
        "their report code": theirs.report.code,
        "their action code": theirs.action_code(),
        "their respondent id": str(ceo.pk),
    }


@pytest.mark.parametrize("route", routes_in(LINK), ids=str)
def test_what_is_not_a_live_link_opens_nothing(route, ours, theirs, clients):
    view = LINK[route.name]
    theirs_before = snapshot(theirs.organization)
    their_consultant = Client()
    their_consultant.force_login(theirs.consultant)
    requesters = {kind: clients(kind) for kind in ACCOUNT_KINDS + NO_ACCOUNT_KINDS}
    requesters["their consultant"] = their_consultant
    for label, token in _not_links(theirs).items():
        path = route.path(link_kwargs(route, token))
        for kind, client in requesters.items():
            for method in (GET, POST):
                response = _send(client, method, path, view.data)
                where = f"{method.upper()} {route} with {label} as {kind}"
                expected = (404,) if method in view.methods else (404, 405)
                assert response.status_code in expected, f"{where}: {response.status_code}"
                _assert_nothing_of(theirs, response, where)
    assert snapshot(theirs.organization) == theirs_before


@pytest.mark.parametrize("route", routes_in(LINK), ids=str)
def test_a_withdrawn_or_expired_link_shows_no_answers(route, theirs):
    from datetime import timedelta

    from django.utils import timezone

    ceo = theirs.open.respondents.get(role="ceo")
    links_revoke(respondent=ceo)
    ciso = theirs.scored.respondents.get(role="ciso")
    past = timezone.now() - timedelta(days=1)
    Respondent.objects.filter(pk=ciso.pk).update(token_expires_at=past)
    type(theirs.scored).objects.filter(pk=theirs.scored.pk).update(due_date=None)
    before = snapshot(theirs.organization)
    comments = [
        f"{theirs.secret} {role} {kind} comment"
        for role in ("ceo", "ciso")
        for kind in ("open", "scored")
    ] + [f"{theirs.secret} agreed notes", f"{theirs.secret}: write"]
    view = LINK[route.name]
    for token in (theirs.open_tokens["ceo"], theirs.scored_tokens["ciso"]):
        path = route.path(link_kwargs(route, token))
        for method in view.methods:
            response = _send(Client(), method, path, view.data)
            assert response.status_code in (404, 410), (method, path, response.status_code)
            body = _body(response)
            assert not [c for c in comments if c in body], (method, path)
    assert snapshot(theirs.organization) == before


@pytest.mark.parametrize("route", routes_in(LINK), ids=str)
def test_the_ceos_link_never_reaches_the_cisos_answers(route, ours, theirs):
    """Our open round: the CISO has submitted with a comment, the CEO is still answering.
    Whatever the CEO's link is used for, and whatever is posted (the CISO's id, role or
    token), the CISO's answers neither show nor change, and nothing of the other tenant
    shows."""
    view = LINK[route.name]
    ciso = ours.open.respondents.get(role="ciso")
    ciso_before = respondent_snapshot(ciso)
    theirs_before = snapshot(theirs.organization)
    ciso_secret = f"{ours.secret} ciso open comment"
    path = route.path(link_kwargs(route, ours.open_tokens["ceo"]))
    naming_the_ciso = {
        "respondent": ciso.pk,
        "role": "ciso",
        "token": ours.open_tokens["ciso"],
        "question": "1.2",
        "answer": "1",
        "q-1.2": "1",
        "confirm": "yes",
    }
    client = Client()
    for method in (GET, POST):
        for data in (view.data, naming_the_ciso):
            response = _send(client, method, path, data)
            where = f"{method.upper()} {route} with the CEO's link"
            assert response.status_code < 500, where
            assert ciso_secret not in _body(response), f"{where}: shows the CISO's comment"
            _assert_nothing_of(theirs, response, where)
    assert respondent_snapshot(ciso) == ciso_before
    assert snapshot(theirs.organization) == theirs_before


@pytest.mark.parametrize("route", routes_in(LINK), ids=str)
def test_a_live_link_shows_nothing_of_another_organisation(route, ours, theirs):
    """Their scored round (both submitted, results and report out): their links show their
    round, never ours; ours show ours, never theirs."""
    view = LINK[route.name]
    ours_before = snapshot(ours.organization)
    for owner, other in ((theirs, ours), (ours, theirs)):
        for token in owner.scored_tokens.values():
            path = route.path(link_kwargs(route, token))
            for method in view.methods:
                response = _send(Client(), method, path, view.data)
                where = f"{method.upper()} {route} with {owner.organization}'s link"
                assert response.status_code < 500, where
                _assert_nothing_of(other, response, where)
    assert snapshot(ours.organization) == ours_before


@pytest.mark.parametrize("route", routes_in(LINK), ids=str)
def test_the_right_link_opens_the_page(route, ours):
    """The positive control of the link tests."""
    view = LINK[route.name]
    tokens = ours.open_tokens if view.link == "open" else ours.scored_tokens
    if route.name == "respond:submit":
        ceo = ours.open.respondents.get(role="ceo")
        ceo.answers.all().delete()
        answer_all(ceo, [3])
    path = route.path(link_kwargs(route, tokens["ceo"]))
    for method in view.methods:
        response = _send(Client(), method, path, view.data)
        assert response.status_code in ALLOWED, (method, path, response.status_code)
        _assert_not_stored(response, f"{method.upper()} {route}")


# --- The Django admin --------------------------------------------------------------------

ADMIN_KWARGS = {"object_id": "1", "content_type_id": "1", "id": "1"}


def _admin_path(route) -> str:
    if route.is_regex:
        if route.name:
            return reverse(route.name, kwargs={"app_label": "organizations"})
        return "/admin/no-such-page/"  # the admin's catch-all
    unknown = set(route.kwarg_names) - ADMIN_KWARGS.keys()
    assert not unknown, f"{route}: no sample value for the admin URL kwargs {unknown}"
    return route.path(ADMIN_KWARGS)


@pytest.mark.parametrize("kind", ACCOUNT_KINDS + NO_ACCOUNT_KINDS)
def test_the_django_admin_is_for_staff_only(kind, ours, theirs, clients):
    client = clients(kind)
    login = reverse("admin:login")
    before = snapshot(theirs.organization), snapshot(ours.organization)
    assert len(admin_routes()) > 50
    for route in admin_routes():
        path = _admin_path(route)
        for method in (GET, POST):
            response = _send(client, method, path, {"name": "changed", "slug": "changed"})
            where = f"{method.upper()} {path} as our {kind}"
            if route.name == "admin:login":
                # Parley's sign-in (with its second factor), never the admin's own form.
                if kind in NO_ACCOUNT_KINDS:
                    assert _to_sign_in(response), where
                else:
                    assert response.status_code == 403, where
            elif route.name == "admin:logout":
                assert response.status_code == 302, where
            else:
                assert response.status_code == 302, f"{where}: {response.status_code}"
                assert response["Location"].startswith(login), where
            _assert_nothing_of(theirs, response, where)
    assert (snapshot(theirs.organization), snapshot(ours.organization)) == before


def test_site_staff_reach_the_admin(staff_user):
    client = Client()
    client.force_login(staff_user)
    assert client.get(reverse("admin:index")).status_code == 200
