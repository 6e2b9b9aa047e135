"""The personal API tokens page: create (the token is shown once, in the answer to the
POST, never stored), list and revoke the signed-in user's tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from .forms import ApiTokenForm
from .tokens import api_token_create, api_token_revoke, token_organizations, tokens_of


def _revoke(request: HttpRequest) -> HttpResponse:
    token = tokens_of(request.user).filter(prefix=request.POST.get("revoke", "")).first()
    if token is None:
        messages.error(request, "No such token.")
    else:
        api_token_revoke(token=token, request=request)
        messages.success(request, f"Token {token.prefix} is revoked: it no longer works.")
    return redirect("api_tokens")


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and "revoke" in request.POST:
        return _revoke(request)
    form = ApiTokenForm(request.POST or None, organizations=token_organizations(request.user))
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = api_token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                organization=form.cleaned_data["organization"],
                read_only=form.cleaned_data["read_only"],
                expires_in_days=form.expires_in_days(),
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            form = ApiTokenForm(organizations=token_organizations(request.user))
    ctx = {"form": form, "issued": issued, "tokens": tokens_of(request.user)}
    response = render(request, "api/tokens.html", ctx)
    response["Cache-Control"] = "no-store"  # the page may carry a token shown once
    return response
