"""Writing the audit log. Called from views and services; sign-in events come from signals."""

import logging

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import translation

from config.redaction import redact

from .models import AuditEvent

logger = logging.getLogger("parley.audit")
Action = AuditEvent.Action


def in_log_language():
    """The audit log is kept in English, whoever's language the request speaks: a record's
    words (a role, a kind of email) are worded inside this, not in an executive's German."""
    return translation.override(settings.LANGUAGE_CODE)


def client_ip(request) -> str | None:
    """The client's address as Django sees it. Behind a proxy, configure the proxy to set
    REMOTE_ADDR (e.g. gunicorn's --forwarded-allow-ips): X-Forwarded-For is not trusted here."""
    return request.META.get("REMOTE_ADDR") if request is not None else None


def audit_record(
    *, action: str, request=None, actor=None, actor_label: str = "", organization=None, target=""
) -> AuditEvent:
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        actor = request.user if request.user.is_authenticated else None
    label = actor_label or (actor.email if actor is not None else "anonymous")
    # A denied request's target is its path: a personal link's token must not be kept.
    target = redact(str(target))
    event = AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_label=label[:254],
        organization=organization,
        target=str(target)[:255],
        ip_address=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request else "")[:255],
    )
    logger.info("audit %s by %s org=%s target=%s", action, label, organization, target)
    return event


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    audit_record(action=Action.SIGN_IN, request=request, actor=user)


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action=Action.SIGN_OUT, request=request, actor=user)


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    # Never the password: only the address that was tried.
    tried = str(credentials.get("username") or credentials.get("email") or "")
    audit_record(
        action=Action.SIGN_IN_FAILED, request=request, actor_label=tried or "unknown", target=tried
    )
