from django.contrib import admin

from .models import ApiToken, WebhookDelivery, WebhookEndpoint


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "name", "user", "organization", "read_only", "expires_at"]
    list_filter = ["read_only"]
    search_fields = ["prefix", "name", "user__email"]
    # The hash is useless to read and must not be edited; nothing here shows a token.
    exclude = ["token_hash"]
    readonly_fields = ["prefix", "last_used_at", "created_at"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["url", "organization", "is_active", "disabled_at"]
    list_filter = ["is_active"]
    exclude = ["secret"]  # shown once to the admin who registered it, never again


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["message_id", "event", "endpoint", "status", "attempts", "response_status"]
    list_filter = ["status", "event"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
