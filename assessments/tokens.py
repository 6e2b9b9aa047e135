"""Personal-link tokens: 256 random bits in the URL, only their SHA-256 in the database."""

import hashlib
import re
import secrets

TOKEN_BYTES = 32  # 256 bits
# secrets.token_urlsafe(32) is 43 characters of the URL-safe base64 alphabet.
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def looks_like_token(raw: str) -> bool:
    """Cheap shape check, so a mangled link does not cost a database query."""
    return bool(_TOKEN_SHAPE.match(raw or ""))
