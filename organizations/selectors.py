"""Reads of tenant data. Every view that reads an organisation's data starts here, so that
a user only ever sees the organisations they belong to (site staff see all)."""

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext

from .models import Membership, Organization

MANAGER_ROLES = (Membership.Role.ADMIN, Membership.Role.CONSULTANT)


def organizations_for_user(user, *, roles=None) -> QuerySet[Organization]:
    """The organisations `user` may see; with `roles`, only those where they hold one of them."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Organization.objects.none()
    if user.is_staff:
        return Organization.objects.all()
    memberships = Membership.objects.filter(user=user)
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    return Organization.objects.filter(pk__in=memberships.values("organization_id"))


def organizations_managed_by(user) -> QuerySet[Organization]:
    """Organisations where `user` is a consultant or admin: they may run assessments there."""
    return organizations_for_user(user, roles=MANAGER_ROLES)


def organization_for_user(user, slug: str, *, roles=None) -> Organization:
    """One organisation by slug, or Http404 when `user` may not see it (never 403: a
    forbidden organisation and a missing one look the same from outside)."""
    try:
        return organizations_for_user(user, roles=roles).get(slug=slug)
    except Organization.DoesNotExist:
        raise Http404(gettext("No such organisation.")) from None


def managed_organization(user, slug: str) -> Organization:
    """The organisation when `user` may manage it (its consultants and admins, site staff),
    else Http404: the one check behind every page of an organisation's rounds and members."""
    return organization_for_user(user, slug, roles=MANAGER_ROLES)


def role_in(user, organization: Organization) -> str | None:
    """The user's role in the organisation ("admin" for site staff), or None."""
    if user.is_staff:
        return Membership.Role.ADMIN
    membership = Membership.objects.filter(user=user, organization=organization).first()
    return membership.role if membership else None


def deleted_organizations_managed_by(user) -> QuerySet[Organization]:
    """Deleted organisations whose deletion `user` may undo: those where they were a
    consultant or admin (site staff: all). Only the lifecycle's undo page reads these."""
    deleted = Organization.all_objects.filter(deleted_at__isnull=False)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return deleted.none()
    if user.is_staff:
        return deleted
    memberships = Membership.objects.filter(user=user, role__in=MANAGER_ROLES)
    return deleted.filter(pk__in=memberships.values("organization_id"))


def may_invite_admins(user, organization: Organization) -> bool:
    """Only an organisation's admins (and site staff) may make someone else an admin."""
    return role_in(user, organization) == Membership.Role.ADMIN
