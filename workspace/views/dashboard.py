"""The consultant's dashboard: their client organisations and each one's rounds."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from workspace.dashboard import STATUSES, consultant_dashboard


@login_required
def organization_list(request: HttpRequest) -> HttpResponse:
    """Their client organisations, each with its rounds (status, each executive's progress,
    index and band, trend, last activity); search by name, filter by round status, paginated.
    Built by workspace.dashboard in a fixed number of queries."""
    dashboard = consultant_dashboard(
        request.user,
        query=request.GET.get("q", ""),
        status=request.GET.get("status", ""),
        page=request.GET.get("page"),
    )
    ctx = {"dashboard": dashboard, "statuses": STATUSES}
    return render(request, "workspace/dashboard.html", ctx)
