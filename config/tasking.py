"""Sending Celery tasks from web requests and services.

A request must never fail, or hang, because the broker is down: the data it wrote is already
committed, and the beat sweepers find the work that was not enqueued and enqueue it later.
"""

import logging
from dataclasses import dataclass

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


@dataclass
class Sends:
    """What became of the tasks enqueued on a caller's behalf, filled in as each send is
    tried (on commit): so a page or a command can say what happened, not what should have.

    A hand-off (config.handoffs) carries one from the sender to the receivers, which pass it
    to enqueue_on_commit; the caller reads it once its transaction has committed."""

    tried: int = 0
    failed: int = 0

    def record(self, sent: bool) -> None:
        self.tried += 1
        self.failed += not sent


def enqueue_on_commit(task, *args, report_to: Sends | None = None, **kwargs) -> None:
    """Send `task` once the current transaction commits (at once outside a transaction);
    `report_to`, when given, records whether the send succeeded."""

    def send() -> None:
        sent = enqueue(task, *args, **kwargs)
        if report_to is not None:
            report_to.record(sent)

    transaction.on_commit(send)
