"""Production settings: everything from the environment, secure by default.

Refuses to start without SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL, and without
CELERY_BROKER_URL: in production nothing heavy runs inside a web request.
"""

from django.core.exceptions import ImproperlyConfigured

from config.env import (
    env_bool,
    env_int,
    env_list,
    env_redis_url,
    env_str,
    refuse_weak_secret_key,
)

from .base import *  # noqa: F403
from .base import DATABASES
from .base import STORAGES as BASE_STORAGES

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY")
refuse_weak_secret_key(SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
env_str("DATABASE_URL")  # raises "… DATABASE_URL is required" when unset
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("Environment variable DATABASE_URL must point to PostgreSQL.")
# Reports must never render inside a web request: production needs a real broker.
CELERY_BROKER_URL = env_redis_url("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = False

STORAGES = {
    "default": BASE_STORAGES["default"],
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False

# HTTPS only. Behind a proxy that terminates TLS, it must set X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
# Multi-factor sign-in for every account unless a deployment says otherwise.
PARLEY_REQUIRE_MFA = env_bool("PARLEY_REQUIRE_MFA", True)
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
