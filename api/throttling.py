"""Throttling per token (per user for the browsable docs' session), counted in the Django
cache, which is Redis whenever a broker URL is configured, so every web process shares the
count. A 429 carries Retry-After."""

import logging

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from .access import token_of

logger = logging.getLogger(__name__)


class TokenRateThrottle(SimpleRateThrottle):
    scope = "api"

    def get_rate(self):
        return settings.PARLEY_API_THROTTLE_RATE

    def get_cache_key(self, request, view):
        token = token_of(request)
        if token is not None:
            ident = token.prefix
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return f"parley-throttle-{self.scope}-{ident}"

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception:  # a cache outage must not take the API down with it
            logger.warning("API throttle cache unavailable; request allowed", exc_info=True)
            return True
