"""Webhooks: an organisation's endpoints, the messages sent to them and their delivery.

Deliveries follow the Standard Webhooks specification: a JSON body
`{"type", "timestamp", "data"}` and the headers `webhook-id` (the same for every attempt of
one message), `webhook-timestamp` and `webhook-signature` (`v1,<HMAC-SHA256>` with the
endpoint's secret, made by the `standardwebhooks` package). A message that does not get a
2xx answer is tried again with growing delays for about a day (RETRY_DELAYS); when it gives
up, the endpoint is disabled and the organisation's admins are told by email.
"""

import base64
import json
import logging
import secrets
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from standardwebhooks.webhooks import Webhook

from config.tasking import enqueue_on_commit
from organizations.models import Membership

from .models import WebhookDelivery, WebhookEndpoint
from .outbound import RefusedAddress, post_json

logger = logging.getLogger(__name__)
Status = WebhookDelivery.Status
# Seconds before attempts 2, 3, …: about 23 hours in all, then the message gives up.
RETRY_DELAYS = (5, 30, 120, 600, 1800, 3600, 2 * 3600, 4 * 3600, 8 * 3600, 8 * 3600)
STALE_SENDING = timedelta(minutes=5)  # a claim older than this belonged to a killed worker


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode("ascii")


def _check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValidationError({"url": gettext("Give an http:// or https:// address.")})
    if parts.username or parts.password:
        raise ValidationError({"url": gettext("Put no user name or password in the address.")})
    return url


def _check_events(events) -> list[str]:
    chosen = sorted(set(events or ()))
    unknown = [e for e in chosen if e not in WebhookEndpoint.Event.values]
    if not chosen or unknown:
        raise ValidationError(
            {
                "events": gettext("Choose among %(events)s.")
                % {"events": ", ".join(WebhookEndpoint.Event.values)}
            }
        )
    return chosen


@transaction.atomic
def webhook_endpoint_create(*, organization, url: str, events, description: str = "", by=None):
    """A new endpoint and its secret (returned here once; the API shows it once)."""
    endpoint = WebhookEndpoint(
        organization=organization,
        url=_check_url(url),
        events=_check_events(events),
        description=(description or "").strip()[:200],
        secret=new_secret(),
        created_by=by,
    )
    endpoint.full_clean()
    endpoint.save()
    return endpoint


@transaction.atomic
def webhook_endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    endpoint.delete()


# --- Messages ----------------------------------------------------------------------------


def _message_id() -> str:
    return "msg_" + secrets.token_urlsafe(18)


def webhook_event_send(*, organization, event: str, data: dict, now=None) -> int:
    """A message about `event` to each active endpoint of the organisation that subscribed
    to it, sent once the current transaction commits. Returns how many."""
    now = now or timezone.now()
    payload = {"type": event, "timestamp": now.isoformat(), "data": data}
    endpoints = WebhookEndpoint.objects.filter(organization=organization, is_active=True)
    count = 0
    for endpoint in endpoints:
        if event in endpoint.events:
            delivery = WebhookDelivery.objects.create(
                endpoint=endpoint, message_id=_message_id(), event=event, payload=payload
            )
            _enqueue(delivery.pk)
            count += 1
    return count


def _enqueue(delivery_id: int, countdown: int | None = None) -> None:
    from .tasks import deliver_webhook  # the task module imports this one

    enqueue_on_commit(deliver_webhook, delivery_id, _countdown=countdown)


@transaction.atomic
def webhook_redeliver(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a message again, as a new delivery with the same `webhook-id` (the receiver may
    drop it as a duplicate if it had it already). Re-enables a disabled endpoint."""
    endpoint = delivery.endpoint
    WebhookEndpoint.objects.filter(pk=endpoint.pk, is_active=False).update(
        is_active=True, disabled_at=None, disabled_reason="", updated_at=timezone.now()
    )
    again = WebhookDelivery.objects.create(
        endpoint=endpoint,
        message_id=delivery.message_id,
        event=delivery.event,
        payload=delivery.payload,
    )
    _enqueue(again.pk)
    return again


# --- Delivery ----------------------------------------------------------------------------


def signed_request(endpoint: WebhookEndpoint, delivery: WebhookDelivery, moment: datetime):
    """The body and the Standard Webhooks headers of one attempt."""
    body = json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False)
    signature = Webhook(endpoint.secret).sign(delivery.message_id, moment, body)
    headers = {
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": signature,
        "User-Agent": "Parley-Webhooks/1",
    }
    return body.encode("utf-8"), headers


def _claim(delivery_id: int, now) -> WebhookDelivery | None:
    due = WebhookDelivery.objects.filter(
        pk=delivery_id, status__in=(Status.PENDING, Status.RETRYING), endpoint__is_active=True
    ).exclude(next_attempt_at__gt=now)
    if due.update(status=Status.SENDING, last_attempt_at=now, updated_at=now) != 1:
        return None
    return WebhookDelivery.objects.select_related("endpoint__organization").get(pk=delivery_id)


def _send(delivery: WebhookDelivery, now) -> tuple[int | None, str, str, int]:
    """(status or None, body head, error, milliseconds) of one attempt."""
    body, headers = signed_request(delivery.endpoint, delivery, now.astimezone(UTC))
    started = time.perf_counter()
    try:
        status, head = post_json(delivery.endpoint.url, body, headers)
        error = "" if 200 <= status < 300 else f"HTTP {status}"
    except RefusedAddress as refused:
        status, head, error = None, "", str(refused)
    except requests.RequestException as failure:
        status, head, error = None, "", f"{type(failure).__name__}: {failure}"[:500]
    return status, head, error, round((time.perf_counter() - started) * 1000)


def webhook_attempt(*, delivery_id: int, now=None) -> WebhookDelivery | None:
    """One attempt at a due delivery (idempotent: a duplicate message finds it claimed, done
    or not due). Records the answer; schedules the next attempt, or gives up."""
    now = now or timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return None
    status, head, error, elapsed = _send(delivery, now)
    delivery.attempts += 1
    delivery.response_status, delivery.response_body = status, head
    delivery.error, delivery.response_ms = error, elapsed
    if not error:
        delivery.status, delivery.next_attempt_at = Status.SUCCEEDED, None
    elif delivery.attempts <= len(RETRY_DELAYS):
        delay = RETRY_DELAYS[delivery.attempts - 1]
        delivery.status, delivery.next_attempt_at = Status.RETRYING, now + timedelta(seconds=delay)
    else:
        delivery.status, delivery.next_attempt_at = Status.FAILED, None
    with transaction.atomic():
        delivery.save()
        if delivery.status == Status.RETRYING:
            _enqueue(delivery.pk, countdown=RETRY_DELAYS[delivery.attempts - 1])
        elif delivery.status == Status.FAILED:
            webhook_endpoint_disable(endpoint=delivery.endpoint, delivery=delivery)
    return delivery


@transaction.atomic
def webhook_endpoint_disable(*, endpoint: WebhookEndpoint, delivery: WebhookDelivery) -> None:
    """Stop sending to an endpoint that failed for a day, and tell the organisation's admins
    (a redelivery turns it on again)."""
    # Stored and shown on the webhooks page, in the language active when it happened.
    reason = ngettext(
        "Gave up on message %(id)s after %(count)d attempt.",
        "Gave up on message %(id)s after %(count)d attempts.",
        delivery.attempts,
    ) % {"id": delivery.message_id, "count": delivery.attempts}
    updated = WebhookEndpoint.objects.filter(pk=endpoint.pk, is_active=True).update(
        is_active=False, disabled_at=timezone.now(), disabled_reason=reason
    )
    if updated:
        transaction.on_commit(lambda: _tell_admins(endpoint, reason))


def _tell_admins(endpoint: WebhookEndpoint, reason: str) -> None:
    admins = list(
        Membership.objects.filter(
            organization=endpoint.organization, role=Membership.Role.ADMIN
        ).values_list("user__email", flat=True)
    )
    if not admins:
        return
    send_mail(
        subject=gettext("Parley webhook disabled: %(url)s") % {"url": endpoint.url},
        message=gettext(
            "Parley stopped sending webhooks to %(url)s for %(organization)s: it failed to "
            "accept a message for about a day.\n\n%(reason)s\n\nFix the receiver, then "
            "redeliver the failed message through the API "
            "(POST …/webhooks/%(code)s/deliveries/<code>/redeliver/); this turns the endpoint "
            "on again.\n"
        )
        % {
            "url": endpoint.url,
            "organization": endpoint.organization.name,
            "reason": reason,
            "code": endpoint.code,
        },
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=admins,
    )


def webhooks_sweep(*, now=None) -> int:
    """Beat: re-enqueue due deliveries whose message was lost (broker down, worker killed).
    Returns how many."""
    now = now or timezone.now()
    WebhookDelivery.objects.filter(
        status=Status.SENDING, last_attempt_at__lt=now - STALE_SENDING
    ).update(status=Status.RETRYING, next_attempt_at=now, updated_at=now)
    due = WebhookDelivery.objects.filter(
        status__in=(Status.PENDING, Status.RETRYING), endpoint__is_active=True
    ).exclude(next_attempt_at__gt=now)
    ids = list(due.values_list("pk", flat=True)[:500])
    for delivery_id in ids:
        _enqueue(delivery_id)
    return len(ids)
