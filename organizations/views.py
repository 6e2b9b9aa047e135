from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from . import services
from .forms import ColleagueInviteForm, EmailAuthenticationForm, OrganizationForm
from .models import AuditEvent, Membership
from .selectors import managed_organization, organization_for_user, role_in


def home(request: HttpRequest) -> HttpResponse:
    """Signed-in users go to their organisations; everyone else to sign-in."""
    if request.user.is_authenticated:
        return redirect("workspace:dashboard")
    return redirect("login")


class SignInView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    redirect_authenticated_user = True


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
        messages.success(request, f"{organization.name} was created. You are its consultant.")
        return redirect("organizations:members", slug=organization.slug)
    return render(request, "organizations/organization_form.html", {"form": form})


@login_required
def members(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisation's members, and inviting a colleague (consultants and admins)."""
    organization = managed_organization(request.user, slug)
    can_invite_admins = role_in(request.user, organization) == Membership.Role.ADMIN
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
        messages.info(request, f"{email} is already a member; their role is unchanged.")
    else:
        messages.success(request, f"{email} was added and has been sent an email.")
