"""Writes for organisations and their members. Plain functions `<noun>_<verb>`."""

from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext

from .account_events import end_other_sessions
from .audit import Action, audit_record
from .emails import render_subject
from .models import Membership, Organization, User
from .selectors import may_invite_admins


@transaction.atomic
def organization_create(
    *, creator: User, name, slug, sector="", size_band="", region="", report_language="en"
):
    """Create a client organisation; its creator becomes its consultant."""
    organization = Organization(
        name=name,
        slug=slug,
        sector=sector,
        size_band=size_band,
        region=region,
        report_language=report_language,
    )
    organization.full_clean()
    organization.save()
    Membership.objects.create(
        user=creator, organization=organization, role=Membership.Role.CONSULTANT
    )
    return organization


@dataclass(frozen=True)
class InviteOutcome:
    membership: Membership
    created_user: bool
    already_member: bool


@transaction.atomic
def colleague_invite(*, organization, inviter, email, role, full_name="") -> InviteOutcome:
    """Give a colleague a role in the organisation and tell them by email.

    A new address gets an account without a password and a link to choose one (the password
    reset mechanism, valid PASSWORD_RESET_TIMEOUT); an existing member keeps their role.
    Only an admin may invite an admin (ValidationError on `role`), whatever the caller: the
    members page, the API.
    """
    if role == Membership.Role.ADMIN and not may_invite_admins(inviter, organization):
        raise ValidationError({"role": gettext("Only an organisation admin may invite an admin.")})
    user, created_user = User.objects.get_or_create(
        email__iexact=email, defaults={"email": email.lower(), "full_name": full_name}
    )
    if created_user:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    membership, created = Membership.objects.get_or_create(
        user=user, organization=organization, defaults={"role": role}
    )
    if created:
        link = _set_password_link(user) if created_user else None
        transaction.on_commit(lambda: _send_invite(organization, inviter, user, link))
    return InviteOutcome(membership, created_user, already_member=not created)


def _set_password_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return settings.PARLEY_BASE_URL + path


def _send_invite(organization, inviter, user, link) -> None:
    ctx = {
        "organization": organization,
        "inviter": inviter,
        "user": user,
        "set_password_link": link,
        "login_url": settings.PARLEY_BASE_URL + reverse("login"),
    }
    # In the language the colleague chose, if they are a user already; else the inviter's
    # (the request's, still active when this runs on commit).
    with translation.override(user.language or translation.get_language()):
        subject = render_subject("emails/colleague_invite-subject.txt", ctx)
        text = render_to_string("emails/colleague_invite-body.txt", ctx)
        html = render_to_string("emails/colleague_invite-body.html", ctx)
    message = EmailMultiAlternatives(subject, text, to=[user.email])
    message.attach_alternative(html, "text/html")
    message.send()


@transaction.atomic
def user_mfa_reset(*, user: User, by: User, request=None) -> int:
    """Remove every second factor and recovery code of `user` (a lost phone and lost codes)
    and end their sessions; they enrol again at their next sign-in. Returns how many
    authenticators were removed."""
    removed, _ = Authenticator.objects.filter(user=user).delete()
    end_other_sessions(user=user)
    audit_record(
        action=Action.MFA_RESET,
        request=request,
        actor=by,
        target=f"{user.email} ({removed} authenticator(s) removed)",
    )
    return removed
