"""The branding page for site staff, and the logo as every page shows it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from .branding import PARLEY, branding_reset, branding_update, current_branding
from .branding_forms import BrandingForm

# The logo is drawn by <img>, which never runs an SVG's code; these headers also keep it
# inert when someone opens its address directly.
LOGO_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "public, max-age=86400",
}


def _staff_only(request: HttpRequest) -> None:
    # Like every page a user may not use: not found, rather than a hint that it exists.
    if not request.user.is_staff:
        raise Http404


@login_required
def branding_settings(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    branding = current_branding()
    form = BrandingForm(
        request.POST or None, request.FILES or None, initial=BrandingForm.initial_from(branding)
    )
    if request.method == "POST" and form.is_valid():
        data, logo = form.cleaned_data, form.cleaned_data["logo"]
        branding_update(
            actor=request.user,
            request=request,
            name=data["name"],
            primary_colour=data["primary_colour"],
            accent_colour=data["accent_colour"],
            contact_line=data["contact_line"],
            legal_footer=data["legal_footer"],
            logo=logo.content if logo else None,
            logo_type=logo.media_type if logo else "",
            remove_logo=data["remove_logo"],
        )
        messages.success(
            request, gettext("The branding is saved: pages, emails and new reports use it.")
        )
        return redirect("branding:settings")
    ctx = {"form": form, "shown": branding, "parley": PARLEY}
    return render(request, "organizations/branding.html", ctx, status=400 if form.errors else 200)


@login_required
@require_POST
def branding_reset_view(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    branding_reset(actor=request.user, request=request)
    messages.success(request, gettext("The branding is back to Parley's own."))
    return redirect("branding:settings")


@require_GET
def branding_logo(request: HttpRequest) -> HttpResponse:
    """The stored logo: public, because the sign-in page and the executives' pages show it."""
    branding = current_branding()
    if not branding.has_logo:
        raise Http404
    response = HttpResponse(branding.logo, content_type=branding.logo_type)
    for header, value in LOGO_HEADERS.items():
        response[header] = value
    return response
