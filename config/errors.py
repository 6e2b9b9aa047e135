"""Error pages that need more than a template: the CSRF failure (CSRF_FAILURE_VIEW).

A respondent who leaves the questionnaire open for a long time, or signs in elsewhere in
the same browser, can post with a token that no longer matches: they get a page (or, for
the autosave, a JSON message its script shows) telling them to reload, not Django's
developer-facing explanation. Status 403 either way; Django's CSRF middleware has already
logged the reason (logger django.security.csrf).
"""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

EXPIRED = _("This page has expired, so what you sent was not saved. Reload the page and try again.")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"error": str(EXPIRED)}, status=403)
    return render(request, "403_csrf.html", {"message": EXPIRED}, status=403)
