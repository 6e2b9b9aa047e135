"""The privacy page and the "download my data" file, both behind the personal link."""

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from organizations.audit import Action, audit_record

from ..models import Respondent
from ..privacy import privacy_ctx, respondent_data
from .respondent import _base_ctx as base_ctx  # the same context as every link page
from .respondent import respondent_view


@require_GET
@respondent_view
def privacy(request: HttpRequest, respondent: Respondent, token: str) -> HttpResponse:
    """The full privacy notice: what is collected, who sees it, where and for how long."""
    ctx = base_ctx(respondent, token) | privacy_ctx(respondent)
    return render(request, "assessments/respond/privacy.html", ctx)


@require_GET
@respondent_view
def my_data(request: HttpRequest, respondent: Respondent, token: str) -> HttpResponse:
    """Everything Parley holds about this executive, as a JSON attachment."""
    document = respondent_data(respondent)
    role = respondent.get_role_display()
    audit_record(
        action=Action.DATA_DOWNLOADED,
        request=request,
        actor_label=f"{role} (invitation link)",
        organization=respondent.assessment.organization,
        target=f"{role} {respondent.email}, assessment {respondent.assessment.code}",
    )
    response = HttpResponse(
        json.dumps(document, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    filename = f"parley-my-data-{respondent.assessment.code}-{respondent.role}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
