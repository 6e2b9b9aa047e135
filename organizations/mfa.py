"""Multi-factor sign-in policy: who must have it, and when a session has satisfied it.

A session satisfies it when its user has a second factor (TOTP or a security key: allauth
then asked for it at sign-in), or when the session began with single sign-on from a provider
that asserted a multi-factor sign-in in the ID token's `amr` claim (RFC 8176).
"""

from allauth.mfa.models import Authenticator
from django.conf import settings

# Set on the session at sign-in: this sign-in's second factor was checked by the provider.
MFA_BY_PROVIDER = "parley_mfa_by_provider"
# Set once the session is known to satisfy the policy, so the check costs no query after.
MFA_SATISFIED = "parley_mfa_satisfied"
# RFC 8176 values that mean more than a password: multi-factor, one-time code, hardware key,
# smart card, multiple channels; "fido" is what several providers send for a security key.
MFA_AMR_VALUES = frozenset({"mfa", "mca", "otp", "hwk", "sc", "fido"})
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def mfa_required(user) -> bool:
    """Whether this account must sign in with a second factor (PARLEY_REQUIRE_MFA)."""
    return bool(settings.PARLEY_REQUIRE_MFA and user.is_authenticated)


def user_has_second_factor(user) -> bool:
    return Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).exists()


def provider_asserted_mfa(sociallogin) -> bool:
    """Whether the OpenID Connect provider's ID token says the person used several factors."""
    if sociallogin is None:
        return False
    claims = (sociallogin.account.extra_data or {}).get("id_token") or {}
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    return bool(MFA_AMR_VALUES.intersection(str(value).lower() for value in amr))


def session_satisfies_mfa(request) -> bool:
    session = request.session
    if session.get(MFA_SATISFIED) or session.get(MFA_BY_PROVIDER):
        return True
    if user_has_second_factor(request.user):
        session[MFA_SATISFIED] = True
        return True
    return False
