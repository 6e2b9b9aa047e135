from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .forms import EmailAuthenticationForm
from .models import AuditEvent, Membership
from .selectors import organization_for_user, organizations_for_user


def home(request: HttpRequest) -> HttpResponse:
    """Signed-in users go to their organisations; everyone else to sign-in."""
    if request.user.is_authenticated:
        return redirect("organizations:list")
    return redirect("login")


@login_required
def organization_list(request: HttpRequest) -> HttpResponse:
    ctx = {"organizations": organizations_for_user(request.user)}
    return render(request, "organizations/organization_list.html", ctx)


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
