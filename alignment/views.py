"""The results pages: the consultant's (signed in, through the organisation) and each
executive's (through their personal link, once both have submitted)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from assessments.errors import LinkError
from assessments.models import Assessment
from assessments.selectors import both_submitted, respondent_for_token
from assessments.views.respondent import link_error

from .display import results_page
from .selectors import current_result, questions_by_code, submitted_count
from .workshop.access import manager_assessment


def _results_ctx(assessment: Assessment) -> dict:
    """The result's figures, or None (`page`) when there is no current result yet."""
    result = current_result(assessment)
    if result is None:
        return {"page": None}
    result.assessment = assessment
    return {"page": results_page(result, questions_by_code(assessment.questionnaire_id))}


@login_required
@require_GET
def results(request: HttpRequest, org_slug: str, code: str) -> HttpResponse:
    assessment = manager_assessment(request.user, org_slug, code)
    organization = assessment.organization
    ctx = {"organization": organization, "assessment": assessment} | _results_ctx(assessment)
    if ctx["page"] is None:
        ctx["submitted"] = submitted_count(assessment)
    return render(request, "alignment/results.html", ctx)


@never_cache
@require_GET
def respondent_results(request: HttpRequest, token: str) -> HttpResponse:
    """The results for an executive, through their link: only once both have submitted
    (before that, 404 with a page that says so: nothing of the other's answers shows)."""
    try:
        respondent = respondent_for_token(token)
    except LinkError as error:
        return link_error(request, error)
    assessment = respondent.assessment
    ctx = {
        "respondent": respondent,
        "assessment": assessment,
        "organization": assessment.organization,
        "consultant": assessment.created_by,
    }
    if both_submitted(assessment):
        response = render(
            request, "alignment/respondent_results.html", ctx | _results_ctx(assessment)
        )
    else:
        response = render(request, "alignment/respondent_results_pending.html", ctx, status=404)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
