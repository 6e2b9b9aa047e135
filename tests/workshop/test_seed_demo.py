"""`manage.py seed_demo` and `make run` / `make demo`: the printed links follow
PARLEY_BASE_URL (set from HOST and PORT), each run after a walk-through prints an unanswered
round, `--reset` starts the demo over and says so, and the demo accounts sign in."""

import os
import re
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from assessments.models import Answer, Assessment
from assessments.selectors import respondent_for_token
from assessments.services import respondent_submit
from organizations.models import Membership
from tests.factories import answer_all
from workspace.management.commands import seed_demo

pytestmark = pytest.mark.django_db

BASE = "http://demo.example:8800"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def demo_settings(settings, questionnaire):
    settings.DEBUG = True
    settings.PARLEY_BASE_URL = BASE
    return settings


@pytest.fixture
def run_demo(demo_settings, django_capture_on_commit_callbacks):
    """Run seed_demo (the scored demo round is scored on commit); its output."""

    def run(*args) -> str:
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("seed_demo", *args, stdout=out)
        return out.getvalue()

    return run


def _links(output: str) -> dict[str, str]:
    """The executives' printed links, by role: {"CEO": raw token, "CISO": raw token}."""
    found = dict(re.findall(r"(CEO|CISO)\s+link: \S+/r/([^/\s]+)/", output))
    assert set(found) == {"CEO", "CISO"}, output
    return found


def _walk(tokens: dict[str, str]) -> Assessment:
    """Both executives answer everything and submit, as a demo walk-through does."""
    for token in tokens.values():
        respondent = respondent_for_token(token)
        answer_all(respondent, (4, 2))
        respondent_submit(respondent=respondent)
    return respondent.assessment


def _sign_in(client, email: str, password: str):
    response = client.post(reverse("login"), {"login": email, "password": password})
    assert response.status_code == 302, response.content[:500]


def test_every_printed_link_starts_with_parley_base_url(run_demo, client):
    output = run_demo()
    urls = re.findall(r"https?://\S+", output)
    assert len(urls) >= 6  # sign-in, admin, consultant page, two executives, scored results
    assert all(url.startswith(BASE + "/") for url in urls), urls
    assert f"{BASE}/admin/" in urls
    for url in urls:
        path = url.removeprefix(BASE)
        if path.startswith("/r/"):
            assert client.get(path).status_code == 200, path


def test_a_second_run_after_a_walk_prints_links_to_a_fresh_unanswered_round(
    run_demo, client, mailoutbox
):
    first = _links(run_demo())
    walked = _walk(first)
    assert walked.respondents.filter(submitted_at__isnull=True).count() == 0

    output = run_demo()
    second = _links(output)
    assert "The earlier demo round was used" in output
    fresh = {respondent_for_token(token) for token in second.values()}
    assert len({r.assessment_id for r in fresh}) == 1
    assessment = fresh.pop().assessment
    assert assessment.pk != walked.pk
    assert assessment.status == Assessment.Status.OPEN
    assert assessment.title == seed_demo.DEMO_ASSESSMENT["title"]
    assert not Answer.objects.filter(respondent__assessment=assessment).exists()
    assert assessment.respondents.filter(submitted_at__isnull=False).count() == 0
    for token in second.values():
        assert client.get(f"/r/{token}/").status_code == 200
    path = f"/organisations/acme-health/assessments/{assessment.code}/"
    assert f"consultant page: {BASE}{path}" in output
    # The walked round is kept, renamed, with its answers.
    walked.refresh_from_db()
    assert walked.title.startswith(seed_demo.DEMO_ASSESSMENT["title"] + ", set aside ")
    assert Answer.objects.filter(respondent__assessment=walked).exists()
    assert mailoutbox == []  # the demo prints its links instead of emailing them


def test_an_unused_demo_round_is_kept_between_runs(run_demo):
    first, second = _links(run_demo()), _links(run_demo())
    before = {respondent_for_token(t).assessment_id for t in first.values()}
    after = {respondent_for_token(t).assessment_id for t in second.values()}
    assert before == after
    assert Assessment.objects.filter(organization__slug="acme-health").count() == 1


def test_reset_deletes_the_demo_rounds_and_says_so(run_demo):
    _walk(_links(run_demo()))
    old = set(Assessment.objects.values_list("pk", flat=True))
    assert len(old) == 2  # the walked demo round and the scored one

    output = run_demo("--reset")
    assert "Demo reset: deleted 2 rounds of the demo organisations" in output
    rounds = Assessment.objects.order_by("organization__slug")
    assert old.isdisjoint(rounds.values_list("pk", flat=True))
    statuses = {r.organization.slug: r.status for r in rounds}
    assert statuses == {"acme-health": "open", "borealis-logistics": "scored"}
    for token in _links(output).values():
        assert respondent_for_token(token).submitted_at is None


def test_the_site_admin_reaches_the_django_admin(run_demo, client):
    run_demo()
    request = RequestFactory().post(reverse("login"))  # django-axes wants the request
    assert client.login(
        request=request, username=seed_demo.SITE_ADMIN_EMAIL, password=seed_demo.SITE_ADMIN_PASSWORD
    )
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/assessments/assessment/").status_code == 200


def test_the_demo_accounts_sign_in_through_the_sign_in_page(run_demo, client):
    output = run_demo()
    for email, password in (
        (seed_demo.SITE_ADMIN_EMAIL, seed_demo.SITE_ADMIN_PASSWORD),
        (seed_demo.ORG_ADMIN_EMAIL, seed_demo.ORG_ADMIN_PASSWORD),
        (seed_demo.DEMO_EMAIL, seed_demo.DEMO_PASSWORD),
    ):
        assert f"email:    {email}" in output and f"password: {password}" in output
        client.logout()
        _sign_in(client, email, password)
    # The organisation admin administers Acme Health (its audit log is admin-only) and
    # is not staff: the Django admin sends them to its own sign-in.
    client.logout()
    _sign_in(client, seed_demo.ORG_ADMIN_EMAIL, seed_demo.ORG_ADMIN_PASSWORD)
    audit = reverse("organizations:audit_log", args=[seed_demo.ORG_ADMIN_ORGANIZATION])
    assert client.get(audit).status_code == 200
    assert client.get("/admin/").status_code == 302
    membership = Membership.objects.get(user__email=seed_demo.ORG_ADMIN_EMAIL)
    assert membership.role == Membership.Role.ADMIN


def test_it_refuses_to_run_with_debug_off(settings, questionnaire):
    settings.DEBUG = False
    with pytest.raises(Exception, match="runs only with DEBUG on"):
        call_command("seed_demo", stdout=StringIO())
    assert not Membership.objects.exists()


# --- The Makefile passes HOST and PORT to the links ----------------------------------------


def _make_n(*args, **env) -> str:
    make = shutil.which("make")
    if make is None:
        pytest.skip("needs make")
    environ = {k: v for k, v in os.environ.items() if k not in ("PARLEY_BASE_URL", "MAKEFLAGS")}
    result = subprocess.run(  # noqa: S603  # nosec B603: a fixed command, no shell
        [make, "-n", *args],
        cwd=REPO,
        env=environ | env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


@pytest.mark.parametrize(
    "args, env, base",
    [
        (["run"], {}, "http://127.0.0.1:8000"),
        (["run", "PORT=8800"], {}, "http://127.0.0.1:8800"),
        (["run", "HOST=0.0.0.0", "PORT=9000"], {}, "http://0.0.0.0:9000"),
        (["run", "PORT=8800"], {"PARLEY_BASE_URL": "https://demo.example"}, "https://demo.example"),
        (["demo", "PORT=8800"], {}, "http://127.0.0.1:8800"),
    ],
)
def test_make_passes_its_address_to_the_links(args, env, base):
    commands = _make_n(*args, **env)
    seed = [line for line in commands.splitlines() if "manage.py seed_demo" in line]
    assert seed == [
        f"PARLEY_BASE_URL='{base}' .venv/bin/python manage.py seed_demo"
        + (" --reset" if args[0] == "demo" else "")
    ]
    if args[0] == "run":
        port = re.search(r"PORT=(\d+)", " ".join(args))
        host = re.search(r"HOST=(\S+)", " ".join(args))
        listen = f"{host[1] if host else '127.0.0.1'}:{port[1] if port else '8000'}"
        assert f"PARLEY_BASE_URL='{base}' .venv/bin/python manage.py runserver {listen}" in commands


@pytest.mark.parametrize(
    "base, host",
    [
        ("http://0.0.0.0:9000", "0.0.0.0"),  # noqa: S104  # nosec B104: a string, no socket
        ("http://[::1]:8800", "[::1]"),
        ("https://parley.test", "parley.test"),
    ],
)
def test_the_development_settings_accept_the_host_the_links_name(base, host):
    code = "from config.settings import base as s; print(' '.join(s.ALLOWED_HOSTS))"

    def hosts(**env) -> list[str]:
        done = subprocess.run(  # noqa: S603  # nosec B603: this Python, a fixed snippet
            [sys.executable, "-c", code],
            cwd=REPO,
            env={"PATH": os.environ["PATH"], **env},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.split()

    assert host in hosts(PARLEY_BASE_URL=base)
    # An explicit ALLOWED_HOSTS is taken as it is.
    assert hosts(PARLEY_BASE_URL=base, ALLOWED_HOSTS="parley.example.com") == ["parley.example.com"]
