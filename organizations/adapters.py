"""Sign-in policy, in django-allauth's adapters (settings name them): who may enter, by which
route, and when a second factor is asked for. Views stay allauth's own."""

import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.stages import AuthenticateStage
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext, gettext_noop

from .audit import Action, audit_record
from .emails import render_subject
from .mfa import provider_asserted_mfa
from .models import User, fold_email

logger = logging.getLogger("parley.accounts")
_ALLAUTH_MFA_STAGE = "allauth.mfa.stages.AuthenticateStage"


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        """Accounts are created by invitation (or single sign-on from an allowed domain)."""
        return False

    def get_login_stages(self) -> list[str]:
        stages = super().get_login_stages()
        return [
            "organizations.adapters.SecondFactorStage" if stage == _ALLAUTH_MFA_STAGE else stage
            for stage in stages
        ]

    def render_mail(self, template_prefix, email, context, headers=None):
        """allauth's emails, with the subject as every Parley subject: unescaped, one line."""
        message = super().render_mail(template_prefix, email, context, headers=headers)
        subject = render_subject(f"{template_prefix}_subject.txt", context)
        message.subject = self.format_email_subject(subject)
        return message


class SecondFactorStage(AuthenticateStage):
    """allauth's second-factor step, skipped when the single sign-on provider asserted that
    the person already used several factors (organizations.mfa.provider_asserted_mfa)."""

    def handle(self):
        sociallogin = (self.login.signal_kwargs or {}).get("sociallogin")
        if provider_asserted_mfa(sociallogin):
            return None, True
        return super().handle()


def _verified_email(sociallogin) -> str | None:
    for address in sociallogin.email_addresses:
        if address.verified and address.email:
            return fold_email(address.email)
    return None


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Single sign-on: by the email address the provider verified, for people who already
    have an account, or whose email domain is in PARLEY_SSO_ALLOWED_DOMAINS."""

    def pre_social_login(self, request, sociallogin) -> None:
        email = _verified_email(sociallogin)
        if email is None:
            self._refuse(
                request,
                sociallogin,
                "",
                gettext_noop("the provider did not verify an email address"),
            )
        if sociallogin.is_existing:
            return
        if not (User.objects.filter(email__iexact=email).exists() or _domain_allowed(email)):
            self._refuse(
                request,
                sociallogin,
                email,
                gettext_noop("no Parley account has this email address"),
            )

    def list_apps(self, request, provider=None, client_id=None):
        """Providers come from the environment (PARLEY_OIDC_PROVIDERS). Without any, no
        query: the sign-in page must not need the database to say there is none."""
        if not settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS"):
            return []
        return super().list_apps(request, provider=provider, client_id=client_id)

    def is_open_for_signup(self, request, sociallogin) -> bool:
        email = _verified_email(sociallogin)
        return bool(email and _domain_allowed(email))

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        user.full_name = (data.get("name") or "")[:150]
        user.email = fold_email(user.email)
        return user

    def _refuse(self, request, sociallogin, email: str, reason: str):
        provider = sociallogin.account.provider
        audit_record(
            action=Action.SSO_REFUSED,
            request=request,
            actor_label=email or "unknown",
            target=f"{provider}: {reason}",
        )
        # The audit log keeps the English reason (for operators); the page says it in the
        # reader's language.
        ctx = {"reason": gettext(reason), "email": email}
        raise ImmediateHttpResponse(render(request, "account/sso_refused.html", ctx, status=403))


def _domain_allowed(email: str) -> bool:
    return email.rpartition("@")[2] in settings.PARLEY_SSO_ALLOWED_DOMAINS
