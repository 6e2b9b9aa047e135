"""Keep personal-link tokens out of the logs: a token in a URL is a credential."""

import logging

from config.redaction import REDACTED, redact

__all__ = ["REDACTED", "RedactTokensFilter", "install", "redact"]


class RedactTokensFilter(logging.Filter):
    """Rewrites /r/<token> in a record's message and arguments (Django's request logger
    writes the path of every 4xx/5xx response, the development server every request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        # The message as it will be written: a token split between the format and its
        # arguments ("/%%72/%s", token) only appears once they are put together.
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed call; logging reports it later
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


LOGGERS = (
    "django.request",
    "django.server",
    "django.security.csrf",
    "gunicorn.access",
    "gunicorn.error",
)


def install() -> None:
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokensFilter) for f in logger.filters):
            logger.addFilter(RedactTokensFilter())
