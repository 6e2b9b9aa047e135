"""Webhook delivery with real parts: the real Redis broker and a real Celery worker send a
message to a real receiver, which refuses the first attempt and accepts the retry (the
worker waits out the first back-off, 5 s)."""

import time

import pytest
from standardwebhooks.webhooks import Webhook

from api.models import WebhookDelivery
from api.webhooks import RETRY_DELAYS, webhook_endpoint_create, webhook_event_send
from tests.api.receiver import Receiver

pytestmark = pytest.mark.integration


def _wait_for(condition, timeout=30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_a_worker_retries_a_refused_message_until_it_is_accepted(
    live_worker, organization, settings
):
    settings.PARLEY_WEBHOOKS_ALLOW_PRIVATE = True
    receiver = Receiver(statuses=[500, 200]).start()
    try:
        endpoint = webhook_endpoint_create(
            organization=organization, url=receiver.url, events=["report.ready"]
        )
        webhook_event_send(organization=organization, event="report.ready", data={"n": 1})
        delivered = _wait_for(
            lambda: WebhookDelivery.objects.filter(status="succeeded").exists(),
            timeout=RETRY_DELAYS[0] + 25,
        )
        assert delivered, list(WebhookDelivery.objects.values("status", "attempts", "error"))
        delivery = WebhookDelivery.objects.get()
        assert delivery.attempts == 2 and delivery.response_status == 200
        assert len(receiver.received) == 2
        for request in receiver.received:
            Webhook(endpoint.secret).verify(request.body, request.headers)
    finally:
        receiver.stop()
