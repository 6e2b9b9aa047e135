from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .forms import EmailAuthenticationForm
from .selectors import organizations_for_user


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
