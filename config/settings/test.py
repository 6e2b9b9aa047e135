"""Settings for the test suite: the base settings with fast hashing and in-memory email.

DATABASE_URL and CELERY_BROKER_URL are honoured as in every mode; CI sets both. Tasks run
in-process unless a test starts a real worker (see tests/integration), because most tests
check what a view does, not the broker.
"""

from .base import *  # noqa: F403
from .base import MEDIA_ROOT

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
MEDIA_ROOT = MEDIA_ROOT.parent / "media-test"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
AXES_ENABLED = True
# Tests that need multi-factor sign-in turn it on themselves (settings.PARLEY_REQUIRE_MFA).
PARLEY_REQUIRE_MFA = False
# Each test starts with fresh rate-limit counters (tests/conftest.py clears this cache);
# the Redis cache of the other modes is tested on its own (tests/organizations).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Close connections after each request or task: the Celery worker thread of the integration
# tests must not hold a connection open when the test database is dropped.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
