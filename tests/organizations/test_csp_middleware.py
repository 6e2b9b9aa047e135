"""organizations.middleware.CSPMiddleware sends exactly the headers django-csp's would, while
building the settings' policy once instead of on every response."""

import pytest
from csp import middleware as csp_middleware
from csp.constants import NONCE, SELF
from csp.decorators import csp_exempt, csp_replace, csp_update
from csp.exceptions import CSPNonceError
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory

from organizations import middleware
from organizations.middleware import CSPMiddleware

HEADERS = ("Content-Security-Policy", "Content-Security-Policy-Report-Only")


def plain(request):
    return HttpResponse("ok")


@csp_update({"img-src": ["https://img.example"]})
def updated(request):
    return HttpResponse("ok")


@csp_replace({"script-src": ["https://cdn.example"]})
def replaced(request):
    return HttpResponse("ok")


@csp_exempt()
def exempt(request):
    return HttpResponse("ok")


def with_nonce(request):
    return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")


def _headers(middleware_class, view, nonce=None):
    request = RequestFactory().get("/somewhere/")
    if nonce is not None:
        request._csp_nonce = nonce  # as django-csp stores the nonce it made
    response = middleware_class(view)(request)
    return {name: response.get(name) for name in HEADERS}, request


@pytest.mark.parametrize("view", [plain, updated, replaced, exempt])
def test_the_headers_are_django_csps(view):
    ours, _ = _headers(CSPMiddleware, view)
    theirs, _ = _headers(DjangoCSPMiddleware, view)
    assert ours == theirs
    if view is not exempt:
        assert "default-src 'self'" in ours["Content-Security-Policy"]


def test_a_nonce_used_by_the_page_is_in_the_header(settings):
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {**directives, "script-src": [SELF, NONCE]}}
    ours, request = _headers(CSPMiddleware, with_nonce)
    assert f"'nonce-{request._csp_nonce}'" in ours["Content-Security-Policy"]
    theirs, _ = _headers(DjangoCSPMiddleware, with_nonce, nonce=request._csp_nonce)
    assert ours == theirs


def test_a_nonce_asked_for_after_the_header_is_written_is_refused():
    _, request = _headers(CSPMiddleware, plain)
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)


def test_a_changed_policy_setting_is_followed(settings):
    before, _ = _headers(CSPMiddleware, plain)
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"img-src": [SELF]}}
    after, _ = _headers(CSPMiddleware, plain)
    assert after != before
    assert after == _headers(DjangoCSPMiddleware, plain)[0]
    assert after["Content-Security-Policy"] == "default-src 'none'"
    assert "img-src 'self'" in after["Content-Security-Policy-Report-Only"]


def test_the_policy_is_built_once(monkeypatch):
    first, _ = _headers(CSPMiddleware, plain)
    calls = []
    for module in (middleware, csp_middleware):  # ours, and django-csp's own
        monkeypatch.setattr(module, "build_policy", lambda **kw: calls.append(kw) or "x")
    assert _headers(CSPMiddleware, plain)[0] == first
    assert _headers(CSPMiddleware, plain)[0] == first
    assert calls == []
