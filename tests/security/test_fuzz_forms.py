"""Bad input at scale: random and malformed posts to every form of the respondent journey
and of the consultant's pages never cause a server error and never change another
respondent's or another organisation's data. Oversized requests get a clean 400.

Each form is posted random field names and values: known field names with wrong types,
huge numbers, dates that do not exist, unicode, control characters, repeated fields, and
fields that were never on the form. The Django test client re-raises any exception a view
lets through, so a 500 fails with its traceback (and hypothesis shrinks the input).
"""

import os
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.models import Answer

from .routes import LINK, TENANT, routes_in
from .world import snapshot

pytestmark = pytest.mark.django_db

# Modest by default so the suite stays fast; PARLEY_FUZZ_EXAMPLES=500 for a deeper search.
EXAMPLES = int(os.environ.get("PARLEY_FUZZ_EXAMPLES", "40"))

# --- What gets posted ----------------------------------------------------------------------

_TRICKY = [
    "", " ", "dk", "0", "1", "3", "5", "6", "-1", "3.0", "1e309", "NaN", "0x1F", "None",
    "null", "true", "on", "yes", "[]", "{}", "2099-02-30", "0001-01-01", "9999-12-31",
    "31/12/2099", "' OR 1=1 --", "<script>alert(1)</script>", "{{ 7*7 }}", "%s%n",
    "\u202eevil", "\ufeff", "\x00", "a\x00b", "\r\n", "../../etc/passwd",
    "ceo", "ciso", "both", "admin", "done", "open", "critical", "xlsx",
    "D1", "D99", "1.1", "10.5", "99.99", "x" * 5000,
]  # fmt: skip
_SCALARS = st.one_of(
    st.sampled_from(_TRICKY),
    st.text(max_size=60),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats().map(str),
    st.emails(),
    st.dates().map(str),
    st.binary(max_size=30).map(lambda raw: raw.decode("latin-1")),
)
_VALUES = st.one_of(_SCALARS, st.lists(_SCALARS, max_size=3))


def _form(fields: list[str]):
    names = st.one_of(st.sampled_from(fields), st.text(max_size=20)) if fields else st.text()
    return st.dictionaries(names, _VALUES, max_size=12)


# --- Where it is posted --------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    name: str
    method: str
    path: Callable  # (ours) -> path
    fields: list[str]
    as_: str = "consultant"  # who posts: a kind of the `clients` fixture, or "link"
    htmx: bool = False  # also post as htmx does (the workshop's saves answer fragments)

    def __str__(self):
        return f"{self.name} ({self.method.upper()})"


def _r(ours, name: str, **kwargs) -> str:
    return reverse(name, kwargs={"token": ours.open_tokens["ceo"], **kwargs})


def _round(name: str, which: str = "scored", **extra):
    def path(ours):
        assessment = getattr(ours, which)
        kwargs = {"org_slug": ours.organization.slug, "code": assessment.code, **extra}
        return reverse(name, kwargs=kwargs)

    return path


def _org(name: str, key: str = "org_slug"):
    return lambda ours: reverse(name, kwargs={key: ours.organization.slug})


def _action(name: str, with_round: bool):
    def path(ours):
        kwargs = {"org_slug": ours.organization.slug, "action_code": ours.action_code()}
        if with_round:
            kwargs["code"] = ours.scored.code
        return reverse(name, kwargs=kwargs)

    return path


ANSWER_FIELDS = ["q-1.1", "q-1.2", "q-1.5", "c-1.1", "c-1.3", "q-2.1", "c-10.5", "q-", "c-"]
TARGETS = [
    # The respondent journey, through our open round's CEO link.
    Target("autosave", "post", lambda o: _r(o, "respond:autosave"),
           ["question", "answer", "comment", "respondent", "token"], as_="link"),
    Target("page save", "post", lambda o: _r(o, "respond:page", code="D1"),
           ["action", *ANSWER_FIELDS], as_="link"),
    Target("page of a made-up topic", "post", lambda o: _r(o, "respond:page", code="D1x"),
           ["action", *ANSWER_FIELDS], as_="link"),
    Target("submit", "post", lambda o: _r(o, "respond:submit"), ["confirm"], as_="link"),
    Target("review", "get", lambda o: _r(o, "respond:review"), ["saved", "page"], as_="link"),
    # The consultant's assessment pages.
    Target("create assessment", "post", _org("assessments:new"),
           ["title", "questionnaire", "due_date", "ceo_name", "ceo_email", "ciso_name",
            "ciso_email"]),
    Target("change email", "post", _round("assessments:edit", "open", role="ceo"),
           ["name", "email"]),
    Target("revoke", "post", _round("assessments:revoke", "open", role="ceo"), ["send_new"]),
    Target("remind", "post", _round("assessments:remind", "open", role="ceo"), []),
    Target("resend", "post", _round("assessments:resend", "open", role="ceo"), []),
    Target("reopen", "post", _round("assessments:reopen", "open", role="ciso"), []),
    Target("render report", "post", lambda o: reverse(
        "reports:render", args=[o.organization.slug, o.scored.code]), ["next"]),
    # The workshop and the organisation's pages.
    Target("agreed position", "post", _round("workspace:consensus", dimension="D1"),
           ["value", "notes"], htmx=True),
    Target("new action", "post", _round("workspace:action_create", dimension="D2"),
           ["description", "owner_role", "due_date"], htmx=True),
    Target("action status", "post", _action("workspace:action_status", True), ["status"],
           htmx=True),
    Target("mark action done", "post", _action("workspace:action_update", False),
           ["status", "status_filter"]),
    Target("next round", "post", _round("workspace:next_round"),
           ["title", "due_date", "send_invitations"]),
    Target("gap map filter", "get", _round("workspace:gap_map"),
           ["filtered", "severity", "knowledge_gaps"], htmx=True),
    Target("workshop state", "get", _round("workspace:state"), ["v"]),
    Target("actions filter", "get", _org("workspace:actions"), ["status", "page"]),
    Target("dashboard search", "get", lambda o: reverse("workspace:dashboard"),
           ["q", "status", "page"]),
    Target("portfolio", "get", lambda o: reverse("workspace:portfolio"), ["org", "q"]),
    Target("organisation rounds page", "get", _org("assessments:list"), ["page"]),
    Target("create organisation", "post", lambda o: reverse("organizations:create"),
           ["name", "slug", "sector", "size_band", "region"]),
    Target("invite colleague", "post", _org("organizations:members", "slug"),
           ["email", "full_name", "role"]),
    Target("invite colleague as admin", "post", _org("organizations:members", "slug"),
           ["email", "full_name", "role"], as_="admin"),
    Target("audit log page", "get", _org("organizations:audit_log", "slug"), ["page"],
           as_="admin"),
]  # fmt: skip


def _others_answers(ours) -> list:
    """Every answer but those of the CEO whose link the journey posts through."""
    ceo = ours.open.respondents.get(role="ceo")
    return list(Answer.objects.exclude(respondent=ceo).order_by("pk").values())


@pytest.mark.parametrize("target", TARGETS, ids=str)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_input_is_a_server_error_or_reaches_anyone_elses_data(
    target, ours, theirs, clients, data
):
    form = data.draw(_form(target.fields), label="form")
    htmx = target.htmx and data.draw(st.booleans(), label="htmx")
    client = Client() if target.as_ == "link" else clients(target.as_)
    theirs_before, others_before = snapshot(theirs.organization), _others_answers(ours)
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}

    response = getattr(client, target.method)(target.path(ours), form, **extra)

    assert response.status_code < 500
    assert snapshot(theirs.organization) == theirs_before
    assert _others_answers(ours) == others_before


# --- Malformed URLs ------------------------------------------------------------------------

_ROUTES = routes_in(TENANT) + routes_in(LINK)
_SEGMENT = st.one_of(
    st.sampled_from(["%00", "\x00", "..", ".", " ", "D1", "ceo", "answers", "x" * 300]),
    st.text(min_size=1, max_size=40),
).filter(lambda text: "/" not in text)


@settings(
    max_examples=EXAMPLES * 4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_url_is_a_server_error(ours, theirs, clients, data):
    """Every tenant and link route with random values in its URL segments (a NUL, unicode,
    dots, very long ones), as our consultant: a 4xx, never a 500, nothing of theirs."""
    route = data.draw(st.sampled_from(_ROUTES), label="route")
    kwargs = {name: data.draw(_SEGMENT, label=name) for name in route.kwarg_names}
    method = data.draw(st.sampled_from(["get", "post"]), label="method")
    theirs_before = snapshot(theirs.organization)
    response = getattr(clients("consultant"), method)(route.path(kwargs), {"q": "1"})
    assert response.status_code < 500
    assert snapshot(theirs.organization) == theirs_before


@pytest.mark.parametrize(
    "path",
    [
        "/organisations/{slug}/assessments/%00/",
        "/organisations/{slug}/assessments/{code}/report/",
        "/organisations/{slug}/assessments/{code}/ce%00o/resend/",
        "/organisations/{slug}/assessments/{code}/workshop/D1%00/position/",
        "/organisations/?q=%00",
        "/organisations/{slug}/actions/?status=open&page=%00",
        "/r/%00/",
    ],
)
def test_a_nul_character_in_the_url_gets_a_clean_400(ours, clients, path):
    """PostgreSQL cannot compare a NUL: without config.middleware these were 500s there."""
    path = path.format(slug=ours.organization.slug, code=ours.scored.code + "%00")
    for method in ("get", "post"):
        response = getattr(clients("consultant"), method)(path)
        _assert_friendly_400(response, path)


# --- Oversized requests --------------------------------------------------------------------

MEGABYTE = 1024 * 1024


def _oversized_targets(ours):
    return {
        "autosave": (Client(), _r(ours, "respond:autosave"), "comment"),
        "page save": (Client(), _r(ours, "respond:page", code="D1"), "c-1.1"),
        "submit": (Client(), _r(ours, "respond:submit"), "confirm"),
        "create assessment": (
            _signed_in(ours.consultant),
            reverse("assessments:new", kwargs={"org_slug": ours.organization.slug}),
            "title",
        ),
        "agreed position": (
            _signed_in(ours.consultant),
            _round("workspace:consensus", dimension="D1")(ours),
            "notes",
        ),
    }


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _assert_friendly_400(response, where) -> None:
    assert response.status_code == 400, f"{where}: {response.status_code}"
    body = response.content.decode()
    assert "could not be accepted" in body, where
    assert "Traceback" not in body and "RequestDataTooBig" not in body, where


@pytest.mark.parametrize("name", ["autosave", "page save", "submit", "create assessment",
                                  "agreed position"])  # fmt: skip
def test_a_megabyte_of_text_gets_a_clean_400(ours, name):
    client, path, field = _oversized_targets(ours)[name]
    before = list(Answer.objects.order_by("pk").values())
    response = client.post(path, {"question": "1.1", "answer": "3", field: "x" * MEGABYTE})
    _assert_friendly_400(response, name)
    assert list(Answer.objects.order_by("pk").values()) == before


@pytest.mark.parametrize("name", ["autosave", "page save", "submit", "create assessment",
                                  "agreed position"])  # fmt: skip
def test_ten_thousand_fields_get_a_clean_400(ours, name):
    client, path, _field = _oversized_targets(ours)[name]
    fields = {f"f{i}": "1" for i in range(10_000)}
    before = list(Answer.objects.order_by("pk").values())
    response = client.post(path, {"question": "1.1", "answer": "3", **fields})
    _assert_friendly_400(response, name)
    assert list(Answer.objects.order_by("pk").values()) == before


def test_ten_thousand_query_parameters_get_a_clean_400(ours, clients):
    """Where the view reads its query string; one that does not read it never parses it
    (and gunicorn refuses a request line this long before Django sees it)."""
    query = "&".join(f"p{i}=1" for i in range(10_000))
    path = reverse("workspace:dashboard")
    _assert_friendly_400(clients("consultant").get(f"{path}?{query}"), path)
    assert Client().get(f"{_r(ours, 'respond:review')}?{query}").status_code == 200


def test_a_long_comment_under_the_request_limit_is_refused_with_a_message(ours):
    response = Client().post(
        _r(ours, "respond:autosave"), {"question": "1.1", "answer": "3", "comment": "x" * 5000}
    )
    assert response.status_code == 400
    assert "longer than 4000 characters" in response.json()["error"]


def test_the_limits_are_the_documented_ones(settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 512 * 1024
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS == 1000


# --- An expired page (CSRF) ----------------------------------------------------------------


def test_a_post_from_an_expired_page_explains_itself(ours):
    browser = Client(enforce_csrf_checks=True)
    browser.get(_r(ours, "respond:page", code="D1"))
    response = browser.post(_r(ours, "respond:page", code="D1"), {"q-1.1": "2"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "This page has expired" in body and "Reload the page" in body
    assert "CSRF" in body  # named, in small print, for whoever helps them

    response = browser.post(
        _r(ours, "respond:autosave"),
        {"question": "1.1", "answer": "2"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 403
    assert "Reload the page" in response.json()["error"]  # questionnaire.js shows it
    ceo = ours.open.respondents.get(role="ceo")
    assert Answer.objects.get(respondent=ceo, question__code="1.1").value == 4  # unchanged
