from urllib.parse import urlparse

from allauth.account import views as allauth_views
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext

from . import services
from .audit import client_ip
from .forms import (
    ColleagueInviteForm,
    LanguagePreferenceForm,
    OrganizationForm,
    OrganizationSettingsForm,
)
from .models import AuditEvent, Membership, fold_email
from .ratelimit import Limit, limit_from_settings, rate_limit_exceeded
from .selectors import managed_organization, may_invite_admins, organization_for_user


def home(request: HttpRequest) -> HttpResponse:
    """Signed-in users go to their organisations; everyone else to sign-in."""
    if request.user.is_authenticated:
        return redirect("workspace:dashboard")
    return redirect("login")


def too_many_requests(request: HttpRequest, limit: Limit) -> HttpResponse:
    ctx = {"minutes": limit.minutes}
    return render(request, "registration/too_many_requests.html", ctx, status=429)


class SignInView(allauth_views.LoginView):
    """allauth's sign-in (password, then the second factor when the account has one), limited
    per client address; django-axes locks an (email, address) pair after failures."""

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        if origins := sso_provider_origins():
            # The single sign-on buttons post here, and the answer redirects to the provider:
            # browsers check that redirect against this page's form-action ('self' only).
            response._csp_update = {"form-action": origins}
        return response

    def post(self, request, *args, **kwargs):
        limit = limit_from_settings("sign-in-ip", "RATE_LIMIT_SIGN_IN_PER_IP")
        if rate_limit_exceeded(limit=limit, subject=client_ip(request)):
            return too_many_requests(request, limit)
        return super().post(request, *args, **kwargs)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's, limited per client address (a 429 page) and per email address (beyond the
    limit the page reads the same but nothing is sent, so it tells nothing about accounts)."""

    def post(self, request, *args, **kwargs):
        limit = limit_from_settings("password-reset-ip", "RATE_LIMIT_PASSWORD_RESET_PER_IP")
        if rate_limit_exceeded(limit=limit, subject=client_ip(request)):
            return too_many_requests(request, limit)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        limit = limit_from_settings("password-reset-email", "RATE_LIMIT_PASSWORD_RESET_PER_EMAIL")
        if rate_limit_exceeded(limit=limit, subject=fold_email(form.cleaned_data["email"])):
            return redirect(self.get_success_url())
        return super().form_valid(form)


@login_required
def audit_log(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisation's audit log, for its admins (and site staff) only."""
    organization = organization_for_user(request.user, slug, roles=[Membership.Role.ADMIN])
    page = Paginator(
        AuditEvent.objects.filter(organization=organization).select_related("actor"), 50
    ).get_page(request.GET.get("page"))
    ctx = {"organization": organization, "page": page}
    return render(request, "organizations/audit_log.html", ctx)


@login_required
def organization_create(request: HttpRequest) -> HttpResponse:
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organization = services.organization_create(creator=request.user, **form.cleaned_data)
        messages.success(
            request,
            gettext("%(name)s was created. You are its consultant.") % {"name": organization.name},
        )
        return redirect("organizations:members", slug=organization.slug)
    return render(request, "organizations/organization_form.html", {"form": form})


@login_required
def members(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisation's members, and inviting a colleague (consultants and admins)."""
    organization = managed_organization(request.user, slug)
    can_invite_admins = may_invite_admins(request.user, organization)
    form = ColleagueInviteForm(request.POST or None, can_invite_admins=can_invite_admins)
    if request.method == "POST" and form.is_valid():
        outcome = services.colleague_invite(
            organization=organization, inviter=request.user, **form.cleaned_data
        )
        _report_invite(request, outcome)
        return redirect("organizations:members", slug=organization.slug)
    ctx = {
        "organization": organization,
        "memberships": organization.memberships.select_related("user").order_by("user__email"),
        "form": form,
    }
    return render(request, "organizations/members.html", ctx)


def _report_invite(request, outcome) -> None:
    email = outcome.membership.user.email
    if outcome.already_member:
        messages.info(
            request,
            gettext("%(email)s is already a member; their role is unchanged.") % {"email": email},
        )
    else:
        messages.success(
            request, gettext("%(email)s was added and has been sent an email.") % {"email": email}
        )


def sso_provider_origins() -> list[str]:
    """The origins of the single sign-on providers' issuers."""
    apps = settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS", [])
    origins = []
    for app in apps:
        url = urlparse(app["settings"]["server_url"])
        origins.append(f"{url.scheme}://{url.netloc}")
    return origins


@login_required
def organization_settings(request: HttpRequest, slug: str) -> HttpResponse:
    """An organisation's details and its report language, for whoever manages its rounds."""
    organization = managed_organization(request.user, slug)
    form = OrganizationSettingsForm(request.POST or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, gettext("The organisation's settings were saved."))
        return redirect("organizations:settings", slug=organization.slug)
    ctx = {"organization": organization, "form": form}
    return render(request, "organizations/organization_settings.html", ctx)


@login_required
def language_preference(request: HttpRequest) -> HttpResponse:
    """The signed-in user's interface language (UserLanguageMiddleware applies it)."""
    form = LanguagePreferenceForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        # This response already speaks the new language (the browser's when left blank).
        translation.activate(user.language or translation.get_language_from_request(request))
        messages.success(request, gettext("Your language was saved."))
        return redirect("account_language")
    return render(request, "organizations/language.html", {"form": form})
