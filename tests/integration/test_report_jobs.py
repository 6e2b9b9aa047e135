"""The report job end to end: a real Celery worker, through the real Redis broker, scores a
submitted assessment, then picks the render off the `reports` queue and publishes the PDF."""

import hashlib
import time
from pathlib import Path

import pytest
from celery.result import EagerResult
from django.conf import settings

from alignment.tasks import score_assessment
from reports.models import Report
from reports.tasks import render_report
from tests.factories import realistic_assessment

pytestmark = pytest.mark.integration


def _wait_for(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    return None


def _ready(assessment):
    return Report.objects.filter(assessment=assessment, status=Report.Status.READY).first()


def test_a_real_worker_scores_then_renders_the_report(live_worker, questionnaire):
    assessment = realistic_assessment(questionnaire)

    sent = score_assessment.delay(assessment.pk)
    assert not isinstance(sent, EagerResult), "the task went through the broker"

    report = _wait_for(lambda: _ready(assessment))
    assert report is not None, list(Report.objects.values("status", "error"))
    path = Path(report.file.path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    assert hashlib.sha256(data).hexdigest() == report.sha256
    assert 8 <= report.pages <= 14
    assert report.attempts == 1

    # A duplicate message (a redelivery) finds the report done: no second render, one file.
    render_report.delay(report.pk)
    score_assessment.delay(assessment.pk)  # re-scoring the same answers reuses the report
    time.sleep(3)
    report.refresh_from_db()
    assert report.attempts == 1
    assert Report.objects.filter(assessment=assessment).count() == 1
    folder = Path(settings.MEDIA_ROOT) / "reports" / assessment.code
    assert sorted(folder.iterdir()) == [path]
