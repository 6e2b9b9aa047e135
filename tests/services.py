"""Checks for the real services some tests need. Outside CI a missing service skips the
test with a one-line reason; with CI=true it fails the run instead."""

import os
import shutil
import socket
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.db import connection

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def missing(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


def _reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=1):
            return True
    except OSError:
        return False


def require_broker() -> str:
    url = os.environ.get("CELERY_BROKER_URL", "")
    if not url:
        missing("needs a Redis broker: set CELERY_BROKER_URL")
    if not _reachable(url):
        missing(f"Redis broker at {url} is not reachable")
    return url


def require_postgres() -> None:
    if connection.vendor != "postgresql":
        missing("needs PostgreSQL: set DATABASE_URL")


def require_chromium() -> str:
    if not (shutil.which(CHROMIUM) or os.path.exists(CHROMIUM)):
        missing(f"needs Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing("needs the playwright package (pip install -r requirements-dev.txt)")
    return CHROMIUM


def require_executable(name: str) -> str:
    path = shutil.which(name)
    if not path:
        missing(f"needs {name} on PATH")
    return path


def broker_url() -> str:
    return settings.CELERY_BROKER_URL
