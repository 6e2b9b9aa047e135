"""`make bench-scale` keeps working: the scale bench, run small, fills its own PostgreSQL
database in bulk, prints the server time, queries and bytes of every page, and drops the
database after."""

import os
import re
import subprocess
import sys
from pathlib import Path

import psycopg2
from django.conf import settings

from tests.services import require_postgres

ROOT = Path(__file__).resolve().parents[2]
PAGES = (
    "dashboard",
    "dashboard search",
    "dashboard page 250",
    "portfolio",
    "organisation portfolio",
    "organisation page",
    "assessment page",
    "results",
    "gap map",
    "workshop",
    "trend",
    "round xlsx",
    "round csv (answers)",
    "organisation csv",
    "organisation xlsx",
)


def _server() -> dict:
    database = settings.DATABASES["default"]
    return {
        "user": database.get("USER") or "postgres",
        "host": database.get("HOST") or "127.0.0.1",
        "port": database.get("PORT") or 5432,
    }


def _exists(name: str) -> bool:
    connection = psycopg2.connect(dbname="postgres", **_server())
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            return cursor.fetchone() is not None
    finally:
        connection.close()


def test_the_scale_bench_fills_measures_every_page_and_cleans_up():
    require_postgres()
    server = _server()
    name = "parley_scale_smoke"
    url = f"postgres://{server['user']}@{server['host']}:{server['port']}/{name}"
    done = subprocess.run(
        [sys.executable, "bench/bench_scale.py", "--orgs", "30", "--rounds", "2", "--repeat", "2"],
        cwd=ROOT,
        env={**os.environ, "BENCH_SCALE_DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    # 30 x 2 scored rounds, an open round on every 50th organisation (the first), 44 answers
    # per executive of a scored round and 22 of the open round's CEO.
    assert "30 organisations, 61 rounds (60 scored), 122 respondents, 5302 answers" in out
    for page in PAGES:
        figures = re.search(rf"^{re.escape(page)} +([\d.]+) +([\d.]+) +(\d+) +(\d+)$", out, re.M)
        assert figures, page
        median, p95, queries, size = figures.groups()
        assert 0 < float(median) <= float(p95) and int(queries) > 0 and int(size) > 0, page
    assert re.search(r"^p95 over 150 ms: ", out, re.M)
    assert not _exists(name), "the bench drops its database"
