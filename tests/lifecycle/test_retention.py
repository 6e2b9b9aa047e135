"""PARLEY_RETENTION_MONTHS: warned 14 days ahead, purged once due, never on legal hold."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from assessments.lifecycle import add_months, retention_apply
from assessments.models import Assessment, Respondent
from tests.services import require_postgres

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postgres():
    require_postgres()


def _finished_months_ago(assessment, months: int, *, days: int = 0) -> None:
    moment = add_months(timezone.now(), -months) + timedelta(days=days)
    Respondent.objects.filter(assessment=assessment).update(submitted_at=moment)


def test_it_is_off_by_default(tenant, settings):
    assert settings.PARLEY_RETENTION_MONTHS is None
    _finished_months_ago(tenant.scored, 120)
    assert retention_apply().warned == [] and mail.outbox == []


def test_the_consultant_is_warned_once_then_the_round_is_purged(
    tenant, settings, django_capture_on_commit_callbacks
):
    settings.PARLEY_RETENTION_MONTHS = 6
    _finished_months_ago(tenant.scored, 6, days=10)  # due in 10 days
    run = retention_apply()
    assert run.warned == [tenant.scored.code] and run.purged == []
    (message,) = mail.outbox
    assert message.to == [tenant.consultant.email]
    assert "will be deleted on" in message.subject
    assert retention_apply().warned == []  # once only
    assert len(mail.outbox) == 1

    later = timezone.now() + timedelta(days=13)
    assert retention_apply(now=later).purged == []  # due, but the warning is not 14 days old
    with django_capture_on_commit_callbacks(execute=True):
        run = retention_apply(now=timezone.now() + timedelta(days=15))
    assert run.purged == [tenant.scored.code]
    assert not Assessment.all_objects.filter(pk=tenant.scored.pk).exists()
    assert Assessment.objects.filter(pk=tenant.open.pk).exists()  # not finished: kept


def test_a_round_on_legal_hold_is_never_warned_nor_purged(tenant, settings, client):
    settings.PARLEY_RETENTION_MONTHS = 1
    _finished_months_ago(tenant.scored, 30)
    client.force_login(tenant.consultant)
    kwargs = {"org_slug": tenant.organization.slug, "code": tenant.scored.code}
    client.post(reverse("assessments:hold", kwargs=kwargs), {"hold": "on"})
    assert Assessment.objects.get(pk=tenant.scored.pk).legal_hold
    for days in (0, 30, 400):
        run = retention_apply(now=timezone.now() + timedelta(days=days))
        assert run.warned == [] and run.purged == []
    assert mail.outbox == []
    page = client.get(reverse("assessments:detail", kwargs=kwargs))
    assert b"On legal hold" in page.content


def test_add_months_keeps_the_day_or_takes_the_months_last():
    start = timezone.now().replace(year=2026, month=1, day=31)
    assert add_months(start, 1).date().isoformat() == "2026-02-28"
    assert add_months(start, 13).date().isoformat() == "2027-02-28"
    assert add_months(start, -2).date().isoformat() == "2025-11-30"


def test_beat_runs_the_purge_and_the_retention_daily(tenant, settings):
    from assessments.tasks import apply_retention, purge_deleted

    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"assessments.purge_deleted", "assessments.apply_retention"} <= schedule
    assert purge_deleted.apply().get() == {"organizations": 0, "assessments": 0}
    settings.PARLEY_RETENTION_MONTHS = 1
    _finished_months_ago(tenant.scored, 1, days=3)
    assert apply_retention.apply().get() == {"warned": 1, "purged": 0}
    assert len(mail.outbox) == 1
