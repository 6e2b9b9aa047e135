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
from django.utils.translation import gettext
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

from .forms import RenderForm
from .models import Report
from .selectors import assessment_report, latest_ready_report, recent_reports
from .services import NothingToReport, download_filename, report_request
from .storage import signed_download_url

# The report page lists this many renders, newest first (the status box reads 5).
RENDERS_LISTED = 12


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
            raise Http404(gettext("The report file is missing.")) from None
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


def _status_ctx(assessment: Assessment, back_url: str, *, limit: int = 5) -> dict:
    """The status box's context: `latest` is the newest render of any pack; `ready` the
    newest ready full report (what "Download the PDF" and the executives' links serve)."""
    reports = recent_reports(assessment, limit=limit)
    latest = reports[0] if reports else None
    ready = next((r for r in reports if r.is_ready and r.pack == Report.Pack.FULL), None)
    return {
        "assessment": assessment,
        "organization": assessment.organization,
        "reports": reports,
        "latest": latest,
        "ready": ready,
        "in_flight": latest is not None and latest.in_flight,
        "has_result": assessment.results.filter(scoring_version=SCORING_VERSION).exists(),
        "back_url": back_url,
        "form": RenderForm(organization=assessment.organization),
    }


@login_required
def report_status(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """The report's state, its download, the choice of pack, language and comments for a new
    render, and the renders made so far (each with its options and its own download)."""
    assessment = _get_assessment_for_manager(request, slug, code)
    ctx = _status_ctx(assessment, request.get_full_path(), limit=RENDERS_LISTED)
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
    """The newest ready full report of the assessment, or with ?report=<code> that render
    (any pack of this assessment's), as an attachment."""
    assessment = _get_assessment_for_manager(request, slug, code)
    wanted = request.GET.get("report", "")
    report = assessment_report(assessment, wanted) if wanted else latest_ready_report(assessment)
    if report is None or not report.is_ready:
        raise Http404(gettext("No report is ready."))
    return _file_response(request, report)


@login_required
@require_POST
def report_render_request(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """Ask for a fresh render of the current result with the options chosen (the full report
    with its defaults when none are posted), then go back where the button was."""
    assessment = _get_assessment_for_manager(request, slug, code)
    form = RenderForm(request.POST, organization=assessment.organization)
    if not form.is_valid():
        messages.error(
            request, gettext("Choose a pack, a language and the comments from the lists offered.")
        )
    else:
        _request_render(request, assessment, form)
    back = request.POST.get("next", "")
    # A path or an absolute URL of this site only; and never `redirect(back)`, which would
    # take a bare word such as "dk" for a view name and fail with a 500 (NoReverseMatch).
    if not back.startswith(("/", "http://", "https://")) or not _is_safe(request, back):
        back = reverse("reports:status", args=[slug, code])
    return HttpResponseRedirect(back)


def _request_render(request: HttpRequest, assessment: Assessment, form: RenderForm) -> None:
    try:
        report = report_request(
            assessment=assessment,
            fresh=True,
            requested_by=request.user,
            options=form.options(),
        )
    except NothingToReport:
        messages.error(
            request, gettext("This assessment has no result yet: there is nothing to report.")
        )
    else:
        name = report.get_pack_display()
        if report.is_ready:
            messages.info(request, gettext("Ready: %(pack)s.") % {"pack": name})
        else:
            messages.success(
                request,
                gettext("Rendering: %(pack)s. It takes a few seconds.") % {"pack": name},
            )


def executive_download(request: HttpRequest, token: str) -> FileResponse:
    """The report for the CEO or the CISO through their personal link, once both submitted."""
    try:
        respondent = link_results_respondent(token)
    except (LinkError, ResultsNotShared):
        raise Http404(gettext("No report here.")) from None
    report = latest_ready_report(respondent.assessment)
    if report is None:
        raise Http404(gettext("No report here."))
    label = f"{respondent.get_role_display()} {respondent.email} (personal link)"
    return _file_response(request, report, actor_label=label)
