"""The practice's branding: what every page, email and PDF reads, and how a site admin sets it.

`current_branding()` is the one reader. It is cached (Django's cache: per process by default,
shared when the deployment configures a shared cache), so a page costs no query; and each
process keeps its own copy for LOCAL_SECONDS on top, so a page costs no round trip to the
shared cache either (every page reads the branding: that trip was a tenth of a questionnaire
page's CPU). Saving or resetting clears both at once in the process that saved; other
processes pick the change up within LOCAL_SECONDS with a shared cache, CACHE_SECONDS without.
Without a stored row it is Parley's own branding.
"""

import base64
import hashlib
import logging
from dataclasses import dataclass
from time import monotonic

from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.urls import reverse

from .audit import audit_record
from .models import AuditEvent, Branding, User

logger = logging.getLogger(__name__)

CACHE_KEY = "parley:branding:v1"
CACHE_SECONDS = 60
LOCAL_SECONDS = 10

PARLEY_NAME = "Parley"
PARLEY_PRIMARY = "#12324f"  # the navy of alignment/presentation/palette.py
PARLEY_ACCENT = "#0b5ed7"


@dataclass(frozen=True)
class BrandingView:
    name: str = PARLEY_NAME
    primary_colour: str = PARLEY_PRIMARY
    accent_colour: str = PARLEY_ACCENT
    contact_line: str = ""
    legal_footer: str = ""
    logo: bytes = b""
    logo_type: str = ""
    is_default: bool = True

    @property
    def has_logo(self) -> bool:
        return bool(self.logo)

    @property
    def logo_version(self) -> str:
        return hashlib.sha256(self.logo).hexdigest()[:12]

    @property
    def logo_url(self) -> str:
        """The logo for web pages: served by our own view, its version in the query so a new
        logo is never hidden by a cached old one."""
        return f"{reverse('branding:logo')}?v={self.logo_version}" if self.logo else ""

    @property
    def logo_data_uri(self) -> str:
        """The logo for the PDF: inline, so the locked-down fetcher loads no file for it."""
        if not self.logo:
            return ""
        return f"data:{self.logo_type};base64,{base64.b64encode(self.logo).decode('ascii')}"


PARLEY = BrandingView()


def _view_of(row: Branding | None) -> BrandingView:
    if row is None:
        return PARLEY
    return BrandingView(
        name=row.name,
        primary_colour=row.primary_colour,
        accent_colour=row.accent_colour,
        contact_line=row.contact_line,
        legal_footer=row.legal_footer,
        logo=bytes(row.logo or b""),
        logo_type=row.logo_type,
        is_default=False,
    )


def _cache_call(method, *args):
    """A call on the cache that never fails a page: the cache may be a Redis that is down,
    and then every page reads the branding from the database instead."""
    try:
        return method(*args)
    except Exception as error:  # any backend's connection error
        logger.warning("cache unavailable for the branding: %s", error)
        return None


# (valid until, by monotonic(); the branding): this process's copy.
_local: tuple[float, BrandingView] | None = None


def current_branding() -> BrandingView:
    """The branding in force: the stored one, or Parley's."""
    global _local
    now = monotonic()
    if _local is not None and now < _local[0]:
        return _local[1]
    view = _cache_call(cache.get, CACHE_KEY)
    if view is None:
        try:
            view = _view_of(Branding.objects.filter(pk=Branding.SINGLETON_ID).first())
        except DatabaseError as error:
            # The error pages must still render while the database is down: Parley's own
            # branding for now, not cached, so the practice's returns with the database.
            logger.warning("branding unreadable, Parley's shown: %s", error)
            return PARLEY
        _cache_call(cache.set, CACHE_KEY, view, CACHE_SECONDS)
    _local = (now + LOCAL_SECONDS, view)
    return view


def branding_invalidate() -> None:
    global _local
    _local = None
    _cache_call(cache.delete, CACHE_KEY)


@transaction.atomic
def branding_update(
    *,
    actor: User,
    request=None,
    name: str,
    primary_colour: str,
    accent_colour: str,
    contact_line: str = "",
    legal_footer: str = "",
    logo: bytes | None = None,
    logo_type: str = "",
    remove_logo: bool = False,
) -> Branding:
    """Store the branding (values already checked by the form). `logo=None` keeps the
    stored logo unless `remove_logo`."""
    row = Branding.objects.select_for_update().filter(pk=Branding.SINGLETON_ID).first()
    row = row or Branding(pk=Branding.SINGLETON_ID)
    row.name, row.contact_line, row.legal_footer = name, contact_line, legal_footer
    row.primary_colour, row.accent_colour = primary_colour.lower(), accent_colour.lower()
    if logo is not None:
        row.logo, row.logo_type = logo, logo_type
    elif remove_logo:
        row.logo, row.logo_type = b"", ""
    row.updated_by = actor
    row.save()
    audit_record(
        action=AuditEvent.Action.BRANDING_CHANGED, request=request, actor=actor, target=name
    )
    branding_invalidate()  # this process at once; again on commit, after any re-read
    transaction.on_commit(branding_invalidate)
    return row


@transaction.atomic
def branding_reset(*, actor: User, request=None) -> None:
    """Back to Parley's own branding."""
    Branding.objects.filter(pk=Branding.SINGLETON_ID).delete()
    audit_record(
        action=AuditEvent.Action.BRANDING_CHANGED,
        request=request,
        actor=actor,
        target=f"reset to {PARLEY_NAME}",
    )
    branding_invalidate()  # this process at once; again on commit, after any re-read
    transaction.on_commit(branding_invalidate)
