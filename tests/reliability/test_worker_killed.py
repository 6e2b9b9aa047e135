"""A worker killed (SIGKILL) in the middle of render_report: no half-written file becomes
visible, and a new worker completes the report exactly once.

Real parts only: PostgreSQL (the test database, committed), a Redis of the test's own, and
Celery workers started as processes with the production command line. Tasks acknowledge
late, so the killed worker's message stays unacknowledged in Redis and is handed out again
once the visibility timeout has passed; the new worker's render takes over the claim the dead
one left (older than REPORT_STALE_CLAIM_SECONDS), renders, and publishes the file atomically.
Both delays are shortened through the environment, as an operator would set them.
"""

import hashlib
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from alignment.services import assessment_score
from reports.models import Report
from reports.services import report_filename, report_request
from reports.tasks import render_report
from tests.factories import realistic_assessment

from .support import celery_on_broker, wait_for

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
VISIBILITY_TIMEOUT = 12  # seconds before Redis hands an unacknowledged message out again
STALE_CLAIM = 12  # seconds before a rendering claim may be taken over (REPORT_STALE_…)
# The solo pool enforces no time limit; these only keep the settings consistent.
TIME_LIMITS = {"CELERY_TASK_SOFT_TIME_LIMIT": "8", "CELERY_TASK_TIME_LIMIT": "10"}
WORKER_OPTIONS = [
    "-Q", "reports", "-P", "solo", "-l", "WARNING",
    "--without-heartbeat", "--without-mingle", "--without-gossip",
]  # fmt: skip


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    return (
        f"postgres://{quote(db['USER'], safe='')}{password}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


class Worker:
    """A worker process of its own session, so kill() takes its whole process group."""

    def __init__(self, command: list[str], env: dict, log: Path):
        self.log = log
        self.handle = log.open("ab")
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=self.handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    def _signal(self, sig) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:  # it has just exited
                pass

    def kill(self) -> None:
        """kill -9, of the worker and anything it started."""
        self._signal(signal.SIGKILL)
        self.process.wait(timeout=30)
        self.handle.close()

    def stop(self) -> None:
        """A warm shutdown (SIGTERM), or SIGKILL if it does not stop in time."""
        self._signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()
        self.handle.close()


@pytest.fixture
def workers(redis_server, tmp_path):
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DEBUG="false",
        # With DEBUG off the settings refuse the development key (a deployment's own rule).
        SECRET_KEY="test-only-worker-secret-key-" + "x" * 40,
        DATABASE_URL=_database_url(),
        DATABASE_CONN_MAX_AGE="0",
        CELERY_BROKER_URL=redis_server.url(),
        CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
        REPORT_STALE_CLAIM_SECONDS=str(STALE_CLAIM),
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        LOG_LEVEL="WARNING",
        **TIME_LIMITS,
    )
    started = []

    def start(name: str, *, stall_write: bool = False) -> Worker:
        if stall_write:
            command = [sys.executable, "-m", "tests.reliability.worker"]
        else:
            command = [str(Path(sys.executable).parent / "celery"), "-A", "config", "worker"]
        worker_env = dict(env, PARLEY_TEST_STALL_REPORT_WRITE="1" if stall_write else "0")
        worker = Worker(
            [*command, *WORKER_OPTIONS, "-n", f"{name}@%h"], worker_env, tmp_path / f"{name}.log"
        )
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def _renders_run(app, name: str) -> int:
    """How many render_report tasks the worker `name` has run (asked over the broker)."""
    replies = app.control.inspect(timeout=1).stats() or {}
    stats = next((v for k, v in replies.items() if k.startswith(f"{name}@")), {})
    return stats.get("total", {}).get("reports.tasks.render_report", 0)


def _temporary_files(folder: Path) -> list[Path]:
    return sorted(folder.glob(".tmp-*")) if folder.exists() else []


def test_a_worker_killed_mid_render_leaves_no_partial_file_and_a_new_one_renders_once(
    redis_server, workers, questionnaire
):
    assessment = realistic_assessment(questionnaire)
    result = assessment_score(assessment_id=assessment.pk)
    with celery_on_broker(redis_server.url()) as app:
        report = report_request(assessment=assessment, result=result)  # enqueued on commit
        assert redis_server.queued("reports") == 1, "the render is on the test's own Redis"
        final_path = Path(settings.MEDIA_ROOT) / report_filename(report)
        folder = final_path.parent

        first = workers("doomed", stall_write=True)

        def caught_writing():
            assert first.process.poll() is None, first.output()
            report.refresh_from_db()
            return report.status == Report.Status.RENDERING and _temporary_files(folder)

        (partial,) = wait_for(caught_writing, timeout=120, what="the render to write its file")
        wait_for(lambda: partial.stat().st_size > 0, timeout=10, what="the partial write")
        assert len(redis_server.unacked()) == 1, "delivered, not acknowledged (acks late)"
        first.kill()

        # Nothing was published: no file at the report's name, the report not ready.
        assert not final_path.exists()
        assert [p for p in folder.iterdir() if not p.name.startswith(".")] == []
        report.refresh_from_db()
        assert (report.status, report.file.name, report.sha256) == ("rendering", "", "")
        assert report.attempts == 1
        assert not partial.read_bytes().rstrip().endswith(b"%%EOF"), "a half-written PDF"
        ((_, delivered_at),) = redis_server.unacked().items()

        # The message comes back once the visibility timeout has passed, and the claim may be
        # taken over once it is older than REPORT_STALE_CLAIM_SECONDS: a worker started after
        # both (as an operator or the orchestrator starts one) takes the work up at once.
        wait_for(
            lambda: (
                time.time() > delivered_at + VISIBILITY_TIMEOUT + 0.5
                and timezone.now() > report.claimed_at + timedelta(seconds=STALE_CLAIM + 0.5)
            ),
            timeout=VISIBILITY_TIMEOUT + STALE_CLAIM + 10,
            interval=0.2,
            what="the visibility timeout and the stale claim",
        )
        second = workers("replacement")

        def ready():
            assert second.process.poll() is None, second.output()
            report.refresh_from_db()
            assert report.status != Report.Status.FAILED, report.error
            return report.status == Report.Status.READY

        wait_for(ready, timeout=120, what="the replacement worker to render the report")
        wait_for(lambda: not redis_server.unacked(), timeout=10, what="the acknowledgement")

        # Exactly once: one report for the result, rendered on the second attempt, one file.
        assert Report.objects.filter(result=result).count() == 1
        assert report.attempts == 2
        assert report.file.name == report_filename(report)
        data = final_path.read_bytes()
        assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
        assert hashlib.sha256(data).hexdigest() == report.sha256
        assert sorted(folder.iterdir()) == [final_path], "the partial file was removed"
        assert redis_server.queued("reports") == 0

        # A duplicate message (a second redelivery) finds the report done: nothing changes.
        published_at = final_path.stat().st_mtime_ns
        render_report.apply_async(args=[report.pk])
        wait_for(
            lambda: _renders_run(app, "replacement") == 2 and not redis_server.unacked(),
            timeout=30,
            what="the duplicate to be consumed",
        )
        report.refresh_from_db()
        assert report.attempts == 2
        assert final_path.stat().st_mtime_ns == published_at
        assert sorted(folder.iterdir()) == [final_path]
        assert app.conf.task_always_eager is False
