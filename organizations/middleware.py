"""Session limits, required multi-factor sign-in, the audit of denied access, and the
Content-Security-Policy header."""

import functools
import time

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import Http404
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext

from .audit import Action, audit_record
from .mfa import mfa_required, session_satisfies_mfa

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
        # Without a session cookie nobody is signed in: the respondents' questionnaire (most
        # of the traffic) then costs neither a session load nor a `Vary: Cookie`.
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
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
            return gettext(
                "You were signed out after a period of inactivity. Please sign in again."
            )
        if now - signed_in_at > settings.SESSION_COOKIE_AGE:
            return gettext("Your session has reached its maximum length. Please sign in again.")
        if now - last_seen >= _REFRESH_SECONDS or LAST_SEEN not in session:
            session[LAST_SEEN] = now
        return None


class UserLanguageMiddleware:
    """Activates a signed-in user's chosen interface language (User.language); without one,
    LocaleMiddleware's choice from the browser stands. The user is loaded only when a
    session cookie came (as for the session limits), so it adds no query to the
    respondents' pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
            language = getattr(request.user, "language", "")
            if language and translation.check_for_language(language):
                translation.activate(language)
                request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


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


# What a view can set on its response to change the policy (django-csp's decorators).
_PER_RESPONSE = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)
_POLICY_SETTINGS = ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY")


@functools.cache
def _settings_policies() -> tuple[tuple[str, str, str], ...] | None:
    """(header, exemption attribute, value) of the policies in the settings, built once; None
    when URL prefixes are excluded (left to django-csp)."""
    if any(
        (getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES")
        for name in _POLICY_SETTINGS
    ):
        return None
    return (
        (HEADER, "_csp_exempt", build_policy()),
        (HEADER_REPORT_ONLY, "_csp_exempt_ro", build_policy(report_only=True)),
    )


@receiver(setting_changed)
def _policy_changed(*, setting, **kwargs):
    if setting in _POLICY_SETTINGS:
        _settings_policies.cache_clear()


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp's middleware, without rebuilding the same header for every response.

    django-csp builds the policy string from the settings on every response (about 30 µs,
    some 5% of an autosave). A response that brings no policy of its own (no @csp_update,
    @csp_replace or @csp decorator) to a request that used no nonce gets exactly what
    django-csp would build from the settings; that string is built once (again when a policy
    setting changes, as in tests). Everything else - nonces, decorated views, DEBUG, excluded
    prefixes - goes through django-csp itself.
    """

    def process_response(self, request, response):
        policies = _settings_policies()
        if (
            policies is None
            or settings.DEBUG
            or getattr(request, "_csp_nonce", None) is not None
            or any(getattr(response, name, None) is not None for name in _PER_RESPONSE)
        ):
            return super().process_response(request, response)
        for header, exempt, value in policies:
            if value and header not in response and not getattr(response, exempt, False):
                response[header] = value
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


class RequireMFAMiddleware:
    """Where multi-factor sign-in is required (PARLEY_REQUIRE_MFA), a signed-in user whose
    session does not satisfy it (organizations.mfa) is sent to add a second factor before
    any other page: only the account pages (enrolment, sign-out, sessions) stay open."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.open_prefixes = (
            "/accounts/",
            "/r/",
            "/healthz",
            "/" + settings.STATIC_URL.lstrip("/"),
        )

    def __call__(self, request):
        if (
            settings.PARLEY_REQUIRE_MFA
            and settings.SESSION_COOKIE_NAME in request.COOKIES
            and request.user.is_authenticated
            and not request.path.startswith(self.open_prefixes)
            and mfa_required(request.user)
            and not session_satisfies_mfa(request)
        ):
            messages.warning(
                request,
                gettext(
                    "Parley requires a second factor for every account. Add an authenticator "
                    "app or a security key to continue."
                ),
            )
            return redirect("mfa_index")
        return self.get_response(request)
