"""Rate limits on password reset and sign-in (probe hole 7: ten requests sent ten emails)."""

import uuid

import pytest
from django.core import mail
from django.urls import reverse

from organizations.models import AuditEvent
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.services import require_broker

pytestmark = pytest.mark.django_db


def _reset(client, email, ip="203.0.113.7"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=ip)


def test_ten_reset_requests_for_one_address_send_three_emails(client, settings):
    UserFactory(email="reset@example.com")
    responses = [_reset(client, "Reset@Example.com", ip=f"203.0.113.{n}") for n in range(10)]
    # The same page every time: it tells nothing about the account or the limit.
    assert {r.status_code for r in responses} == {302}
    assert {r.url for r in responses} == {reverse("password_reset_done")}
    assert len(mail.outbox) == settings.RATE_LIMIT_PASSWORD_RESET_PER_EMAIL == 3


def test_one_address_asking_for_many_resets_is_paused(client, settings):
    for n in range(settings.RATE_LIMIT_PASSWORD_RESET_PER_IP):
        assert _reset(client, f"someone{n}@example.com").status_code == 302
    response = _reset(client, "one-more@example.com")
    assert response.status_code == 429
    assert b"Please wait 15 minutes and try again." in response.content
    # Another network is not affected.
    assert _reset(client, "one-more@example.com", ip="198.51.100.1").status_code == 302


def test_sign_in_attempts_from_one_address_are_limited_across_emails(client, settings):
    settings.RATE_LIMIT_SIGN_IN_PER_IP = 4
    UserFactory(email="real@example.com")
    for n in range(4):  # fewer than axes' five per email: only the per-address limit applies
        response = client.post(
            reverse("login"), {"login": f"guess{n}@example.com", "password": "x"}
        )
        assert response.status_code == 200
    response = client.post(
        reverse("login"), {"login": "real@example.com", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 429 and "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN).count() == 0


def test_the_counters_live_in_redis_when_there_is_one(client, settings):
    url = require_broker()
    import redis

    prefix = f"parley-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
        }
    }
    settings.RATE_LIMIT_PASSWORD_RESET_PER_IP = 2
    connection = redis.Redis.from_url(url)
    try:
        assert [_reset(client, "a@example.com").status_code for _ in range(3)] == [302, 302, 429]
        keys = connection.keys(f"{prefix}:*ratelimit:password-reset-ip:*")
        assert len(keys) == 1 and int(connection.get(keys[0])) == 3
        assert b"203.0.113.7" not in keys[0]  # hashed
    finally:
        for key in connection.scan_iter(f"{prefix}:*"):
            connection.delete(key)


def test_an_unreachable_cache_lets_requests_through(client, settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: nothing listens
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    assert _reset(client, "a@example.com").status_code == 302
    assert "not counted: cache unavailable" in caplog.text
