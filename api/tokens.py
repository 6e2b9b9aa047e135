"""Personal API tokens: `prly_<id>_<secret>`.

The id is 8 random characters that name the token in lists, logs and the throttle; the
secret is 256 random bits. The database keeps the id and the SHA-256 of the whole token
(the hash of assessments.tokens, as for the personal links), never the token itself.
"""

import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from assessments.tokens import hash_token, new_token
from organizations.audit import audit_record
from organizations.models import AuditEvent
from organizations.selectors import organizations_for_user

from .models import ApiToken

PREFIX = "prly_"
_ID_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # no 0/o, 1/l: read aloud or typed
_TOKEN_SHAPE = re.compile(r"^(prly_[a-z2-9]{8})_([A-Za-z0-9_-]{43})$")
MAX_EXPIRY_DAYS = 365
USED_AT_RESOLUTION = timedelta(minutes=1)  # last_used_at is written at most once a minute


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    raw: str  # shown once


def _new_prefix() -> str:
    return PREFIX + "".join(secrets.choice(_ID_ALPHABET) for _ in range(8))


@transaction.atomic
def api_token_create(
    *,
    user,
    name: str,
    organization=None,
    read_only: bool = False,
    expires_in_days: int | None = 90,
    request=None,
) -> IssuedToken:
    """A new token for `user`, optionally for one of their organisations only and/or for
    reads only, expiring after `expires_in_days` (None: never). The raw token is returned
    once and not kept."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": gettext("Name the token (what will use it?).")})
    if (
        organization is not None
        and not organizations_for_user(user).filter(pk=organization.pk).exists()
    ):
        raise ValidationError(
            {"organization": gettext("You are not a member of this organisation.")}
        )
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_EXPIRY_DAYS:
        raise ValidationError(
            {
                "expires": gettext("A token expires after 1 to %(max)d days.")
                % {"max": MAX_EXPIRY_DAYS}
            }
        )
    prefix = _new_prefix()
    raw = f"{prefix}_{new_token()}"
    expires_at = timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None
    token = ApiToken(
        user=user,
        name=name[:100],
        prefix=prefix,
        token_hash=hash_token(raw),
        organization=organization,
        read_only=read_only,
        expires_at=expires_at,
    )
    token.full_clean(exclude=["token_hash", "prefix"])
    token.save()
    audit_record(
        action=AuditEvent.Action.API_TOKEN_CREATED,
        request=request,
        actor=user,
        organization=organization,
        target=f"API token {prefix}",
    )
    return IssuedToken(token, raw)


@transaction.atomic
def api_token_revoke(*, token: ApiToken, request=None) -> ApiToken:
    """Withdraw a token (idempotent): it stops working at once."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit_record(
            action=AuditEvent.Action.API_TOKEN_REVOKED,
            request=request,
            actor=token.user,
            organization=token.organization,
            target=f"API token {token.prefix}",
        )
    return token


def token_for_raw(raw: str, *, now=None) -> ApiToken | None:
    """The live token this string is, or None (unknown, malformed, revoked, expired, or its
    owner deactivated). One query; the comparison of hashes takes constant time."""
    match = _TOKEN_SHAPE.match(raw or "")
    if match is None:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=match.group(1)).first()
    if token is None or not hmac.compare_digest(token.token_hash, hash_token(raw)):
        return None
    if not token.is_live(now) or not token.user.is_active:
        return None
    return token


def token_touch(token: ApiToken, *, now=None) -> None:
    """Record the use, at most once a minute (a busy client does not write on every call)."""
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= USED_AT_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def tokens_of(user):
    return ApiToken.objects.filter(user=user).select_related("organization")


def token_organizations(user):
    """The organisations a token of `user` may be narrowed to."""
    return organizations_for_user(user).order_by("name")
