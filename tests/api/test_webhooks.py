"""Webhooks: Standard Webhooks signatures, retries with backoff against a real receiver,
the delivery log, disabling after a day of failures, and the refusal of private addresses
(checked at connection time, after DNS resolution)."""

import json
import socket
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from alignment.models import AlignmentResult
from api import outbound
from api.models import WebhookDelivery, WebhookEndpoint
from api.webhooks import (
    RETRY_DELAYS,
    webhook_attempt,
    webhook_endpoint_create,
    webhook_event_send,
    webhook_redeliver,
    webhooks_sweep,
)
from config import handoffs

from .conftest import round_url
from .receiver import Receiver

pytestmark = pytest.mark.django_db
Status = WebhookDelivery.Status


@pytest.fixture
def receiver():
    running = Receiver().start()
    yield running
    running.stop()


@pytest.fixture
def allow_private(settings):
    settings.PARLEY_WEBHOOKS_ALLOW_PRIVATE = True


def _endpoint(organization, url, events=("assessment.scored",)):
    return webhook_endpoint_create(organization=organization, url=url, events=list(events))


def _one_delivery(organization, event="assessment.scored"):
    webhook_event_send(organization=organization, event=event, data={"hello": "world"})
    return WebhookDelivery.objects.get(endpoint__organization=organization)


def test_a_delivery_is_signed_as_standard_webhooks_says(
    organization, receiver, allow_private, django_capture_on_commit_callbacks
):
    endpoint = _endpoint(organization, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        webhook_event_send(organization=organization, event="assessment.scored", data={"a": 1})
    [request] = receiver.received
    payload = Webhook(endpoint.secret).verify(request.body, request.headers)
    assert payload["type"] == "assessment.scored" and payload["data"] == {"a": 1}
    assert request.headers["webhook-id"].startswith("msg_")
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + "A" * 32).verify(request.body, request.headers)
    tampered = request.body.replace(b'"a":1', b'"a":2')
    with pytest.raises(WebhookVerificationError):
        Webhook(endpoint.secret).verify(tampered, request.headers)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.status == Status.SUCCEEDED and delivery.response_status == 200
    assert delivery.response_ms is not None


def test_only_subscribed_active_endpoints_get_a_message(organization, other_organization):
    scored = _endpoint(organization, "https://a.example.com/h", ["assessment.scored"])
    _endpoint(organization, "https://b.example.com/h", ["report.ready"])
    _endpoint(other_organization, "https://c.example.com/h", ["assessment.scored"])
    off = _endpoint(organization, "https://d.example.com/h", ["assessment.scored"])
    WebhookEndpoint.objects.filter(pk=off.pk).update(is_active=False)
    count = webhook_event_send(organization=organization, event="assessment.scored", data={})
    assert count == 1
    assert list(WebhookDelivery.objects.values_list("endpoint", flat=True)) == [scored.pk]


def test_a_failed_attempt_is_retried_later_with_the_same_id(organization, receiver, allow_private):
    receiver.statuses = [500, 200]
    receiver.body = b"x" * 5000
    endpoint = _endpoint(organization, receiver.url)
    delivery = _one_delivery(organization)
    now = timezone.now()
    first = webhook_attempt(delivery_id=delivery.pk, now=now)
    assert first.status == Status.RETRYING and first.attempts == 1
    assert first.response_status == 500 and len(first.response_body) == 1024
    assert first.next_attempt_at == now + timedelta(seconds=RETRY_DELAYS[0])
    # Not due yet: a duplicate message sends nothing.
    assert webhook_attempt(delivery_id=delivery.pk, now=now + timedelta(seconds=1)) is None
    second = webhook_attempt(delivery_id=delivery.pk, now=first.next_attempt_at)
    assert second.status == Status.SUCCEEDED and second.attempts == 2
    assert [r.headers["webhook-id"] for r in receiver.received] == [delivery.message_id] * 2
    for request in receiver.received:
        Webhook(endpoint.secret).verify(request.body, request.headers)


def test_the_delays_grow_and_last_about_a_day():
    assert list(RETRY_DELAYS) == sorted(RETRY_DELAYS)
    assert timedelta(hours=20) < timedelta(seconds=sum(RETRY_DELAYS)) <= timedelta(hours=26)


def test_after_a_day_of_failures_the_endpoint_is_disabled_and_the_admin_told(
    organization, org_admin, receiver, allow_private, mailoutbox, django_capture_on_commit_callbacks
):
    receiver.statuses = [503]
    endpoint = _endpoint(organization, receiver.url)
    delivery = _one_delivery(organization)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(attempts=len(RETRY_DELAYS))
    with django_capture_on_commit_callbacks(execute=True):
        failed = webhook_attempt(delivery_id=delivery.pk)
    assert failed.status == Status.FAILED
    endpoint.refresh_from_db()
    assert not endpoint.is_active and "Gave up" in endpoint.disabled_reason
    [mail] = mailoutbox
    assert mail.to == [org_admin.email] and endpoint.url in mail.body
    # A disabled endpoint gets nothing more, until a redelivery turns it on again.
    assert webhook_event_send(organization=organization, event="assessment.scored", data={}) == 0
    receiver.statuses = [200]
    with django_capture_on_commit_callbacks(execute=True):
        again = webhook_redeliver(delivery=failed)
    again.refresh_from_db()
    endpoint.refresh_from_db()
    assert endpoint.is_active and again.status == Status.SUCCEEDED
    assert again.message_id == delivery.message_id


def test_redirects_are_not_followed(organization, receiver, allow_private):
    receiver.statuses = [302]
    receiver.location = "http://169.254.169.254/latest/meta-data/"
    _endpoint(organization, receiver.url)
    delivery = webhook_attempt(delivery_id=_one_delivery(organization).pk)
    assert delivery.status == Status.RETRYING and delivery.response_status == 302
    assert len(receiver.received) == 1


def test_a_slow_receiver_times_out(organization, receiver, allow_private, monkeypatch):
    monkeypatch.setattr(outbound, "TIMEOUT_SECONDS", 0.3)
    receiver.delay = 1.0
    _endpoint(organization, receiver.url)
    delivery = webhook_attempt(delivery_id=_one_delivery(organization).pk)
    assert delivery.status == Status.RETRYING and "Timeout" in delivery.error


# --- Private addresses ------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "::1",
        "fe80::1",
        "fd00::1",
        "::ffff:127.0.0.1",
        "224.0.0.1",
    ],
)
def test_private_and_metadata_addresses_are_refused(address, settings):
    settings.PARLEY_WEBHOOKS_ALLOW_PRIVATE = False
    assert not outbound.address_allowed(address)


def test_public_addresses_are_allowed(settings):
    settings.PARLEY_WEBHOOKS_ALLOW_PRIVATE = False
    assert outbound.address_allowed("93.184.215.14")
    assert outbound.address_allowed("2606:2800:21f:cb07:6820:80da:af6b:8b2c")


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_receiver_on_this_machine_gets_nothing(organization, receiver, settings, host):
    settings.PARLEY_WEBHOOKS_ALLOW_PRIVATE = False
    url = receiver.url.replace("127.0.0.1", host)
    _endpoint(organization, url)
    delivery = webhook_attempt(delivery_id=_one_delivery(organization).pk)
    assert delivery.status == Status.RETRYING and "not public" in delivery.error
    assert receiver.received == []


def test_a_name_that_resolves_to_loopback_when_sending_is_refused(
    organization, receiver, settings, monkeypatch
):
    """DNS rebinding: the name looked public when the endpoint was saved; at sending time it
    resolves to 127.0.0.1 (the resolver, outside this machine, is played by a stand-in)."""
    settings.PARLEY_WEBHOOKS_ALLOW_PRIVATE = False
    port = receiver.server.server_address[1]
    real = socket.getaddrinfo

    def rebinding(host, *args, **kwargs):
        if host == "hooks.example.com":
            return real("127.0.0.1", *args, **kwargs)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    _endpoint(organization, f"http://hooks.example.com:{port}/hooks")
    delivery = webhook_attempt(delivery_id=_one_delivery(organization).pk)
    assert "hooks.example.com resolves to 127.0.0.1" in delivery.error
    assert receiver.received == []


@pytest.mark.parametrize(
    "url", ["ftp://example.com/x", "file:///etc/passwd", "https://user:pw@example.com/", "x"]
)
def test_an_endpoint_needs_a_plain_http_address(organization, url):
    with pytest.raises(ValidationError) as error:
        _endpoint(organization, url)
    assert "url" in error.value.message_dict


# --- The hand-offs and the API ----------------------------------------------------------


def test_scoring_a_round_sends_assessment_scored(scored, django_capture_on_commit_callbacks):
    endpoint = _endpoint(scored.organization, "https://hooks.example.com/parley")
    result = scored.results.get()
    with django_capture_on_commit_callbacks(execute=False):
        handoffs.assessment_scored.send(sender=AlignmentResult, result=result)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    data = delivery.payload["data"]
    assert delivery.event == "assessment.scored"
    assert data["assessment"]["code"] == scored.code
    assert data["assessment"]["results_url"].endswith(round_url(scored, "results/"))
    assert data["alignment_index"] == result.alignment_index


def test_the_sweeper_resends_lost_and_stale_deliveries(organization):
    _endpoint(organization, "https://hooks.example.com/parley")
    delivery = _one_delivery(organization)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=Status.SENDING, last_attempt_at=timezone.now() - timedelta(hours=1)
    )
    assert webhooks_sweep() == 1
    delivery.refresh_from_db()
    assert delivery.status == Status.RETRYING


def test_the_delivery_log_and_redelivery_through_the_api(
    make_client, org_admin, organization, receiver, allow_private
):
    client = make_client(org_admin)
    base = f"/api/v1/organizations/{organization.slug}/webhooks/"
    body = {"url": receiver.url, "events": ["report.ready"]}
    created = client.post(base, body, format="json").json()
    delivery = _one_delivery(organization, "report.ready")
    webhook_attempt(delivery_id=delivery.pk)
    log = client.get(f"{base}{created['code']}/deliveries/").json()["results"]
    assert log[0]["status"] == "succeeded" and log[0]["response_status"] == 200
    url = f"{base}{created['code']}/deliveries/{delivery.code}/redeliver/"
    response = client.post(url)
    assert response.status_code == 202
    assert response.json()["message_id"] == delivery.message_id
    assert json.loads(receiver.received[0].body)["type"] == "report.ready"
