"""Requests that no page of Parley produces, refused before any view runs; the caching rule
of every page; and the language of every request."""

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.views.defaults import bad_request


class RejectNullCharactersMiddleware:
    """A NUL character in the path or the query string (`%00`) gets the 400 page.

    No link or form of Parley produces one, and PostgreSQL can neither store nor compare it
    (the driver raises ValueError): a crafted `/organisations/x/assessments/%00/` or `?q=%00`
    would otherwise end in a 500 wherever the value reaches a query, down to the audit record
    of a denied request. Posted fields are covered elsewhere: Django's forms refuse NUL, and
    the answer service refuses it in comments.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in query or "\x00" in query:
            return bad_request(request, exception=None)
        return self.get_response(request)


class NoStoreMiddleware:
    """Every page Parley renders is private: answers, comments, scores, gap maps, the members
    of an organisation. None may be kept by the browser's cache or a proxy (the back button
    on a shared computer would show the executives' answers after sign-out), so a response
    without its own Cache-Control gets `no-store` (with Django's never-cache headers).

    One rule for all views rather than a decorator on each, so a page added later cannot
    forget it. Static files are served by WhiteNoise, placed before this middleware, with
    their own long-lived caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


class LanguageMiddleware:
    """Django's LocaleMiddleware for a site whose URLs carry no language prefix (Parley uses
    no i18n_patterns): the language cookie or the browser's Accept-Language chooses the
    language (translation.get_language_from_request), the response says which and varies on
    Accept-Language. LocaleMiddleware does the same and, on every request, also looks for a
    language in the path and for i18n_patterns in the URLconf, work this site never needs
    (a few hundredths of a millisecond of the cheapest request's 0.4 in-process). Should
    i18n_patterns ever be used, go back to LocaleMiddleware.
    organizations.middleware.UserLanguageMiddleware then applies a signed-in user's own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        translation.activate(translation.get_language_from_request(request))
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
