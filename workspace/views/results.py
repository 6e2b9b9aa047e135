"""The results pages: the consultant's (signed in, through the organisation) and each
executive's (through their personal link, once both have submitted)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from alignment.presentation.model import round_view
from alignment.selectors import submitted_count
from assessments.access import (
    LinkError,
    ResultsNotShared,
    link_results_respondent,
    managed_assessment,
)
from assessments.models import Assessment
from assessments.views.respondent import link_error
from reports.selectors import latest_ready_report


def _results_ctx(assessment: Assessment) -> dict:
    """The round's read model, or None (`page`) when there is no current result yet."""
    view = round_view(assessment)
    return {"page": view if view.scored else None}


@login_required
@require_GET
def results(request: HttpRequest, org_slug: str, code: str) -> HttpResponse:
    assessment = managed_assessment(request.user, org_slug, code)
    organization = assessment.organization
    ctx = {"organization": organization, "assessment": assessment} | _results_ctx(assessment)
    if ctx["page"] is None:
        ctx["submitted"] = submitted_count(assessment)
    return render(request, "workspace/results.html", ctx)


@require_GET
def respondent_results(request: HttpRequest, token: str) -> HttpResponse:
    """The results for an executive, through their link: only once both have submitted
    (before that, 404 with a page that says so: nothing of the other's answers shows)."""
    try:
        respondent = link_results_respondent(token)
        shared = True
    except LinkError as error:
        return link_error(request, error)
    except ResultsNotShared as pending:
        respondent, shared = pending.respondent, False
    assessment = respondent.assessment
    ctx = {
        "respondent": respondent,
        "assessment": assessment,
        "organization": assessment.organization,
        "consultant": assessment.created_by,
    }
    if shared:
        # Their PDF, through the same link (reports:executive_download), once one is ready.
        ctx |= {"token": token, "report": latest_ready_report(assessment)}
        response = render(
            request, "workspace/respondent_results.html", ctx | _results_ctx(assessment)
        )
    else:
        response = render(request, "workspace/respondent_results_pending.html", ctx, status=404)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
