"""The personal API tokens page: create (the token is shown once, in the answer to the
POST, never stored), list and revoke the signed-in user's tokens. And the webhooks page of
an organisation, for its admins."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from organizations.audit import audit_record
from organizations.models import AuditEvent, Membership
from organizations.selectors import organization_for_user

from .forms import ApiTokenForm, WebhookEndpointForm
from .models import WebhookDelivery, WebhookEndpoint
from .tokens import api_token_create, api_token_revoke, token_organizations, tokens_of
from .webhooks import webhook_endpoint_create, webhook_endpoint_delete, webhook_redeliver


def _revoke(request: HttpRequest) -> HttpResponse:
    token = tokens_of(request.user).filter(prefix=request.POST.get("revoke", "")).first()
    if token is None:
        messages.error(request, gettext("No such token."))
    else:
        api_token_revoke(token=token, request=request)
        messages.success(
            request,
            gettext("Token %(prefix)s is revoked: it no longer works.") % {"prefix": token.prefix},
        )
    return redirect("api_tokens")


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and "revoke" in request.POST:
        return _revoke(request)
    form = ApiTokenForm(request.POST or None, organizations=token_organizations(request.user))
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = api_token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                organization=form.cleaned_data["organization"],
                read_only=form.cleaned_data["read_only"],
                expires_in_days=form.expires_in_days(),
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            form = ApiTokenForm(organizations=token_organizations(request.user))
    ctx = {"form": form, "issued": issued, "tokens": tokens_of(request.user)}
    response = render(request, "api/tokens.html", ctx)
    response["Cache-Control"] = "no-store"  # the page may carry a token shown once
    return response


# --- Webhooks, for an organisation's admins ------------------------------------------------

DELIVERIES_SHOWN = 10


def _endpoints(organization):
    deliveries = WebhookDelivery.objects.order_by("-created_at", "-id")
    return list(
        WebhookEndpoint.objects.filter(organization=organization).prefetch_related(
            Prefetch("deliveries", queryset=deliveries, to_attr="all_deliveries")
        )
    )


def _webhook_action(request, organization) -> HttpResponse:
    """Remove an endpoint or redeliver a message; the codes posted are looked up within
    this organisation only."""
    endpoint = WebhookEndpoint.objects.filter(
        organization=organization, code=request.POST.get("endpoint", "")
    ).first()
    if endpoint is None:
        messages.error(request, gettext("No such webhook endpoint."))
    elif request.POST["action"] == "delete":
        webhook_endpoint_delete(endpoint=endpoint)
        _audit_webhook(request, organization, f"removed {endpoint.url}")
        messages.success(request, gettext("%(url)s is removed.") % {"url": endpoint.url})
    else:
        delivery = endpoint.deliveries.filter(code=request.POST.get("delivery", "")).first()
        if delivery is None:
            messages.error(request, gettext("No such delivery."))
        else:
            webhook_redeliver(delivery=delivery)
            _audit_webhook(request, organization, f"redelivered {delivery.message_id}")
            messages.success(
                request,
                gettext("Message %(id)s is being sent again.") % {"id": delivery.message_id},
            )
    return redirect("api_webhooks", org_slug=organization.slug)


def _audit_webhook(request, organization, what: str) -> None:
    audit_record(
        action=AuditEvent.Action.WEBHOOK_CHANGED,
        request=request,
        organization=organization,
        target=f"webhook: {what}"[:255],
    )


@login_required
@require_http_methods(["GET", "POST"])
def webhooks(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The organisation's webhook endpoints with their recent deliveries; register one (its
    secret is shown once, in the answer to the POST), remove one, redeliver a message."""
    organization = organization_for_user(request.user, org_slug, roles=[Membership.Role.ADMIN])
    if request.method == "POST" and request.POST.get("action") in ("delete", "redeliver"):
        return _webhook_action(request, organization)
    form = WebhookEndpointForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            created = webhook_endpoint_create(
                organization=organization, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            _audit_webhook(request, organization, f"registered {created.url}")
            form = WebhookEndpointForm()
    ctx = {
        "organization": organization,
        "form": form,
        "created": created,
        "endpoints": _endpoints(organization),
        "shown": DELIVERIES_SHOWN,
    }
    response = render(request, "api/webhooks.html", ctx)
    response["Cache-Control"] = "no-store"  # the page may carry a secret shown once
    return response
