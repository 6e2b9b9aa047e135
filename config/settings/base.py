"""Settings shared by every mode. With no environment set, this is the embedded default:
SQLite, tasks run in-process, email printed to the console, DEBUG on.

Every value that differs between machines comes from an environment variable, read
through the typed helpers of config.env; docs/configuration.md lists every one.
"""

import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import (
    env_bool,
    env_choice,
    env_database_url,
    env_email_url,
    env_int,
    env_list,
    env_oidc_providers,
    env_redis_url,
    env_str,
    refuse_weak_secret_key,
)
from config.storage import s3_storage

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# --- Core -------------------------------------------------------------------------------
DEBUG = env_bool("DEBUG", True)
# Only for the embedded default, which runs with DEBUG on; production.py refuses to start
# without SECRET_KEY.
DEVELOPMENT_SECRET_KEY = "dev-insecure-parley-secret-key-change-me-0123456789abcdef"
SECRET_KEY = env_str("SECRET_KEY", DEVELOPMENT_SECRET_KEY)


if not DEBUG:
    refuse_weak_secret_key(SECRET_KEY)
# Absolute base of links that leave the app (invitation emails, CLI output); `make run` sets
# it from HOST and PORT.
PARLEY_BASE_URL = env_str("PARLEY_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# The development default also accepts the host those links name (`make run HOST=0.0.0.0`).
_LINK_HOST = urlsplit(PARLEY_BASE_URL).hostname or "127.0.0.1"
_LINK_HOST = f"[{_LINK_HOST}]" if ":" in _LINK_HOST else _LINK_HOST  # an IPv6 address
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver", _LINK_HOST]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Parley's own apps, in their layer order (docs/architecture.md): each imports only those
# before it. The architecture and translation tests read this list.
PARLEY_APPS = ("organizations", "assessments", "alignment", "reports", "workspace", "api")
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    # Accounts: sign-in, multi-factor (TOTP, recovery codes, security keys), the list of one's
    # sessions, single sign-on with OpenID Connect. Policy: organizations.adapters.
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    *PARLEY_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.RejectNullCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise, so static files keep their caching; every page else is no-store.
    "config.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After the session, before CommonMiddleware (Django's order): the browser's
    # Accept-Language chooses the language; organizations.middleware.UserLanguageMiddleware
    # then applies a signed-in user's own choice, and the personal-link views the
    # respondent's (assessments.access).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "organizations.middleware.SessionLimitsMiddleware",
    # A signed-in user's interface language (their profile) over the browser's.
    "organizations.middleware.UserLanguageMiddleware",
    # After the session limits: a signed-in user without MFA where it is required is sent
    # to enrol before anything else (PARLEY_REQUIRE_MFA).
    "organizations.middleware.RequireMFAMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-csp's, with the settings' policy built once (see the class).
    "organizations.middleware.CSPMiddleware",
    "organizations.middleware.AuditDeniedAccessMiddleware",
    # Last, as django-axes asks: it turns lockouts raised by the backend into responses.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "organizations.context_processors.branding",
            ],
        },
    }
]

# --- Database ---------------------------------------------------------------------------
_database = env_database_url("DATABASE_URL")
if _database:
    _database["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0)
    _database["CONN_HEALTH_CHECKS"] = True
else:
    _database = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
    }
    # SQLite makes the portfolio's covering index (alignment result_latest_figures) a
    # plain one: fine for a development database, not worth a warning on every command.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- People -----------------------------------------------------------------------------
AUTH_USER_MODEL = "organizations.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # allauth's sign-in passes the address as `email`; the admin's and Django's as `username`.
    "allauth.account.auth_backends.AuthenticationBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3

# Brute-force throttling: lock a username from one IP after a few failures.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The sign-in form (allauth's) posts the email in the field `login`.
AXES_USERNAME_FORM_FIELD = "login"
# Counted under the address as sign-in looks it up (lower-case), whatever the case typed.
AXES_USERNAME_CALLABLE = "organizations.auth.lockout_username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Per client address (and per email for password reset), per window: see
# organizations.ratelimit. Counted in the cache below.
RATE_LIMIT_WINDOW_SECONDS = 60 * env_int("RATE_LIMIT_WINDOW_MINUTES", 15, minimum=1)
RATE_LIMIT_SIGN_IN_PER_IP = env_int("RATE_LIMIT_SIGN_IN_PER_IP", 30, minimum=1)
RATE_LIMIT_PASSWORD_RESET_PER_IP = env_int("RATE_LIMIT_PASSWORD_RESET_PER_IP", 5, minimum=1)
RATE_LIMIT_PASSWORD_RESET_PER_EMAIL = env_int("RATE_LIMIT_PASSWORD_RESET_PER_EMAIL", 3, minimum=1)

# --- Accounts: django-allauth ------------------------------------------------------------
# Accounts are created by invitation only (organizations.services.colleague_invite): no
# sign-up; the set-password link proves the address, so no separate verification email.
ACCOUNT_ADAPTER = "organizations.adapters.AccountAdapter"
ACCOUNT_FORMS = {"login": "organizations.forms.SignInForm"}
SOCIALACCOUNT_ADAPTER = "organizations.adapters.SocialAccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SESSION_REMEMBER = True  # the session limits below apply; no "remember me" box
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False  # this session stays; every other one ends
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
# One meaning each: django-axes locks an (email, address) pair after failures, and
# organizations.ratelimit limits sign-in and password reset per address. allauth's own
# limits on the same requests would answer first with other words.
ACCOUNT_RATE_LIMITS = {"login": None, "login_failed": None, "reset_password": None}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Parley: "
# Tell the account holder by email when their password or second factors change.
ACCOUNT_EMAIL_NOTIFICATIONS = True
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "Parley"
MFA_PASSKEY_LOGIN_ENABLED = False  # a security key is a second factor, after the password
# Security keys need an https origin; the development server and the browser tests run on
# http://127.0.0.1, which browsers treat as secure but the server check does not.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env_bool("MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", DEBUG)
# Multi-factor sign-in required of every account (consultants, admins, site staff): on in
# production, off by default in the embedded demo.
PARLEY_REQUIRE_MFA = env_bool("PARLEY_REQUIRE_MFA", not DEBUG)
USERSESSIONS_TRACK_ACTIVITY = False  # a write per request; sign-in time and address suffice
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_AUTO_SIGNUP = True  # only ever for allowed domains: see the adapter
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True  # an existing user signs in by the verified email
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": env_oidc_providers()}}
# Email domains whose people may get an account by signing in with single sign-on
# (everyone else must have been invited first).
PARLEY_SSO_ALLOWED_DOMAINS = [d.lower() for d in env_list("PARLEY_SSO_ALLOWED_DOMAINS", [])]

# Sessions: 12 hours at most; see organizations.middleware for the idle limit.
SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 30 * 60, minimum=60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# --- Internationalisation ---------------------------------------------------------------
# English is the source language; the others are translated in locale/<lang>/ (compiled by
# `make`, see docs/translations.md). Names are each language's own, as a picker shows them.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("de", "Deutsch"),
    ("fr", "Français"),
    ("es", "Español"),
    ("ja", "日本語"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English keeps the British formats Parley always had ("1 Dec 2026", 24-hour clock); the
# other languages use Django's formats for them.
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Reports live in the default storage: MEDIA_ROOT on the local (or a mounted) disk, or an
# S3-compatible object store when STORAGE_S3_BUCKET is set (web and workers on different
# hosts). Nothing serves MEDIA_URL: files leave through Parley's access-checked views.
STORAGES = {
    "default": s3_storage() or {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# How a download leaves an object store: "stream" through the web process (default), or
# "redirect" to a signed URL valid for STORAGE_S3_URL_SECONDS, after the same access checks.
STORAGE_DOWNLOAD = env_choice("STORAGE_DOWNLOAD", ("stream", "redirect"), "stream")
WHITENOISE_USE_FINDERS = DEBUG

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Email ------------------------------------------------------------------------------
_email = env_email_url("EMAIL_URL")
if _email:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _email["EMAIL_HOST"]
    EMAIL_PORT = _email["EMAIL_PORT"]
    EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
    EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
    EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Parley <parley@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = 10

# --- Celery -----------------------------------------------------------------------------
# No broker configured means the embedded default: tasks run in-process as they are sent.
CELERY_BROKER_URL = env_redis_url("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    # In-process: an eager send still takes a producer from the broker pool, so the URL must
    # be one kombu accepts without complaint (a bare "memory://" logs "No hostname was
    # supplied" on every send). Nothing leaves the process.
    CELERY_BROKER_URL = "memory://localhost/"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 60, minimum=1)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 90, minimum=2)
# Acknowledge after the work is done, one message at a time, so a killed worker's
# message goes back to the queue instead of being lost.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_CREATE_MISSING_QUEUES = True
CELERY_TASK_ROUTES = {"reports.tasks.*": {"queue": "reports"}}
# The one place the Redis visibility timeout is set: how long an unacknowledged message
# waits before Redis hands it to another worker. It must exceed the hard time limit, or a
# slow task would run twice; the tasks are idempotent in any case.
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 300, minimum=1)
# Redis answers in well under a millisecond; a second without an answer means it is down,
# frozen or cut off (a stopped Redis refuses at once, a frozen one accepts and never answers).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "socket_connect_timeout": 1,
    "socket_timeout": 1,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request that enqueues while Redis is down must not hang: one short retry, then the
# caller logs and moves on, and the sweeper picks the work up later. With the timeouts above
# a frozen Redis costs a request about 3 s at most (tests/reliability/test_broker_outage.py).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BEAT_SCHEDULE = {
    "purge-expired-sessions": {
        "task": "organizations.purge_expired_sessions",
        "schedule": 60 * 60 * 24,
    },
    # Reminders go out in the morning (CELERY_TIMEZONE); the run is idempotent per day.
    "send-due-reminders": {
        "task": "assessments.send_due_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    # The sweeper for invitation emails that never left (broker down, worker lost).
    "requeue-unsent-invitations": {
        "task": "assessments.requeue_unsent_invitations",
        "schedule": 60 * 10,
    },
    # The sweeper for scoring messages that were lost (broker down at the second submit).
    "sweep-unscored-assessments": {
        "task": "alignment.sweep_unscored",
        "schedule": 60 * 5,
    },
    # The sweeper for report renders that were lost (or left by a killed worker).
    "sweep-reports": {
        "task": "reports.tasks.sweep_reports",
        "schedule": 60 * 5,
    },
    # Data lifecycle (docs/data-lifecycle.md): purge what was deleted more than 30 days ago,
    # and apply PARLEY_RETENTION_MONTHS (warn 14 days ahead, then purge). Both idempotent.
    "purge-deleted": {
        "task": "assessments.purge_deleted",
        "schedule": crontab(hour=3, minute=0),
    },
    "apply-retention": {
        "task": "assessments.apply_retention",
        "schedule": crontab(hour=3, minute=30),
    },
    # The sweeper for webhook deliveries whose message was lost.
    "sweep-webhooks": {
        "task": "api.sweep_webhooks",
        "schedule": 60 * 5,
    },
}

# --- Parley -----------------------------------------------------------------------------
INVITATION_TTL_DAYS = env_int("INVITATION_TTL_DAYS", 30, minimum=1)
REPORT_PAGE_SIZE = env_choice("REPORT_PAGE_SIZE", ("A4", "Letter"), "A4")
# How old a report's rendering claim must be before another worker takes it over (the worker
# that held it was killed). Above the hard time limit, or a slow render still running would
# be duplicated (only one copy is ever published, but the work is wasted).
REPORT_STALE_CLAIM_SECONDS = env_int(
    "REPORT_STALE_CLAIM_SECONDS", CELERY_TASK_TIME_LIMIT + 30, minimum=1
)
if REPORT_STALE_CLAIM_SECONDS <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        f"Environment variable REPORT_STALE_CLAIM_SECONDS={REPORT_STALE_CLAIM_SECONDS} must be "
        f"greater than CELERY_TASK_TIME_LIMIT ({CELERY_TASK_TIME_LIMIT})."
    )

# Retention: finished rounds are purged this many months after their last answer was
# submitted (0 or unset: kept until deleted). See assessments.lifecycle.
PARLEY_RETENTION_MONTHS = env_int("PARLEY_RETENTION_MONTHS", 0, minimum=0) or None
# --- API and webhooks ------------------------------------------------------------------
# The API throttles each token (each signed-in user on the docs) to this many requests,
# counted in the cache below: Redis whenever a broker is configured, so every process shares
# the count.
PARLEY_API_THROTTLE_RATE = env_str("PARLEY_API_THROTTLE_RATE", "600/minute")
if not re.fullmatch(r"[1-9]\d*/(s|sec|second|m|min|minute|h|hour|d|day)", PARLEY_API_THROTTLE_RATE):
    raise ImproperlyConfigured(
        f"Environment variable PARLEY_API_THROTTLE_RATE={PARLEY_API_THROTTLE_RATE!r} is not "
        f"a rate such as 600/minute (per second, minute, hour or day)."
    )
# Webhooks to loopback, private, link-local or metadata addresses are refused unless this is
# on (a development machine). Checked at connection time, after DNS resolution.
PARLEY_WEBHOOKS_ALLOW_PRIVATE = env_bool("PARLEY_WEBHOOKS_ALLOW_PRIVATE", False)
# The cache holds the rate-limit counters of sign-in, password reset and the API: in Redis
# (shared by every process) when there is one, else in this process's memory. Never call
# cache.clear() on the Redis one: by default it shares the broker's database.
_cache_url = env_redis_url("CACHE_URL", "") or (
    CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else ""
)
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _cache_url,
            "KEY_PREFIX": "parley",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
        if _cache_url
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        # The browsable docs, for a signed-in user; DRF enforces CSRF on its writes.
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.problem_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Parley API",
    "DESCRIPTION": (
        "Organisations, rounds, results, reports, workshops and webhooks of Parley. "
        "Authenticate with a personal API token: `Authorization: Bearer prly_…`. "
        "Errors are RFC 9457 problem details."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "AssessmentStatusEnum": "assessments.models.Assessment.Status",
        "ReportStatusEnum": "reports.models.Report.Status",
        "ActionStatusEnum": "alignment.models.ActionItem.Status",
        "DeliveryStatusEnum": "api.models.WebhookDelivery.Status",
        "WebhookEventEnum": "api.models.WebhookEndpoint.Event",
        "MemberRoleEnum": "organizations.models.Membership.Role",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.errors.add_problem_responses",
    ],
}

# --- Security headers (tightened further in production.py) ------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Larger bodies and more fields are refused with a 400 (templates/400.html).
DATA_UPLOAD_MAX_MEMORY_SIZE = 512 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
# "This page has expired, reload it" rather than Django's page for developers.
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"

# --- Logging ----------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # On the handler, so every logger's records pass it (see config.redaction).
    "filters": {"redact_tokens": {"()": "assessments.logging.RedactTokensFilter"}},
    # LOG_LEVEL on the handler as well: Django's own loggers (django.request logs every 4xx
    # as a warning) pass their records up at their own level, whatever the root's.
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_tokens"],
            "level": env_str("LOG_LEVEL", "INFO"),
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # axes logs its start-up banner at INFO; lockouts stay visible at WARNING.
        "axes": {"level": "WARNING"},
        # WeasyPrint logs every layout step at INFO; its warnings (a refused URL) stay visible.
        "weasyprint.progress": {"level": "WARNING"},
    },
}
