"""The report's pages: status, download and "render a fresh copy" for the consultant, and the
download for the two executives through their personal links.

Access through `assessments.access`: consultants and admins of the organisation (and site
staff) by `managed_assessment`; the CEO and the CISO through their link by
`link_results_respondent`, only once both have submitted. Everything else is a 404, never a 403: a report that exists and
one that does not look the same from outside.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from alignment.scoring import SCORING_VERSION
from assessments.access import (
    LinkError,
    ResultsNotShared,
    link_results_respondent,
    managed_assessment,
)
from assessments.models import Assessment
from organizations.audit import Action, audit_record

from .models import Report
from .selectors import latest_ready_report, recent_reports
from .services import NothingToReport, download_filename, report_request
from .storage import signed_download_url


def _get_assessment_for_manager(request: HttpRequest, slug: str, code: str) -> Assessment:
    return managed_assessment(request.user, slug, code)


def _is_safe(request: HttpRequest, url: str) -> bool:
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def _file_response(request: HttpRequest, report: Report, *, actor_label: str = ""):
    signed_url = signed_download_url(report.file.name, download_filename(report))
    handle = None
    if signed_url is None:
        try:
            handle = report.file.open("rb")
        except FileNotFoundError:
            raise Http404("The report file is missing.") from None
    audit_record(
        action=Action.REPORT_DOWNLOADED,
        request=request,
        actor_label=actor_label,
        organization=report.assessment.organization,
        target=f"report {report.code} of assessment {report.assessment.code}",
    )
    if signed_url is not None:
        response = HttpResponseRedirect(signed_url)
        response["Cache-Control"] = "private, no-store"
        return response
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_filename(report),
        content_type="application/pdf",
    )
    # A confidential document: never stored by a shared cache or the browser's disk cache.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _status_ctx(assessment: Assessment, back_url: str) -> dict:
    reports = recent_reports(assessment)
    latest = reports[0] if reports else None
    ready = next((r for r in reports if r.is_ready), None)
    return {
        "assessment": assessment,
        "organization": assessment.organization,
        "reports": reports,
        "latest": latest,
        "ready": ready,
        "in_flight": latest is not None and latest.in_flight,
        "has_result": assessment.results.filter(scoring_version=SCORING_VERSION).exists(),
        "back_url": back_url,
    }


@login_required
def report_status(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """The report's state, its download, recent renders and the "render a fresh copy" button."""
    assessment = _get_assessment_for_manager(request, slug, code)
    ctx = _status_ctx(assessment, request.get_full_path())
    return render(request, "reports/report_status.html", ctx)


@login_required
def report_status_fragment(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """The status box alone, for htmx to poll while a render is in flight (and for other
    pages, such as the results page, to include with hx-get)."""
    assessment = _get_assessment_for_manager(request, slug, code)
    # After "render a fresh copy", go back to the page that shows the fragment, not to it.
    back = request.headers.get("HX-Current-URL", "")
    if not _is_safe(request, back):
        back = reverse("reports:status", args=[slug, code])
    return render(request, "reports/_report_status.html", _status_ctx(assessment, back))


@login_required
def report_download(request: HttpRequest, slug: str, code: str) -> FileResponse:
    """The newest ready report of the assessment, as an attachment."""
    assessment = _get_assessment_for_manager(request, slug, code)
    report = latest_ready_report(assessment)
    if report is None:
        raise Http404("No report is ready.")
    return _file_response(request, report)


@login_required
@require_POST
def report_render_request(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """Ask for a fresh render of the current result, then go back where the button was."""
    assessment = _get_assessment_for_manager(request, slug, code)
    try:
        report = report_request(assessment=assessment, fresh=True, requested_by=request.user)
    except NothingToReport:
        messages.error(request, "This assessment has no result yet: there is nothing to report.")
    else:
        if report.is_ready:
            messages.info(request, "The report is ready.")
        else:
            messages.success(request, "A fresh report is being rendered; it takes a few seconds.")
    back = request.POST.get("next", "")
    # A path or an absolute URL of this site only; and never `redirect(back)`, which would
    # take a bare word such as "dk" for a view name and fail with a 500 (NoReverseMatch).
    if not back.startswith(("/", "http://", "https://")) or not _is_safe(request, back):
        back = reverse("reports:status", args=[slug, code])
    return HttpResponseRedirect(back)


def executive_download(request: HttpRequest, token: str) -> FileResponse:
    """The report for the CEO or the CISO through their personal link, once both submitted."""
    try:
        respondent = link_results_respondent(token)
    except (LinkError, ResultsNotShared):
        raise Http404("No report here.") from None
    report = latest_ready_report(respondent.assessment)
    if report is None:
        raise Http404("No report here.")
    label = f"{respondent.get_role_display()} {respondent.email} (personal link)"
    return _file_response(request, report, actor_label=label)
