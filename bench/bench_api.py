"""Time the API's answer for a scored round's results, and pin the list queries.

Run from the repository root: ``.venv/bin/python bench/bench_api.py`` (or ``make bench``).
It creates a throw-away database ``parley_bench_api`` on the server of ``BENCH_POSTGRES_URL``
(default ``postgres://postgres@127.0.0.1:5432``), migrates it, loads the default question
bank, scores one realistic round (44 items, both sides, comments, "don't know"s), and
prints:

* ``GET /api/v1/organizations/<org>/assessments/<code>/results/`` with a Bearer token, through
  the whole Django stack in this process (middleware, authentication, throttle, access check,
  read model, JSON): median and 95th percentile wall time, and the CPU time, over 300 calls
  after 20 warm-up calls; the target is under 20 ms;
* the SQL queries of that call, and of the rounds list at page sizes 5 and 50 (the same:
  a list's queries do not grow with the page).

The throttle counts in the cache of ``BENCH_CACHE_URL`` (e.g. ``redis://127.0.0.1:6379/15``)
when set, else in process memory. Without a reachable PostgreSQL it prints one line saying
so and exits 0. The database is dropped at the end.
"""

import os
import statistics
import sys
import time
from io import StringIO
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
DATABASE = "parley_bench_api"
WARMUP, CALLS, ROUNDS = 20, 300, 60
TARGET_MS = 20.0


def _admin(sql: str) -> None:
    import psycopg2

    url = urlparse(SERVER)
    connection = psycopg2.connect(
        host=url.hostname,
        port=url.port or 5432,
        user=url.username or "postgres",
        password=url.password,
        dbname="postgres",
        connect_timeout=3,
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql)
    connection.close()


def _setup_django() -> None:
    os.environ["DATABASE_URL"] = f"{SERVER}/{DATABASE}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    os.environ["DEBUG"] = "false"
    # With DEBUG off the settings refuse the development key: a throwaway one for the bench.
    os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 60)
    os.environ["LOG_LEVEL"] = "ERROR"
    os.environ["PARLEY_API_THROTTLE_RATE"] = "1000000/minute"
    os.environ.pop("CELERY_BROKER_URL", None)
    if os.environ.get("BENCH_CACHE_URL"):
        os.environ["CACHE_URL"] = os.environ["BENCH_CACHE_URL"]
    import django

    django.setup()


def _populate():
    from django.core.management import call_command

    from api.tokens import api_token_create
    from assessments.models import Questionnaire
    from organizations.models import Membership
    from tests.factories import (
        AssessmentFactory,
        MembershipFactory,
        OrganizationFactory,
        RespondentFactory,
        scored_assessment,
    )

    call_command("migrate", verbosity=0)
    call_command("load_question_bank", verbosity=0, stdout=StringIO())
    questionnaire = Questionnaire.objects.get(slug="parley-genai", version=1)
    organization = OrganizationFactory(name="Bench Ltd", slug="bench-ltd")
    user = MembershipFactory(organization=organization, role=Membership.Role.CONSULTANT).user
    scored = scored_assessment(questionnaire, organization=organization, title="Bench round")
    for _ in range(ROUNDS):
        assessment = AssessmentFactory(questionnaire=questionnaire, organization=organization)
        for role in ("ceo", "ciso"):
            RespondentFactory(assessment=assessment, role=role)
    token = api_token_create(user=user, name="bench").raw
    return organization, scored, token


def _time_results(client, url: str, headers: dict) -> tuple[list[float], list[float]]:
    walls, cpus = [], []
    for n in range(WARMUP + CALLS):
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.get(url, headers=headers)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        assert response.status_code == 200, response.content[:200]
        if n >= WARMUP:
            walls.append(wall * 1000)
            cpus.append(cpu * 1000)
    return walls, cpus


def _verdict(ms: float) -> str:
    return "under" if ms < TARGET_MS else "OVER"


def _queries(client, url: str, headers: dict) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, headers=headers).status_code == 200
    return len(captured)


def main() -> int:
    try:
        _admin(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        _admin(f'CREATE DATABASE "{DATABASE}"')
    except Exception as error:
        print(f"bench_api: skipped: PostgreSQL at {SERVER} is not reachable ({error})")
        return 0
    try:
        _setup_django()
        from django.conf import settings
        from django.test import Client

        organization, scored, token = _populate()
        client = Client()
        headers = {"Authorization": f"Bearer {token}"}
        base = f"/api/v1/organizations/{organization.slug}/assessments/"
        url = f"{base}{scored.code}/results/"
        walls, cpus = _time_results(client, url, headers)
        p95 = statistics.quantiles(walls, n=20)[-1]
        median = statistics.median(walls)
        cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
        print(
            f"GET results of a scored round (44 items) with a Bearer token: median "
            f"{median:.2f} ms, p95 {p95:.2f} ms wall, {statistics.median(cpus):.2f} ms CPU "
            f"({CALLS} calls, throttle in {cache})"
        )
        load = os.getloadavg()[0]
        print(
            f"   target {TARGET_MS:.0f} ms: median {_verdict(median)}, p95 {_verdict(p95)} "
            f"(load average {load:.1f} on {os.cpu_count()} CPUs while measuring)"
        )
        print(f"   queries per results call: {_queries(client, url, headers)}")
        small = _queries(client, f"{base}?page_size=5", headers)
        large = _queries(client, f"{base}?page_size=50", headers)
        print(f"   queries per rounds list: {small} at 5 a page, {large} at 50 a page")
        return 0
    finally:
        from django.db import connections

        connections.close_all()
        _admin(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
