"""Fixtures of the report tests."""

import http.server
import threading

import pytest

from reports.fetcher import static_url


@pytest.fixture
def http_server():
    """A local HTTP server that redirects everything to a static URL and counts requests."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the stdlib's name
            hits.append(self.path)
            self.send_response(302)
            self.send_header("Location", static_url("reports/report.css"))
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", hits
    finally:
        server.shutdown()
        server.server_close()
