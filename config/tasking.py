"""Sending Celery tasks from web requests and services.

A request must never fail, or hang, because the broker is down: the data it wrote is already
committed, and the beat sweepers find the work that was not enqueued and enqueue it later.
"""

import logging

from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def enqueue(task, *args, _countdown: float | None = None, **kwargs) -> bool:
    """Send `task` now (to run `_countdown` seconds later, if given); on a broker error log
    it and return False instead of raising."""
    try:
        task.apply_async(args=args, kwargs=kwargs, countdown=_countdown)
        return True
    except (OperationalError, ConnectionError, OSError, TimeoutError):
        logger.warning(
            "broker unavailable: %s%r not enqueued; a sweeper will retry", task.name, args
        )
        return False
    except Exception:
        # Only reachable in the in-process mode, where the task runs right here: its failure
        # is the task's (recorded by it, retried by the sweeper), not the request's.
        logger.exception("in-process task %s%r failed", task.name, args)
        return False


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Send `task` once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: enqueue(task, *args, **kwargs))
