"""Settings come from the environment; a bad value names the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config import env

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def environ(monkeypatch):
    def set_(**values):
        for name, value in values.items():
            monkeypatch.setenv(name, value)

    return set_


def test_it_names_the_variable_of_a_bad_integer(environ):
    environ(CELERY_TASK_TIME_LIMIT="ninety")
    with pytest.raises(ImproperlyConfigured, match="CELERY_TASK_TIME_LIMIT"):
        env.env_int("CELERY_TASK_TIME_LIMIT", 90)


def test_it_names_the_variable_of_a_bad_boolean(environ):
    environ(DEBUG="maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        env.env_bool("DEBUG", True)


def test_it_names_a_missing_required_variable(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is required"):
        env.env_str("SECRET_KEY")


def test_it_rejects_a_database_url_of_the_wrong_kind(environ):
    environ(DATABASE_URL="mysql://root@localhost/parley")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        env.env_database_url()


def test_it_parses_a_postgres_url(environ):
    environ(DATABASE_URL="postgres://parley:secret@db.internal:6543/parley")
    parsed = env.env_database_url()
    assert parsed["ENGINE"] == "django.db.backends.postgresql"
    assert (parsed["HOST"], parsed["PORT"], parsed["NAME"]) == ("db.internal", 6543, "parley")


def test_it_rejects_a_broker_that_is_not_redis(environ):
    environ(CELERY_BROKER_URL="amqp://guest@localhost//")
    with pytest.raises(ImproperlyConfigured, match="CELERY_BROKER_URL"):
        env.env_redis_url("CELERY_BROKER_URL", "")


def test_it_reads_lists_and_choices(environ):
    environ(ALLOWED_HOSTS="parley.example.com, www.parley.example.com", REPORT_PAGE_SIZE="Legal")
    assert env.env_list("ALLOWED_HOSTS") == ["parley.example.com", "www.parley.example.com"]
    with pytest.raises(ImproperlyConfigured, match="REPORT_PAGE_SIZE"):
        env.env_choice("REPORT_PAGE_SIZE", ("A4", "Letter"), "A4")


def _load_settings(module: str, **values) -> subprocess.CompletedProcess:
    """Import a settings module in a fresh interpreter with exactly these variables."""
    clean = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    code = (
        "import django, os; from django.conf import settings; django.setup(); "
        "print(settings.DATABASES['default']['ENGINE'], settings.CELERY_TASK_ALWAYS_EAGER, "
        "settings.DEBUG, settings.EMAIL_BACKEND)"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": module, **values},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_embedded_default_needs_no_configuration():
    done = _load_settings("config.settings.base")
    assert done.returncode == 0, done.stderr
    engine, eager, debug, email = done.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert (eager, debug) == ("True", "True")
    assert email.endswith("console.EmailBackend")


def test_a_broker_url_turns_off_in_process_tasks():
    done = _load_settings("config.settings.base", CELERY_BROKER_URL="redis://127.0.0.1:6379/0")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[1] == "False"


def test_a_database_url_switches_to_postgres_with_health_checks():
    code = "from config.settings import base as s; d = s.DATABASES['default']; "
    code += "print(d['ENGINE'], d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "DATABASE_URL": "postgres://u@h:5432/d"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["django.db.backends.postgresql", "60", "True"]


PRODUCTION_ENV = {
    "SECRET_KEY": "k" * 60,
    "ALLOWED_HOSTS": "parley.example.com",
    "DATABASE_URL": "postgres://u@h/d",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
}


@pytest.mark.parametrize(
    ("missing", "values"),
    [
        ("SECRET_KEY", {"SECRET_KEY": ""}),
        ("ALLOWED_HOSTS", {"ALLOWED_HOSTS": ""}),
        ("DATABASE_URL", {"DATABASE_URL": ""}),
        ("CELERY_BROKER_URL", {"CELERY_BROKER_URL": ""}),
    ],
)
def test_production_refuses_to_start_without(missing, values):
    done = _load_settings("config.settings.production", **{**PRODUCTION_ENV, **values})
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
    assert missing in done.stderr


def test_production_starts_with_the_required_variables():
    done = _load_settings("config.settings.production", **PRODUCTION_ENV)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[:3] == ["django.db.backends.postgresql", "False", "False"]


def _read_setting(name: str, **values) -> subprocess.CompletedProcess:
    code = f"from config.settings import base as s; print(s.{name})"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], **values},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_report_claim_goes_stale_after_the_hard_time_limit_by_default():
    done = _read_setting("REPORT_STALE_CLAIM_SECONDS", CELERY_TASK_TIME_LIMIT="100")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "130"
    done = _read_setting(
        "REPORT_STALE_CLAIM_SECONDS", CELERY_TASK_TIME_LIMIT="100", REPORT_STALE_CLAIM_SECONDS="101"
    )
    assert done.stdout.strip() == "101"


def test_a_stale_claim_threshold_within_the_time_limit_is_refused():
    done = _read_setting(
        "REPORT_STALE_CLAIM_SECONDS", CELERY_TASK_TIME_LIMIT="100", REPORT_STALE_CLAIM_SECONDS="60"
    )
    assert done.returncode != 0
    assert (
        "REPORT_STALE_CLAIM_SECONDS=60 must be greater than CELERY_TASK_TIME_LIMIT" in done.stderr
    )


@pytest.mark.parametrize(
    "values",
    [
        {"DEBUG": "false"},
        {"DEBUG": "off", "SECRET_KEY": "short-but-not-the-development-one"},
        {"DEBUG": "0", "SECRET_KEY": "dev-insecure-parley-secret-key-change-me-0123456789abcdef"},
    ],
)
def test_base_settings_refuse_a_weak_secret_key_when_debug_is_off(values):
    """Probe hole 9: DEBUG=false on the committed development key started without a word."""
    done = _load_settings("config.settings.base", **values)
    assert done.returncode != 0
    assert "SECRET_KEY must be a random string of at least 50 characters" in done.stderr


def test_base_settings_with_debug_off_start_on_a_real_key():
    done = _load_settings("config.settings.base", DEBUG="false", SECRET_KEY="r" * 50)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[2] == "False"


def test_production_refuses_the_development_key():
    key = "dev-insecure-parley-secret-key-change-me-0123456789abcdef"
    done = _load_settings("config.settings.production", **{**PRODUCTION_ENV, "SECRET_KEY": key})
    assert done.returncode != 0 and "the development key is refused" in done.stderr


def test_the_cache_is_redis_when_a_broker_is_configured_and_memory_otherwise():
    done = _read_setting("CACHES['default']['BACKEND']", CELERY_BROKER_URL="redis://r:6379/2")
    assert done.stdout.strip() == "django.core.cache.backends.redis.RedisCache", done.stderr
    done = _read_setting("CACHES['default']['BACKEND']")
    assert done.stdout.strip() == "django.core.cache.backends.locmem.LocMemCache", done.stderr
