"""Time `manage.py rescore --all` over 1,000 completed assessments on PostgreSQL.

Run from the repository root: ``.venv/bin/python bench/bench_rescore.py`` (or ``make bench``).
It creates a throw-away database ``parley_bench_rescore`` on the server of
``BENCH_POSTGRES_URL`` (default ``postgres://postgres@127.0.0.1:5432``), migrates it, loads the
default question bank, writes 1,000 submitted assessments (44 items, both sides, a few "don't
know"s) with bulk inserts, and prints:

* the engine alone, per assessment (as bench_scoring_engine.py measures it);
* ``rescore --all`` end to end, per assessment and per second: a first run that creates every
  result (each followed by its PDF report request, published to an in-memory broker: the
  rendering is not part of scoring), and a second run that replaces unchanged results;
* the SQL queries one scoring takes, and one batch of 200 (both constant).

Without a reachable PostgreSQL it prints one line saying so and exits 0. The database is
dropped at the end.
"""

import os
import random
import statistics
import sys
import time
import timeit
from io import StringIO
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
DATABASE = "parley_bench_rescore"
ASSESSMENTS = 1_000
BATCH = 200
_TRANSACTION = {"BEGIN", "COMMIT"}


def _admin_connection():
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
    return connection


def _recreate_database() -> str | None:
    """None when the bench database is fresh; else why PostgreSQL cannot be used."""
    try:
        admin = _admin_connection()
    except Exception as error:
        return f"PostgreSQL at {SERVER} is not reachable ({type(error).__name__})"
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{DATABASE}"')
    admin.close()
    return None


def _drop_database() -> None:
    from django.db import connections

    connections.close_all()
    admin = _admin_connection()
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    admin.close()


def _setup_django() -> None:
    os.environ["DATABASE_URL"] = f"{SERVER}/{DATABASE}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    os.environ["DEBUG"] = "false"  # no query log in memory
    # With DEBUG off the settings refuse the development key: a throwaway one for the bench.
    os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 60)
    os.environ["LOG_LEVEL"] = "ERROR"  # e.g. kombu's note about the in-memory broker
    os.environ.pop("CELERY_BROKER_URL", None)
    import django

    django.setup()
    from config.celery import app

    # Follow-up jobs (PDF reports) are published to the in-memory broker, not run here.
    app.conf.task_always_eager = False
    app.conf.broker_url = "memory://"


def _populate(rng: random.Random) -> list[int]:
    from django.core.management import call_command
    from django.utils import timezone

    from assessments.models import Answer, Assessment, Questionnaire, Respondent
    from organizations.models import Organization

    call_command("migrate", verbosity=0)
    call_command("load_question_bank", verbosity=0, stdout=StringIO())
    questionnaire = Questionnaire.objects.get(slug="parley-genai", version=1)
    questions = list(questionnaire.questions.order_by("order"))
    organization = Organization.objects.create(name="Bench Ltd", slug="bench-ltd")
    now = timezone.now()
    assessments = Assessment.objects.bulk_create(
        Assessment(
            organization=organization,
            questionnaire=questionnaire,
            title=f"Round {n}",
            status=Assessment.Status.OPEN,
            opened_at=now,
        )
        for n in range(ASSESSMENTS)
    )
    respondents = Respondent.objects.bulk_create(
        Respondent(assessment=a, role=role, email=f"{role}{a.pk}@bench.example", submitted_at=now)
        for a in assessments
        for role in ("ceo", "ciso")
    )
    choices = [1, 2, 3, 4, 5] * 8 + ["dk"]
    answers = []
    for respondent in respondents:
        for question in questions:
            value = rng.choice(choices)
            answers.append(
                Answer(
                    respondent=respondent,
                    question=question,
                    value=None if value == "dk" else value,
                    dont_know=value == "dk",
                )
            )
    Answer.objects.bulk_create(answers, batch_size=5_000)
    return [a.pk for a in assessments]


def _engine_ms() -> float:
    from bench_scoring_engine import build_assessment

    from alignment.scoring import score

    dimensions, items, ceo, ciso = build_assessment()
    timer = timeit.Timer(lambda: score(dimensions, items, ceo, ciso))
    runs = [total / 1_000 for total in timer.repeat(repeat=7, number=1_000)]
    return statistics.median(runs) * 1000


def _rescore_all() -> tuple[float, str, str]:
    from django.core.management import call_command

    out, err = StringIO(), StringIO()
    started = time.perf_counter()
    call_command("rescore", "--all", "--batch-size", str(BATCH), stdout=out, stderr=err)
    return time.perf_counter() - started, out.getvalue().strip(), err.getvalue()


def _queries(ids: list[int]) -> int:
    """SQL statements of one scoring transaction (BEGIN and COMMIT not counted), on open
    assessments, so the status update is included."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from alignment.services import assessments_score
    from assessments.models import Assessment

    Assessment.objects.filter(pk__in=ids).update(status=Assessment.Status.OPEN)
    with CaptureQueriesContext(connection) as context:
        assessments_score(assessment_ids=ids)
    statements = [q["sql"] for q in context.captured_queries if q["sql"] not in _TRANSACTION]
    if os.environ.get("BENCH_SHOW_SQL"):
        print("\n".join(sql[:120] for sql in statements))
    return len(statements)


def _report(label: str, elapsed: float, summary: str, errors: str) -> None:
    per_ms = elapsed / ASSESSMENTS * 1000
    print(
        f"rescore --all, {label}: {per_ms:.2f} ms per assessment, "
        f"{ASSESSMENTS / elapsed:.0f} assessments/s ({ASSESSMENTS} on PostgreSQL, "
        f"batches of {BATCH})"
    )
    print(f"   {summary}")
    failed = [line for line in errors.splitlines() if "report not requested" in line]
    if failed:
        print(f"   {len(failed)} report requests failed, e.g. {failed[0]}")


def main() -> int:
    reason = _recreate_database()
    if reason:
        print(f"bench_rescore: skipped: {reason}")
        return 0
    try:
        _setup_django()
        ids = _populate(random.Random(44))
        print(f"scoring engine alone: {_engine_ms():.3f} ms per assessment (44 items)")
        _report("first scoring (+ report requests)", *_rescore_all())
        _report("again (results unchanged)", *_rescore_all())
        one, batch = _queries(ids[:1]), _queries(ids[:BATCH])
        print(
            f"SQL queries: {one} to score one assessment, {batch} for a batch of {BATCH}, "
            "plus BEGIN and COMMIT (the same whatever the number of items or assessments)"
        )
    finally:
        _drop_database()
    return 0


if __name__ == "__main__":
    sys.exit(main())
