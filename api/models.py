"""Personal API tokens, and the webhook endpoints of an organisation with their deliveries."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.models import new_public_code
from organizations.models import Organization


class ApiToken(models.Model):
    """A personal API token: `prly_<id>_<secret>`. The id (`prefix`, shown in lists and
    logs) finds the row; only the SHA-256 of the whole token is stored, so the token itself
    exists only in what was shown once to its owner."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=20, unique=True, editable=False)
    token_hash = models.CharField(max_length=64, editable=False)
    # Optional narrowing: one of the user's organisations only, and/or reads only.
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    read_only = models.BooleanField(default=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.prefix} ({self.name})"

    def is_live(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class WebhookEndpoint(models.Model):
    """Where an organisation wants to hear about its rounds (Standard Webhooks)."""

    class Event(models.TextChoices):
        ASSESSMENT_SUBMITTED = "assessment.submitted", _("Both executives submitted")
        ASSESSMENT_SCORED = "assessment.scored", _("A round was scored")
        REPORT_READY = "report.ready", _("A PDF report is ready")
        WORKSHOP_FINISHED = "workshop.finished", _("A workshop was finished")

    code = models.CharField(max_length=32, unique=True, default=new_public_code, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list)
    # The signing key, `whsec_<base64>`: needed in clear to sign, so it cannot be hashed;
    # shown once when the endpoint is created and never returned by the API again.
    secret = models.CharField(max_length=100, editable=False)
    is_active = models.BooleanField(default=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.url} ({self.organization})"


class WebhookDelivery(models.Model):
    """One message to one endpoint, and how its latest attempt went."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        RETRYING = "retrying", _("Retrying")
        SUCCEEDED = "succeeded", _("Delivered")
        FAILED = "failed", _("Gave up")

    code = models.CharField(max_length=32, unique=True, default=new_public_code, editable=False)
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    # The Standard Webhooks `webhook-id`: the same for every attempt of one message, so the
    # receiver can drop duplicates.
    message_id = models.CharField(max_length=40, editable=False)
    event = models.CharField(max_length=40, choices=WebhookEndpoint.Event.choices)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_ms = models.PositiveIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True)  # the first 1 KB at most
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The sweeper looks for deliveries whose next attempt is due.
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due"),
        ]

    def __str__(self):
        return f"{self.event} to {self.endpoint.url}: {self.get_status_display()}"
