"""The API's settings come from the environment; a bad value names the variable."""

import os
import subprocess
import sys

import pytest

from tests.config.test_settings import ROOT, _load_settings


def test_a_bad_throttle_rate_names_the_variable():
    done = _load_settings("config.settings.base", PARLEY_API_THROTTLE_RATE="lots")
    assert done.returncode != 0
    assert "PARLEY_API_THROTTLE_RATE='lots'" in done.stderr


@pytest.mark.parametrize("rate", ["600/minute", "10/s", "5000/day"])
def test_a_good_throttle_rate_loads(rate):
    done = _load_settings("config.settings.base", PARLEY_API_THROTTLE_RATE=rate)
    assert done.returncode == 0, done.stderr


def _cache_backend(**values) -> str:
    clean = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings.base", **values},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_throttle_counts_in_redis_when_a_broker_is_configured():
    assert _cache_backend(CELERY_BROKER_URL="redis://127.0.0.1:6379/3").endswith("RedisCache")
    assert _cache_backend().endswith("LocMemCache")
