"""Celery tasks of the API app: thin, they load by id and call one service."""

from celery import shared_task

from .webhooks import webhook_attempt, webhooks_sweep


@shared_task(name="api.deliver_webhook")
def deliver_webhook(delivery_id: int) -> str | None:
    """One attempt at a webhook delivery; the service schedules the next one if needed."""
    delivery = webhook_attempt(delivery_id=delivery_id)
    return delivery.status if delivery else None


@shared_task(name="api.sweep_webhooks")
def sweep_webhooks() -> int:
    return webhooks_sweep()
