"""Deleting, undoing and erasing, for the consultants and admins of an organisation.

Access is the consultant pages' own, `assessments.access` (managed_organization,
managed_assessment)
(another tenant's organisation is a 404). Every change is a POST after a confirmation page;
a refusal (already deleted, workshop open, too late to undo) is a message, nothing changed.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from organizations.selectors import deleted_organizations_managed_by

from ..access import managed_assessment, managed_organization
from ..lifecycle import (
    UNDO_DAYS,
    LifecycleRefused,
    assessment_delete,
    assessment_hold,
    assessment_restore,
    organization_delete,
    organization_restore,
    respondent_erase,
    undo_deadline,
)
from ..models import Assessment
from ..selectors import respondent_for_role


def _manager_organization(request: HttpRequest, org_slug: str):
    return managed_organization(request.user, org_slug)


def _deleted_round_or_none(organization, code: str) -> Assessment | None:
    """A round of the organisation deleted on its own (not with the organisation)."""
    return Assessment.all_objects.filter(
        organization=organization, code=code, deleted_at__isnull=False
    ).first()


def _refused(request: HttpRequest, refused: LifecycleRefused) -> None:
    messages.error(request, refused.message)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_delete_view(request: HttpRequest, org_slug: str, code: str) -> HttpResponse:
    organization = _manager_organization(request, org_slug)
    if _deleted_round_or_none(organization, code) is not None:
        # A second click, or a second tab: say so, change nothing.
        messages.info(request, gettext("This assessment is already deleted."))
        return redirect("assessments:deleted", org_slug=org_slug)
    assessment = managed_assessment(request.user, org_slug, code)
    if request.method == "POST":
        try:
            assessment_delete(assessment=assessment, by=request.user, request=request)
        except LifecycleRefused as refused:
            _refused(request, refused)
            return redirect("assessments:detail", org_slug=org_slug, code=code)
        messages.success(
            request,
            ngettext(
                "“%(title)s” is deleted. You can undo this for %(days)d day "
                "from “Deleted assessments”.",
                "“%(title)s” is deleted. You can undo this for %(days)d days "
                "from “Deleted assessments”.",
                UNDO_DAYS,
            )
            % {"title": assessment.title, "days": UNDO_DAYS},
        )
        return redirect("assessments:list", org_slug=org_slug)
    ctx = {"organization": organization, "assessment": assessment, "undo_days": UNDO_DAYS}
    return render(request, "assessments/lifecycle/assessment_delete.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def respondent_erase_view(request: HttpRequest, org_slug: str, code: str, role: str):
    assessment = managed_assessment(request.user, org_slug, code)
    organization = assessment.organization
    respondent = respondent_for_role(assessment, role)
    if request.method == "POST":
        choice = request.POST.get("answers")
        if choice not in ("keep", "remove"):
            messages.error(
                request, gettext("Choose whether to keep the answers as anonymous figures.")
            )
            return redirect("assessments:erase", org_slug=org_slug, code=code, role=role)
        try:
            respondent_erase(
                respondent=respondent,
                with_answers=choice == "remove",
                by=request.user,
                request=request,
            )
        except LifecycleRefused as refused:
            _refused(request, refused)
        else:
            messages.success(
                request,
                gettext("The %(role)s’s personal data is erased.")
                % {"role": respondent.get_role_display()},
            )
        return redirect("assessments:detail", org_slug=org_slug, code=code)
    ctx = {"organization": organization, "assessment": assessment, "respondent": respondent}
    return render(request, "assessments/lifecycle/respondent_erase.html", ctx)


@login_required
@require_POST
def assessment_hold_view(request: HttpRequest, org_slug: str, code: str) -> HttpResponse:
    assessment = managed_assessment(request.user, org_slug, code)
    hold = request.POST.get("hold") == "on"
    assessment_hold(assessment=assessment, hold=hold, by=request.user, request=request)
    messages.success(
        request,
        gettext("This assessment is on legal hold: retention never purges it.")
        if hold
        else gettext("The legal hold is lifted."),
    )
    return redirect("assessments:detail", org_slug=org_slug, code=code)


@dataclass(frozen=True)
class DeletedRow:
    """One deleted round or organisation on a "Deleted …" page, with its undo form's URL."""

    name: str
    deleted_at: datetime
    purged_on: datetime
    restore_url: str


def _deleted_row(name: str, deleted_at: datetime, restore_url: str) -> DeletedRow:
    return DeletedRow(name, deleted_at, undo_deadline(deleted_at), restore_url)


@login_required
def deleted_assessments(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The organisation's rounds deleted in the last UNDO_DAYS, each with "Undo"."""
    organization = _manager_organization(request, org_slug)
    rounds = Assessment.all_objects.filter(
        organization=organization, deleted_at__isnull=False, deleted_with_organization=False
    ).order_by("-deleted_at")
    ctx = {
        "organization": organization,
        "rows": [
            _deleted_row(
                r.title, r.deleted_at, reverse("assessments:restore", args=[org_slug, r.code])
            )
            for r in rounds
        ],
        "undo_days": UNDO_DAYS,
    }
    return render(request, "assessments/lifecycle/deleted_assessments.html", ctx)


@login_required
@require_POST
def assessment_restore_view(request: HttpRequest, org_slug: str, code: str) -> HttpResponse:
    organization = _manager_organization(request, org_slug)
    assessment = _deleted_round_or_none(organization, code)
    if assessment is None:
        managed_assessment(request.user, org_slug, code)  # 404 unless it is a live round
        messages.info(request, gettext("This assessment is not deleted."))
        return redirect("assessments:detail", org_slug=org_slug, code=code)
    try:
        assessment_restore(assessment=assessment, by=request.user, request=request)
    except LifecycleRefused as refused:
        _refused(request, refused)
        return redirect("assessments:deleted", org_slug=org_slug)
    messages.success(request, gettext("“%(title)s” is back.") % {"title": assessment.title})
    return redirect("assessments:detail", org_slug=org_slug, code=code)


@login_required
@require_http_methods(["GET", "POST"])
def organization_delete_view(request: HttpRequest, org_slug: str) -> HttpResponse:
    if deleted_organizations_managed_by(request.user).filter(slug=org_slug).exists():
        messages.info(request, gettext("This organisation is already deleted."))
        return redirect("lifecycle:deleted_organizations")
    organization = _manager_organization(request, org_slug)
    if request.method == "POST":
        try:
            organization_delete(organization=organization, by=request.user, request=request)
        except LifecycleRefused as refused:
            _refused(request, refused)
            return redirect("assessments:list", org_slug=org_slug)
        messages.success(
            request,
            ngettext(
                "%(organization)s is deleted with all its assessments. You can undo this for "
                "%(days)d day from “Deleted organisations”.",
                "%(organization)s is deleted with all its assessments. You can undo this for "
                "%(days)d days from “Deleted organisations”.",
                UNDO_DAYS,
            )
            % {"organization": organization.name, "days": UNDO_DAYS},
        )
        return redirect("lifecycle:deleted_organizations")
    ctx = {
        "organization": organization,
        "round_count": Assessment.objects.filter(organization=organization).count(),
        "undo_days": UNDO_DAYS,
    }
    return render(request, "assessments/lifecycle/organization_delete.html", ctx)


@login_required
def deleted_organizations(request: HttpRequest) -> HttpResponse:
    organizations = deleted_organizations_managed_by(request.user).order_by("-deleted_at")
    ctx = {
        "rows": [
            _deleted_row(
                o.name,
                o.deleted_at,
                reverse("lifecycle:restore_organization", kwargs={"org_slug": o.slug}),
            )
            for o in organizations
        ],
        "undo_days": UNDO_DAYS,
    }
    return render(request, "assessments/lifecycle/deleted_organizations.html", ctx)


@login_required
@require_POST
def organization_restore_view(request: HttpRequest, org_slug: str) -> HttpResponse:
    organization = deleted_organizations_managed_by(request.user).filter(slug=org_slug).first()
    if organization is None:
        _manager_organization(request, org_slug)  # 404 unless it is a live organisation
        messages.info(request, gettext("This organisation is not deleted."))
        return redirect("assessments:list", org_slug=org_slug)
    try:
        organization_restore(organization=organization, by=request.user, request=request)
    except LifecycleRefused as refused:
        _refused(request, refused)
        return redirect("lifecycle:deleted_organizations")
    messages.success(
        request,
        gettext("%(organization)s is back, with the assessments deleted with it.")
        % {"organization": organization.name},
    )
    return redirect("assessments:list", org_slug=org_slug)
