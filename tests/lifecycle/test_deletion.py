"""Deleting a round or an organisation: hidden at once everywhere, undoable for 30 days,
then purged (idempotent, audited by kind, files removed)."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from alignment.models import WorkshopSession
from assessments.lifecycle import (
    UNDO_DAYS,
    LifecycleRefused,
    assessment_delete,
    assessment_restore,
    organization_delete,
    organization_restore,
    purge_due,
)
from assessments.models import Assessment, Respondent
from organizations.models import AuditEvent, Organization
from organizations.selectors import organizations_for_user
from tests.security.routes import TENANT, routes_in, tenant_kwargs
from tests.security.world import snapshot
from tests.services import require_postgres

from .conftest import tables_containing

pytestmark = pytest.mark.django_db
LATER = timedelta(days=UNDO_DAYS, minutes=1)
# The lifecycle's own pages answer a deleted round with "already deleted" / "not deleted".
LIFECYCLE_ROUTES = {"assessments:delete", "assessments:restore"}


@pytest.fixture(autouse=True)
def _postgres():
    require_postgres()


def _finish_workshop(assessment):
    WorkshopSession.objects.filter(assessment=assessment).update(finished_at=timezone.now())


def test_a_deleted_round_is_gone_from_every_page_for_everyone(tenant, client):
    assessment_delete(assessment=tenant.open, by=tenant.consultant)
    client.force_login(tenant.admin)
    for route in routes_in(TENANT):
        if "code" not in route.kwarg_names or route.name in LIFECYCLE_ROUTES:
            continue
        kwargs = tenant_kwargs(route, tenant)
        kwargs["code"] = tenant.open.code
        response = client.get(route.path(kwargs))
        assert response.status_code in (404, 405), f"{route}: {response.status_code}"
    listing = client.get(reverse("assessments:list", kwargs={"org_slug": tenant.organization.slug}))
    assert tenant.open.title.encode() not in listing.content
    for token in tenant.open_tokens.values():
        response = client.get(reverse("respond:welcome", kwargs={"token": token}))
        assert response.status_code == 404
    assert not Assessment.objects.filter(pk=tenant.open.pk).exists()
    assert Assessment.all_objects.filter(pk=tenant.open.pk).exists()


# A deleted organisation's own delete and undo pages answer "already deleted" / "not deleted".
ORGANIZATION_LIFECYCLE_ROUTES = {
    "assessments:delete_organization",
    "lifecycle:restore_organization",
}


def test_a_deleted_organisation_is_gone_from_every_page_for_its_own_people(tenant, client):
    _finish_workshop(tenant.scored)
    organization_delete(organization=tenant.organization, by=tenant.admin)
    for kind in ("consultant", "admin"):
        client.force_login(getattr(tenant, kind))
        for route in routes_in(TENANT):
            if route.name in ORGANIZATION_LIFECYCLE_ROUTES:
                continue
            response = client.get(route.path(tenant_kwargs(route, tenant)))
            assert response.status_code in (404, 405), f"{route} as {kind}"
        home = client.get(reverse("workspace:dashboard"))
        assert tenant.organization.name.encode() not in home.content
    for token in [*tenant.open_tokens.values(), *tenant.scored_tokens.values()]:
        assert client.get(reverse("respond:welcome", kwargs={"token": token})).status_code == 404


def test_undo_brings_the_round_back_as_it_was(tenant, client):
    before = snapshot(tenant.organization)
    client.force_login(tenant.consultant)
    kwargs = {"org_slug": tenant.organization.slug, "code": tenant.open.code}
    assert client.post(reverse("assessments:delete", kwargs=kwargs)).status_code == 302
    deleted_page = client.get(
        reverse("assessments:deleted", kwargs={"org_slug": kwargs["org_slug"]})
    )
    assert tenant.open.title.encode() in deleted_page.content
    response = client.post(reverse("assessments:restore", kwargs=kwargs))
    assert response.status_code == 302
    after = snapshot(tenant.organization)
    strip = ("updated_at", "deleted_at", "deleted_by_id")
    for rows in (before["assessments"], after["assessments"]):
        for row in rows:
            for key in strip:
                row.pop(key)
    assert after == before
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"round_deleted", "round_restored"} <= actions


def test_deleting_twice_or_undoing_a_live_round_says_so(tenant, client):
    assessment_delete(assessment=tenant.open)
    with pytest.raises(LifecycleRefused, match="already deleted"):
        assessment_delete(assessment=tenant.open)
    client.force_login(tenant.consultant)
    kwargs = {"org_slug": tenant.organization.slug, "code": tenant.open.code}
    response = client.post(reverse("assessments:delete", kwargs=kwargs), follow=True)
    assert b"already deleted" in response.content
    live = {"org_slug": tenant.organization.slug, "code": tenant.scored.code}
    response = client.post(reverse("assessments:restore", kwargs=live), follow=True)
    assert b"not deleted" in response.content


def test_a_round_or_organisation_with_a_workshop_in_progress_is_not_deleted(tenant, client):
    before = snapshot(tenant.organization)
    with pytest.raises(LifecycleRefused, match="workshop in progress"):
        assessment_delete(assessment=tenant.scored)
    client.force_login(tenant.consultant)
    url = reverse("assessments:delete_organization", kwargs={"org_slug": tenant.organization.slug})
    response = client.post(url, follow=True)
    assert b"workshop in progress" in response.content
    assert b"nothing was deleted" in response.content
    assert snapshot(tenant.organization) == before  # nothing half done
    assert Organization.objects.filter(pk=tenant.organization.pk).exists()


def test_an_organisation_is_hidden_with_its_rounds_and_undo_restores_exactly_those(tenant):
    assessment_delete(assessment=tenant.open)  # deleted on its own, before
    _finish_workshop(tenant.scored)
    organization_delete(organization=tenant.organization, by=tenant.consultant)
    assert not organizations_for_user(tenant.consultant).exists()
    assert not Assessment.objects.filter(organization_id=tenant.organization.pk).exists()
    with pytest.raises(LifecycleRefused, match="already deleted"):
        organization_delete(organization=tenant.organization)
    with pytest.raises(LifecycleRefused, match="deleted with its organisation"):
        assessment_restore(assessment=Assessment.all_objects.get(pk=tenant.scored.pk))

    organization_restore(organization=tenant.organization, by=tenant.consultant)
    live = set(
        Assessment.objects.filter(organization=tenant.organization).values_list("pk", flat=True)
    )
    assert live == {tenant.scored.pk}  # the round deleted on its own stays deleted


def test_undo_is_refused_after_30_days(tenant):
    assessment_delete(assessment=tenant.open)
    Assessment.all_objects.filter(pk=tenant.open.pk).update(deleted_at=timezone.now() - LATER)
    with pytest.raises(LifecycleRefused, match="30 days"):
        assessment_restore(assessment=Assessment.all_objects.get(pk=tenant.open.pk))


def test_the_purge_deletes_rows_and_files_for_good_and_is_idempotent(
    tenant, rival, settings, django_capture_on_commit_callbacks
):
    _finish_workshop(tenant.scored)
    organization_delete(organization=tenant.organization, by=tenant.consultant)
    folder = settings.MEDIA_ROOT / "reports" / tenant.scored.code
    assert any(folder.iterdir())
    # The executives' words and addresses (the audit log keeps its own records, by role).
    secrets = [
        "ceo@zq7lifecycle.test",
        "ciso@zq7lifecycle.test",
        "zq7lifecycle ceo scored comment",
        "zq7lifecycle ciso open comment",
        "zq7lifecycle agreed notes",
    ]
    rival_before = snapshot(rival.organization)

    with django_capture_on_commit_callbacks(execute=True):
        nothing = purge_due()  # not 30 days yet
    assert (
        nothing.organizations == []
        and Organization.all_objects.filter(pk=tenant.organization.pk).exists()
    )
    with django_capture_on_commit_callbacks(execute=True):
        done = purge_due(now=timezone.now() + LATER)
    assert done.organizations == [tenant.organization.pk]
    assert not Organization.all_objects.filter(pk=tenant.organization.pk).exists()
    assert not Assessment.all_objects.filter(pk__in=[tenant.scored.pk, tenant.open.pk]).exists()
    assert not Respondent.objects.filter(assessment_id=tenant.scored.pk).exists()
    assert not folder.exists() or not any(folder.iterdir())
    for text in secrets:
        assert tables_containing(text) == {}, text
    event = AuditEvent.objects.get(action=AuditEvent.Action.ORGANIZATION_PURGED)
    assert event.target == f"organisation #{tenant.organization.pk}"
    assert snapshot(rival.organization) == rival_before

    again = purge_due(now=timezone.now() + LATER)  # idempotent
    assert again.organizations == [] and again.assessments == []
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ORGANIZATION_PURGED).count() == 1


def test_purge_deleted_dry_run_lists_and_changes_nothing(tenant, capsys, monkeypatch):
    assessment_delete(assessment=tenant.open)
    Assessment.all_objects.filter(pk=tenant.open.pk).update(deleted_at=timezone.now() - LATER)
    call_command("purge_deleted", dry_run=True)
    out = capsys.readouterr().out
    assert f"Would purge assessment {tenant.open.code}" in out
    assert Assessment.all_objects.filter(pk=tenant.open.pk).exists()
    call_command("purge_deleted")
    assert f"Purged assessment {tenant.open.code}" in capsys.readouterr().out
    assert not Assessment.all_objects.filter(pk=tenant.open.pk).exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.ROUND_PURGED)
    assert event.target == f"assessment {tenant.open.code} (deleted)"
    assert "open round" not in event.target  # the kind and the code, never the title


def test_deleted_organisations_page_offers_undo_to_its_managers_only(tenant, rival, client):
    _finish_workshop(rival.scored)
    organization_delete(organization=rival.organization, by=rival.consultant)
    client.force_login(tenant.consultant)
    page = client.get(reverse("lifecycle:deleted_organizations"))
    assert rival.organization.name.encode() not in page.content
    url = reverse("lifecycle:restore_organization", kwargs={"org_slug": rival.organization.slug})
    assert client.post(url).status_code == 404
    client.force_login(rival.admin)
    page = client.get(reverse("lifecycle:deleted_organizations"))
    assert rival.organization.name.encode() in page.content
    assert client.post(url).status_code == 302
    assert Organization.objects.filter(pk=rival.organization.pk).exists()
