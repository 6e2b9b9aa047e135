"""Rate limits on account requests (password reset, sign-in), counted in Django's cache.

The cache is Redis when a broker is configured (every web process counts together), the
process's memory otherwise (the embedded default has one process). Counts are per fixed
window: simple, and at most twice the limit across a window's edge, which is enough to
stop a script while never troubling a person. django-axes still locks an (email, address)
pair after repeated failures; these limits bound what one address can do across emails.
"""

import hashlib
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger("parley.ratelimit")


@dataclass(frozen=True)
class Limit:
    scope: str  # e.g. "password-reset-ip"
    count: int  # requests allowed per window
    seconds: int  # the window

    @property
    def minutes(self) -> int:
        return max(1, round(self.seconds / 60))


def limit_from_settings(scope: str, setting: str) -> Limit:
    return Limit(scope, getattr(settings, setting), settings.RATE_LIMIT_WINDOW_SECONDS)


def _key(limit: Limit, subject: str, now: float) -> str:
    # Hashed: the cache holds no email address or IP in clear.
    digest = hashlib.sha256(subject.encode("utf-8")).hexdigest()[:32]
    return f"ratelimit:{limit.scope}:{digest}:{int(now // limit.seconds)}"


def rate_limit_exceeded(*, limit: Limit, subject: str | None) -> bool:
    """Count one request of `subject` (an address, an email) and say whether it goes past
    the limit. A cache that cannot be reached lets the request through (logged): an outage
    of Redis must not lock everyone out of their account."""
    if not subject:
        return False
    key = _key(limit, subject, time.time())
    try:
        cache.add(key, 0, timeout=limit.seconds)
        count = cache.incr(key)
    except Exception:  # any backend's connection error; the request proceeds
        logger.warning("rate limit %s not counted: cache unavailable", limit.scope)
        return False
    if count == limit.count + 1:
        logger.warning("rate limit %s reached", limit.scope)
    return count > limit.count
