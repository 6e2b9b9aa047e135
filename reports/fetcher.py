"""The only way WeasyPrint may load anything while it renders a report.

WeasyPrint's default fetcher follows any URL: ``file:///etc/passwd`` would be read into the
document (or attached to it), ``http://`` would reach the network from the worker. This one
makes no network request and opens no file outside the app's static files:

* ``https://parley-static.invalid/static/<path>``, the origin the report templates use for
  their stylesheet and fonts (``.invalid`` is reserved by RFC 2606 and never resolves), is
  served from the staticfiles finders (or STATIC_ROOT), read as bytes;
* ``data:`` URIs (the charts) are decoded in memory;
* anything else is refused: ``file:``, ``http:``, ``https:`` to any other host, ``ftp:``,
  ``javascript:``, paths that climb out of the static folders. Nothing is ever redirected,
  because nothing is ever requested.

A refused URL raises ``RefusedURL``; WeasyPrint logs it and renders without the resource.
Every refusal is also kept in ``fetcher.refused`` so that tests and logs can see it.
"""

import base64
import logging
import mimetypes
import posixpath
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.utils._os import safe_join
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

STATIC_ORIGIN = "https://parley-static.invalid"
STATIC_PREFIX = "/static/"
MAX_DATA_URI_BYTES = 5 * 1024 * 1024

mimetypes.add_type("font/ttf", ".ttf")
mimetypes.add_type("font/woff2", ".woff2")


class RefusedURL(ValueError):
    """The report may not load this URL."""


def static_url(path: str) -> str:
    """The URL a report template uses for one of the app's static files."""
    return f"{STATIC_ORIGIN}{STATIC_PREFIX}{path.lstrip('/')}"


def _static_file(relative: str) -> Path:
    """The file behind a static path, found like `collectstatic` finds it, or RefusedURL."""
    parts = relative.split("/")
    if not relative or any(part in ("", ".", "..") for part in parts) or "\\" in relative:
        raise RefusedURL(f"not a plain static path: {relative!r}")
    found = finders.find(relative)
    if found is None and settings.STATIC_ROOT:
        try:
            candidate = Path(safe_join(str(settings.STATIC_ROOT), relative))
        except SuspiciousFileOperation as exc:
            raise RefusedURL(str(exc)) from None
        found = str(candidate) if candidate.is_file() else None
    if not found or not Path(found).is_file():
        raise RefusedURL(f"no such static file: {relative!r}")
    return Path(found)


def _decode_data_uri(url: str) -> tuple[bytes, str]:
    """(body, media type) of a ``data:`` URI (RFC 2397)."""
    header, sep, payload = url[len("data:") :].partition(",")
    if not sep:
        raise RefusedURL("malformed data: URI")
    params = header.split(";")
    is_base64 = params[-1].strip().lower() == "base64"
    if is_base64:
        params = params[:-1]
    media_type = params[0].strip() or "text/plain"
    if is_base64:
        body = base64.b64decode(unquote(payload), validate=False)
    else:
        body = unquote_to_bytes(payload)
    if len(body) > MAX_DATA_URI_BYTES:
        raise RefusedURL("data: URI too large")
    return body, media_type


class ReportURLFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves static files and data: URIs, and nothing else."""

    def __init__(self):
        # No handlers are used (fetch never calls urllib), but WeasyPrint expects the class.
        super().__init__(allowed_protocols=(), allow_redirects=False, fail_on_errors=False)
        self.refused: list[str] = []
        self.served: list[str] = []

    def fetch(self, url, headers=None):
        try:
            response = self._serve(url)
        except RefusedURL as exc:
            self.refused.append(url)
            logger.warning("report renderer refused %.200s (%s)", url, exc)
            raise
        self.served.append(url if not url.startswith("data:") else "data:…")
        return response

    def open(self, url, data=None, timeout=None):
        return self.fetch(getattr(url, "full_url", url))

    def _serve(self, url: str) -> URLFetcherResponse:
        if not isinstance(url, str):
            raise RefusedURL("not a URL")
        if url[:5].lower() == "data:":
            body, media_type = _decode_data_uri(url)
            return URLFetcherResponse(url, body, {"Content-Type": media_type})
        parts = urlsplit(url)
        origin = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
        if origin != STATIC_ORIGIN or not parts.path.startswith(STATIC_PREFIX):
            raise RefusedURL("only the app's static files and data: URIs may be loaded")
        relative = unquote(parts.path[len(STATIC_PREFIX) :])
        if posixpath.normpath("/" + relative) != "/" + relative:
            raise RefusedURL(f"not a plain static path: {relative!r}")
        path = _static_file(relative)
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        headers = {"Content-Type": media_type}
        if media_type == "text/css":
            headers["Content-Type"] = "text/css; charset=utf-8"
        return URLFetcherResponse(url, path.read_bytes(), headers)
