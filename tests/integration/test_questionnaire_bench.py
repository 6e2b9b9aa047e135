"""`make bench` keeps working: the questionnaire bench, run small, completes its
questionnaires through gunicorn on PostgreSQL and prints every figure it promises."""

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from tests.services import require_postgres

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _bench_database_url() -> str:
    database = settings.DATABASES["default"]
    user = database.get("USER") or "postgres"
    host = database.get("HOST") or "127.0.0.1"
    port = database.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/parley_bench_smoke"


def test_the_questionnaire_bench_completes_and_prints_its_figures():
    require_postgres()
    env = dict(os.environ)
    env.update(
        BENCH_DATABASE_URL=_bench_database_url(),
        BENCH_BROKER_URL="memory://",  # publish scoring in-process: leave Redis alone
        BENCH_QUESTIONNAIRES="3",
        BENCH_WARMUP="1",
        BENCH_BREAKDOWN="2",
        BENCH_PORT=str(_free_port()),
    )
    done = subprocess.run(
        [sys.executable, "bench/bench_questionnaire.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    # Bank version 2: 44 items, 10 predictions and the felt question.
    assert re.search(r"[\d.]+ ms server CPU per completed 55-item questionnaire", out)
    # 3 measured, 1 warm-up and 2 measured request by request: 6 questionnaires of 55.
    assert "answers stored 330 of 330, 0 differing from what was sent" in out
    assert "6 of 6 questionnaires submitted" in out
    kinds = ("welcome", "page", "autosave", "prediction autosave", "review", "submit", "read-only")
    for kind in kinds:
        assert re.search(rf"{kind} [\d.]+ x [\d.]+ ms = [\d.]+ ms", out), kind
    assert re.search(r"gunicorn alone \(an app answering \"ok\"\) [\d.]+ ms", out)
    assert re.search(r"Python loop in \d+ ms", out)
    counts = re.search(r"queries per request \(BEGIN/COMMIT not counted\): (\{.*\})", out)
    assert counts and '"autosave": [1]' in counts.group(1)
