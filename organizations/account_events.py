"""What allauth's account, MFA and single sign-on signals leave in the audit log, and the
sessions they end. (Sign-in, sign-out and failed passwords: organizations.audit.)"""

from allauth.account.signals import password_changed, user_logged_in, user_signed_up
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import (
    authentication_failed,
    authenticator_added,
    authenticator_removed,
    authenticator_reset,
)
from allauth.socialaccount.signals import social_account_added, social_account_removed
from allauth.usersessions.models import UserSession
from django.dispatch import receiver

from .audit import Action, audit_record
from .mfa import MFA_BY_PROVIDER, MFA_SATISFIED, provider_asserted_mfa

_KINDS = dict(Authenticator.Type.choices)


def _kind(authenticator) -> str:
    return str(_KINDS.get(authenticator.type, authenticator.type))


def end_other_sessions(*, user, keep_session_key: str | None = None) -> int:
    """End every signed-in session of `user` but the one with `keep_session_key`."""
    ended = 0
    for session in UserSession.objects.filter(user=user):
        if session.session_key != keep_session_key:
            session.end()
            ended += 1
    return ended


def _end_others(request, user) -> None:
    current = request.session.session_key if request is not None else None
    if end_other_sessions(user=user, keep_session_key=current):
        audit_record(action=Action.SESSIONS_ENDED, request=request, actor=user)


@receiver(user_logged_in)
def _note_how_mfa_was_done(sender, request, user, sociallogin=None, **kwargs):
    """A sign-in starts a session; single sign-on with the provider's MFA marks it so."""
    request.session[MFA_BY_PROVIDER] = provider_asserted_mfa(sociallogin)
    if sociallogin is not None:
        audit_record(
            action=Action.SSO_SIGN_IN,
            request=request,
            actor=user,
            target=f"{sociallogin.account.provider}"
            + (" (MFA by the provider)" if request.session[MFA_BY_PROVIDER] else ""),
        )


@receiver(authenticator_added)
def _factor_added(sender, request, user, authenticator, **kwargs):
    audit_record(action=Action.MFA_ADDED, request=request, actor=user, target=_kind(authenticator))
    _end_others(request, user)


@receiver(authenticator_removed)
def _factor_removed(sender, request, user, authenticator, **kwargs):
    audit_record(
        action=Action.MFA_REMOVED, request=request, actor=user, target=_kind(authenticator)
    )
    request.session.pop(MFA_SATISFIED, None)  # checked again on the next request
    _end_others(request, user)


@receiver(authenticator_reset)
def _codes_renewed(sender, request, user, authenticator, **kwargs):
    audit_record(
        action=Action.MFA_CODES_RENEWED, request=request, actor=user, target=_kind(authenticator)
    )
    _end_others(request, user)


@receiver(authentication_failed)
def _second_factor_failed(sender, request, user, authenticator=None, **kwargs):
    target = _kind(authenticator) if authenticator is not None else ""
    audit_record(action=Action.MFA_FAILED, request=request, actor=user, target=target)


@receiver(password_changed)
def _password_changed(sender, request, user, **kwargs):
    # Django's session hash already signs the other sessions out; end their records too.
    audit_record(action=Action.PASSWORD_CHANGED, request=request, actor=user)
    _end_others(request, user)


@receiver(social_account_added)
def _sso_linked(sender, request, sociallogin, **kwargs):
    user = sociallogin.user
    audit_record(
        action=Action.SSO_LINKED, request=request, actor=user, target=sociallogin.account.provider
    )


@receiver(user_signed_up)
def _sso_account_created(sender, request, user, sociallogin=None, **kwargs):
    if sociallogin is not None:
        audit_record(
            action=Action.SSO_LINKED,
            request=request,
            actor=user,
            target=f"{sociallogin.account.provider} (account created)",
        )


@receiver(social_account_removed)
def _sso_unlinked(sender, request, socialaccount, **kwargs):
    audit_record(
        action=Action.SSO_UNLINKED,
        request=request,
        actor=socialaccount.user,
        target=socialaccount.provider,
    )
