"""/healthz: is the database reachable, is the broker reachable. JSON, 200 or 503."""

import logging

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

logger = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("healthz: database unreachable")
        return False


def _broker_status() -> str:
    """ "ok", "unreachable", or "in-process" in the embedded mode that has no broker."""
    url = settings.CELERY_BROKER_URL
    if url.startswith("memory"):
        return "in-process"
    try:
        # Socket timeouts too: a frozen Redis must not hold a web worker on a probe.
        options = {"socket_timeout": 2, "socket_connect_timeout": 2}
        with Connection(url, connect_timeout=2, transport_options=options) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception:
        logger.warning("healthz: broker unreachable", exc_info=True)
        return "unreachable"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    database = "ok" if _database_ok() else "unreachable"
    broker = _broker_status()
    healthy = database == "ok" and broker != "unreachable"
    body = {"status": "ok" if healthy else "error", "database": database, "broker": broker}
    if settings.DEBUG:
        body["database_engine"] = connection.vendor
    return JsonResponse(body, status=200 if healthy else 503)
