"""A real task through the real Redis broker to a real Celery worker."""

import time
from datetime import timedelta

import pytest
from celery.result import EagerResult
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from organizations.tasks import purge_expired_sessions

pytestmark = pytest.mark.integration


def _wait_for(condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def _session(expires_in: timedelta) -> str:
    store = SessionStore()
    store["k"] = "v"
    store.create()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() + expires_in
    )
    return store.session_key


def test_it_runs_a_task_on_a_real_worker_through_redis(live_worker):
    expired = _session(timedelta(days=-1))
    current = _session(timedelta(days=1))

    result = purge_expired_sessions.delay()

    assert not isinstance(result, EagerResult), "the task went through the broker"
    assert _wait_for(lambda: not Session.objects.filter(session_key=expired).exists())
    assert Session.objects.filter(session_key=current).exists()
