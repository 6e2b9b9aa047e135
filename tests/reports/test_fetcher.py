"""The renderer's URL fetcher serves the app's static files and data: URIs, and nothing else."""

import base64

import pytest

from reports.fetcher import STATIC_ORIGIN, RefusedURL, ReportURLFetcher, static_url
from reports.rendering import html_to_pdf
from tests.reports import pdftools


@pytest.fixture
def fetcher():
    return ReportURLFetcher()


def _read(response) -> bytes:
    try:
        return response.read()
    finally:
        response.close()


def test_it_serves_the_reports_stylesheet(fetcher):
    response = fetcher.fetch(static_url("reports/report.css"))
    assert response.content_type == "text/css"
    assert b"@page" in _read(response)


def test_it_serves_a_vendored_font(fetcher):
    url = static_url("fonts/source-sans-3/source-sans-3-latin-400-normal.ttf")
    response = fetcher.fetch(url)
    assert response.content_type == "font/ttf"
    assert _read(response)[:4] == b"\x00\x01\x00\x00"  # a TrueType font


def test_it_decodes_base64_and_percent_encoded_data_uris(fetcher):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"/>'
    encoded = base64.b64encode(svg).decode()
    response = fetcher.fetch(f"data:image/svg+xml;base64,{encoded}")
    assert response.content_type == "image/svg+xml"
    assert _read(response) == svg
    assert _read(fetcher.fetch("data:text/plain,caf%C3%A9")) == "café".encode()


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "file://localhost/etc/passwd",
        "http://127.0.0.1:1/x",
        "https://example.com/logo.png",
        "ftp://example.com/x",
        "javascript:alert(1)",
        # The static path on any other origin, or the static origin over another scheme.
        "https://evil.example/static/reports/report.css",
        "http://parley-static.invalid/static/reports/report.css",
        # Inside the static origin, only existing static files under /static/.
        f"{STATIC_ORIGIN}/etc/passwd",
        f"{STATIC_ORIGIN}/static/../../../../etc/passwd",
        f"{STATIC_ORIGIN}/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        f"{STATIC_ORIGIN}/static//etc/passwd",
        f"{STATIC_ORIGIN}/static/reports/no-such-file.css",
        f"{STATIC_ORIGIN}/static/",
    ],
)
def test_it_refuses_everything_else(fetcher, url):
    with pytest.raises(RefusedURL):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_it_never_reaches_the_network_so_never_follows_a_redirect(fetcher, http_server):
    base, hits = http_server
    for url in (f"{base}/redirect", base.replace("http:", "https:") + "/x"):
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)
    assert hits == [], "the fetcher made a network request"


def test_weasyprint_loads_through_it_and_gets_nothing_from_outside(http_server):
    # Markup that bypasses the templates' escaping, straight into the renderer.
    base, hits = http_server
    html = f"""<html><head><title>t</title>
      <link rel="attachment" href="file:///etc/passwd">
      <link rel="stylesheet" href="{base}/style.css">
      <style>@import url({base}/imported.css);</style></head>
      <body><img src="file:///etc/passwd" alt="x"><img src="{base}/img.png" alt="y">
      <p>plain text</p></body></html>"""
    pdf, pages, refused = html_to_pdf(html)
    assert pages == 1
    assert hits == []
    assert "file:///etc/passwd" in refused
    assert any(url.startswith(base) for url in refused)
    assert b"root:x:0:0" not in pdf
    assert pdftools.attachments(pdf) == "0 embedded files"
