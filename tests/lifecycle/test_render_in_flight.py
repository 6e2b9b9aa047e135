"""A round purged while its report renders: the render publishes nothing, leaves no file."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alignment.models import WorkshopSession
from assessments.lifecycle import UNDO_DAYS, assessment_delete, assessment_purge
from assessments.models import Assessment
from reports import services
from reports.models import Report
from reports.rendering import render_pdf
from tests.services import require_postgres

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postgres():
    require_postgres()


def _pending_report(tenant) -> Report:
    result = tenant.report.result
    return Report.objects.create(
        assessment=tenant.scored, result=result, result_digest=result.answers_digest
    )


def test_a_render_whose_round_is_purged_meanwhile_publishes_nothing(
    tenant, settings, django_capture_on_commit_callbacks
):
    WorkshopSession.objects.filter(assessment=tenant.scored).update(finished_at=timezone.now())
    report = _pending_report(tenant)
    token = services._claim(report.pk)  # the worker has claimed it and is rendering
    report = Report.objects.select_related("assessment", "result").get(pk=report.pk)
    rendered = render_pdf(report.result, page_size=report.page_size)

    assessment_delete(assessment=tenant.scored)
    with django_capture_on_commit_callbacks(execute=True):
        assert assessment_purge(assessment_id=tenant.scored.pk)

    published = services._publish(report, token, rendered.pdf, rendered.pages, 1.0)
    assert published is False
    folder = settings.MEDIA_ROOT / "reports" / tenant.scored.code
    assert not folder.exists() or list(folder.iterdir()) == []
    assert services.report_render(report_id=report.pk) is None  # a redelivered message
    assert not Assessment.all_objects.filter(pk=tenant.scored.pk).exists()


def test_the_sweeper_does_not_render_for_a_deleted_round(tenant):
    WorkshopSession.objects.filter(assessment=tenant.scored).update(finished_at=timezone.now())
    Report.objects.filter(assessment=tenant.scored).delete()
    assessment_delete(assessment=tenant.scored)
    found = services.reports_sweep(now=timezone.now() + timedelta(days=UNDO_DAYS))
    assert found["requested"] == 0
    assert not Report.objects.filter(assessment_id=tenant.scored.pk).exists()
