"""Keep personal-link tokens out of the logs: a token in a URL is a credential."""

import logging
import re

_TOKEN_IN_PATH = re.compile(r"/r/[A-Za-z0-9_-]+")
REDACTED = "/r/[token]"


def redact(text: str) -> str:
    return _TOKEN_IN_PATH.sub(REDACTED, text)


class RedactTokensFilter(logging.Filter):
    """Rewrites /r/<token> in a record's message and arguments (Django's request logger
    writes the path of every 4xx/5xx response, the development server every request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_clean(a) for a in record.args)
        elif isinstance(record.args, dict):  # gunicorn's access log passes its atoms
            record.args = {key: _clean(value) for key, value in record.args.items()}
        return True


def _clean(value):
    return redact(value) if isinstance(value, str) else value


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
