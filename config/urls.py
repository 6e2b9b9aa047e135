from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from api.urls import page_urlpatterns as api_pages
from config import accounts_urls
from config.health import healthz
from config.icons import FaviconView
from organizations import views as org_views

admin.site.site_header = _("Parley administration")
# The admin signs in through Parley's sign-in (allauth's, second factor included), never
# through its own password-only form.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_title = _("Parley admin")

urlpatterns = [
    # First: the respondents' questionnaire is most of the traffic (44 autosaves a
    # questionnaire), and Django tries the patterns in order. Nothing else starts with r/<token>/
    # but the report (reports.urls) and the results (workspace.urls), found after it.
    path("r/<str:token>/", include("assessments.respondent_urls")),
    path("", org_views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
    path("accounts/login/", org_views.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password_reset/",
        org_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    # One way each to reset and to change a password: allauth's addresses lead to the same.
    path(
        "accounts/password/reset/",
        RedirectView.as_view(pattern_name="password_reset"),
        name="account_reset_password",
    ),
    path(
        "accounts/password_change/",
        RedirectView.as_view(pattern_name="account_change_password"),
        name="password_change",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("account/language/", org_views.language_preference, name="account_language"),
    # allauth: second factors, sessions, single sign-on, password change (see accounts_urls).
    *accounts_urls.urlpatterns,
    # The PDF report: /organisations/<slug>/assessments/<code>/report/… and /r/<token>/report.pdf
    path("", include("reports.urls")),
    path("organisations/", include("organizations.urls")),
    # The practice's branding: /settings/branding/ (site staff) and the logo every page shows.
    path("", include("organizations.branding_urls")),
    path("organisations/<slug:org_slug>/assessments/", include("assessments.urls")),
    # Question banks for bank editors: import, preview, publish, export (site-wide data).
    path("banks/", include("assessments.bank_urls")),
    path("deleted-organisations/", include("assessments.lifecycle_urls")),
    # The consultant's workspace and the results pages: dashboard, results, gap map, workshop,
    # rounds, actions, portfolio, exports; and the executives' results by link.
    path("", include("workspace.urls")),
    # The REST API (/api/v1/…, /api/schema/, /api/docs/) and the API tokens page.
    path("api/", include("api.urls")),
    *api_pages,
    path("admin/", admin.site.urls),
]
