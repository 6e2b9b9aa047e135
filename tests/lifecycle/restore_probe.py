"""Run as a separate process against a database (DATABASE_URL) and a media folder
(MEDIA_ROOT): prints, as JSON, `export_results` of every round (the JSON result, or the
command's refusal for a round without one, and the answers CSV) and, for every ready report,
whether the file downloaded through the consultant's view has its stored SHA-256.

Used by test_backup_restore.py on the original database and on its restored copy.
"""

import hashlib
import io
import json
import os
import sys

import django

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
django.setup()

from django.core.management import CommandError, call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from assessments.models import Assessment  # noqa: E402
from organizations.models import User  # noqa: E402
from reports.models import Report  # noqa: E402
from reports.selectors import latest_ready_report  # noqa: E402


def _export(*args) -> str:
    out = io.StringIO()
    try:
        call_command("export_results", *args, stdout=out, stderr=io.StringIO())
    except CommandError as refused:
        return f"refused: {refused}"
    return out.getvalue()


def exports() -> dict:
    return {
        a.code: {
            "json": _export(a.code),
            "answers_csv": _export(a.code, "--format", "csv", "--table", "answers"),
        }
        for a in Assessment.objects.order_by("code")
    }


def downloads() -> dict:
    """{report code: downloaded SHA-256 == stored} for the newest ready report of each round
    (what the download view serves), read through the view as a site admin would."""
    setup_test_environment()
    staff = User.objects.filter(is_staff=True, is_active=True).first()
    client = Client()
    client.force_login(staff)
    checked = {}
    for assessment in Assessment.objects.select_related("organization").order_by("code"):
        report = latest_ready_report(assessment)
        if report is None:
            continue
        url = reverse(
            "reports:download",
            kwargs={"slug": assessment.organization.slug, "code": assessment.code},
        )
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.status_code == 200 else b""
        checked[report.code] = {
            "status": response.status_code,
            "sha256_matches": hashlib.sha256(body).hexdigest() == report.sha256,
            "bytes": len(body),
        }
    return checked


def files() -> dict:
    """{report code: the stored file's SHA-256 == the row's} for every ready report."""
    checked = {}
    for report in Report.objects.filter(status=Report.Status.READY).order_by("code"):
        with report.file.open("rb") as handle:
            checked[report.code] = hashlib.sha256(handle.read()).hexdigest() == report.sha256
    return checked


if __name__ == "__main__":
    document = {
        "exports": exports(),
        "downloads": downloads(),
        "files": files(),
        "reports_ready": Report.objects.filter(status="ready").count(),
    }
    json.dump(document, sys.stdout)
