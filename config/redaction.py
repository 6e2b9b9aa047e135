"""Keep personal-link tokens out of every log line and audit record: a token in a URL is a
credential (whoever reads it can answer as the executive).

A path is matched however it was spelled on the wire: `/r/<token>`, and the same with any
character percent-encoded (`/r/%41bc…`, `/%72/…`, `%2Fr%2F…`), since the development
server and gunicorn log the request line as received while Django logs the decoded path.
"""

import re

_SLASH = r"(?:/|%2f)"
_TOKEN_IN_PATH = re.compile(
    _SLASH + r"(?:r|%72)" + _SLASH + r"(?:[A-Za-z0-9_-]|%[0-9a-f]{2})+", re.IGNORECASE
)
REDACTED = "/r/[token]"


def redact(text: str) -> str:
    """`text` with every personal-link path's token replaced by [token]."""
    return _TOKEN_IN_PATH.sub(REDACTED, text)
