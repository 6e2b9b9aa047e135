"""Typed readers for settings that come from the environment.

Every value that differs between machines is read through one of these. A value that
cannot be parsed raises ImproperlyConfigured naming the variable, so a typo in a
deployment fails at start-up with a message that says where to look.
"""

import os
from urllib.parse import urlparse

import environ
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_UNSET = object()


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return None if value is None else value.strip()


def _bad(name: str, value: str, expected: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"Environment variable {name}={value!r} is not {expected}.")


def _missing(name: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"Environment variable {name} is required but not set.")


def env_str(name: str, default=_UNSET) -> str:
    value = _raw(name)
    if value is None or value == "":
        if default is _UNSET:
            raise _missing(name)
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise _bad(name, value, "a boolean (true/false, 1/0, yes/no, on/off)")


def env_int(name: str, default=_UNSET, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None or value == "":
        if default is _UNSET:
            raise _missing(name)
        return default
    try:
        number = int(value)
    except ValueError:
        raise _bad(name, value, "an integer") from None
    if minimum is not None and number < minimum:
        raise _bad(name, value, f"an integer >= {minimum}")
    return number


def env_list(name: str, default=_UNSET) -> list[str]:
    value = _raw(name)
    if value is None or value == "":
        if default is _UNSET:
            raise _missing(name)
        return list(default)
    return [part.strip() for part in value.split(",") if part.strip()]


def env_choice(name: str, choices: tuple[str, ...], default: str) -> str:
    value = env_str(name, default)
    if value not in choices:
        raise _bad(name, value, "one of " + ", ".join(choices))
    return value


def env_database_url(name: str = "DATABASE_URL") -> dict | None:
    """Django DATABASES entry from a URL such as postgres://user@host:5432/db, or None."""
    value = _raw(name)
    if not value:
        return None
    if urlparse(value).scheme not in {"postgres", "postgresql", "pgsql", "sqlite"}:
        raise _bad(name, value, "a postgres:// or sqlite:// URL")
    try:
        return environ.Env.db_url_config(value)
    except Exception as error:  # environ raises several types for malformed URLs
        raise _bad(name, value, f"a valid database URL ({error})") from None


def env_redis_url(name: str, default=_UNSET) -> str:
    value = env_str(name, default)
    if value and urlparse(value).scheme not in {"redis", "rediss", "memory"}:
        raise _bad(name, value, "a redis:// URL")
    return value


def env_email_url(name: str = "EMAIL_URL") -> dict | None:
    """Email settings from smtp://user:password@host:port (smtp+tls:// for STARTTLS)."""
    value = _raw(name)
    if not value:
        return None
    if urlparse(value).scheme not in {"smtp", "smtps", "smtp+tls", "smtp+ssl", "consolemail"}:
        raise _bad(name, value, "an smtp://, smtp+tls:// or smtps:// URL")
    try:
        return environ.Env.email_url_config(value)
    except Exception as error:
        raise _bad(name, value, f"a valid email URL ({error})") from None


def refuse_weak_secret_key(secret_key: str) -> None:
    """With DEBUG off the app is being served to someone: the committed development key (or
    any short one) would let anyone who has read the repository forge sessions and reset links."""
    if len(secret_key) < 50 or secret_key.startswith("dev-insecure"):
        raise ImproperlyConfigured(
            "Environment variable SECRET_KEY must be a random string of at least 50 characters "
            "when DEBUG is off (the development key is refused)."
        )


def env_oidc_providers(name: str = "PARLEY_OIDC_PROVIDERS") -> list[dict]:
    """Single sign-on providers: PARLEY_OIDC_PROVIDERS names them (e.g. "corp,partner"), and
    each has OIDC_<NAME>_ISSUER, OIDC_<NAME>_CLIENT_ID, OIDC_<NAME>_CLIENT_SECRET and an
    optional OIDC_<NAME>_LABEL (the button's words). As django-allauth's APPS entries."""
    providers = []
    for provider_id in env_list(name, []):
        if not provider_id.replace("-", "").isalnum():
            raise _bad(name, provider_id, "a list of names of letters, digits and hyphens")
        prefix = f"OIDC_{provider_id.upper().replace('-', '_')}_"
        issuer = env_str(prefix + "ISSUER")
        if urlparse(issuer).scheme not in {"https", "http"}:
            raise _bad(prefix + "ISSUER", issuer, "an https:// URL")
        providers.append(
            {
                "provider_id": provider_id,
                "name": env_str(prefix + "LABEL", provider_id),
                "client_id": env_str(prefix + "CLIENT_ID"),
                "secret": env_str(prefix + "CLIENT_SECRET"),
                "settings": {"server_url": issuer, "oauth_pkce_enabled": True},
            }
        )
    return providers
