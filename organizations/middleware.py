"""Session limits and the audit of denied access."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404

from .audit import Action, audit_record

LAST_SEEN = "parley_last_seen"
SIGNED_IN_AT = "parley_signed_in_at"
# Writing the session on every request would cost a query each time: refresh once a minute.
_REFRESH_SECONDS = 60


class SessionLimitsMiddleware:
    """Ends a signed-in session after SESSION_IDLE_SECONDS without a request, and in any case
    SESSION_COOKIE_AGE after signing in (the cookie's own expiry slides with activity)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            expired = self._expired(request)
            if expired:
                logout(request)
                messages.info(request, expired)
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)

    def _expired(self, request) -> str | None:
        now = time.time()
        session = request.session
        signed_in_at = session.setdefault(SIGNED_IN_AT, now)
        last_seen = session.get(LAST_SEEN, now)
        if now - last_seen > settings.SESSION_IDLE_SECONDS:
            return "You were signed out after a period of inactivity. Please sign in again."
        if now - signed_in_at > settings.SESSION_COOKIE_AGE:
            return "Your session has reached its maximum length. Please sign in again."
        if now - last_seen >= _REFRESH_SECONDS or LAST_SEEN not in session:
            session[LAST_SEEN] = now
        return None


class AuditDeniedAccessMiddleware:
    """Records a signed-in user's request for an object they may not see (404 or 403 raised
    by the tenancy checks), so probing another organisation's data leaves a trace."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Http404 | PermissionDenied) and request.user.is_authenticated:
            audit_record(action=Action.ACCESS_DENIED, request=request, target=request.path)
        return None
