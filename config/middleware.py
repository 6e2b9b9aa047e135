"""Requests that no page of Parley produces, refused before any view runs."""

from django.http import HttpRequest, HttpResponse
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
