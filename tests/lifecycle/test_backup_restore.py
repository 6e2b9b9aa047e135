"""Backups that restore: fill a database, pg_dump it, restore it into a new database with
pg_restore, copy the media folder as a backup would, and run the app on the copy.
`export_results` of every round is identical, and every report downloads with its stored
SHA-256. The figures (rows, dump size, times) are printed for the operations guide.
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from alignment.models import WorkshopSession
from assessments.models import Assessment
from reports.models import Report
from reports.services import report_render, report_request
from tests.factories import UserFactory
from tests.security.world import FAKE_PDF, build_tenant
from tests.services import require_executable, require_postgres

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
PROBE = Path(__file__).with_name("restore_probe.py")


def _libpq_env() -> dict:
    db = connection.settings_dict
    env = {**os.environ, "PGHOST": db["HOST"] or "127.0.0.1", "PGUSER": db["USER"] or "postgres"}
    if db["PORT"]:
        env["PGPORT"] = str(db["PORT"])
    if db["PASSWORD"]:
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _url(name: str) -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def _probe(database: str, media: Path) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": _url(database),
        "MEDIA_ROOT": str(media),
        "CELERY_BROKER_URL": "",
    }
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, str(PROBE)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def _fill(questionnaire, organization, other_organization) -> None:
    """Two tenants, each with a scored round (a real rendered report besides the world's
    own), an open round half answered, a workshop, audit events."""
    for tenant in (
        build_tenant(questionnaire, organization, "bk1secret"),
        build_tenant(questionnaire, other_organization, "bk2secret"),
    ):
        Report.objects.filter(pk=tenant.report.pk).update(
            sha256=hashlib.sha256(FAKE_PDF).hexdigest()
        )
        WorkshopSession.objects.filter(assessment=tenant.scored).update(finished_at=timezone.now())
        report = report_request(assessment=tenant.scored, fresh=True)
        assert report_render(report_id=report.pk).status == Report.Status.READY
    UserFactory(email="restore-admin@example.test", is_staff=True)


def test_a_dump_restores_into_a_database_that_exports_and_serves_the_same(
    transactional_db, questionnaire, organization, other_organization, settings, tmp_path
):
    require_postgres()
    for tool in ("pg_dump", "pg_restore", "createdb", "dropdb"):
        require_executable(tool)
    _fill(questionnaire, organization, other_organization)
    original = connection.settings_dict["NAME"]
    restored = f"{original}_restored"
    env = _libpq_env()
    media = Path(settings.MEDIA_ROOT)

    started = time.monotonic()
    dump = tmp_path / "parley.dump"
    subprocess.run(  # noqa: S603, S607 - PostgreSQL's own client
        ["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", original],
        env=env,
        check=True,
    )
    archive = tmp_path / "media.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(media, arcname="media")
    backup_seconds = time.monotonic() - started

    started = time.monotonic()
    subprocess.run(["dropdb", "--if-exists", restored], env=env, check=True)  # noqa: S603, S607
    subprocess.run(["createdb", restored], env=env, check=True)  # noqa: S603, S607
    try:
        subprocess.run(  # noqa: S603, S607
            ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={restored}", str(dump)],
            env=env,
            check=True,
        )
        restored_media = tmp_path / "restored"
        with tarfile.open(archive) as tar:
            tar.extractall(restored_media, filter="data")
        restore_seconds = time.monotonic() - started

        before = _probe(original, media)
        after = _probe(restored, restored_media / "media")
    finally:
        subprocess.run(["dropdb", "--if-exists", restored], env=env, check=True)  # noqa: S603, S607

    rounds = Assessment.objects.count()
    assert len(after["exports"]) == rounds == 4
    assert after["exports"] == before["exports"]
    scored = [code for code, e in after["exports"].items() if not e["json"].startswith("refused")]
    assert len(scored) == 2
    assert after["reports_ready"] == before["reports_ready"] == 4
    assert len(after["downloads"]) == 2
    assert len(after["files"]) == 4 and all(after["files"].values()), after["files"]
    for code, download in after["downloads"].items():
        assert download["status"] == 200 and download["sha256_matches"], code
    print(
        f"\nbackup: dump {dump.stat().st_size} bytes + media {archive.stat().st_size} bytes "
        f"in {backup_seconds:.2f} s; restore in {restore_seconds:.2f} s; {rounds} rounds, "
        f"{after['reports_ready']} ready reports, {len(after['downloads'])} downloads checked"
    )
    shutil.rmtree(tmp_path / "restored", ignore_errors=True)
