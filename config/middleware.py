"""Requests that no page of Parley produces, refused before any view runs; and the caching
rule of every page."""

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers
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
