from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config.health import healthz
from config.icons import FaviconView
from organizations import views as org_views

admin.site.site_header = "Parley administration"
admin.site.site_title = "Parley admin"

urlpatterns = [
    path("", org_views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
    path("accounts/login/", org_views.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("django.contrib.auth.urls")),
    # The PDF report: /organisations/<slug>/assessments/<code>/report/… and /r/<token>/report.pdf
    path("", include("reports.urls")),
    path("organisations/", include("organizations.urls")),
    # The practice's branding: /settings/branding/ (site staff) and the logo every page shows.
    path("", include("organizations.branding_urls")),
    path("organisations/<slug:org_slug>/assessments/", include("assessments.urls")),
    path("r/<str:token>/", include("assessments.respondent_urls")),
    path("deleted-organisations/", include("assessments.lifecycle_urls")),
    # The consultant's workspace and the results pages: dashboard, results, gap map, workshop,
    # rounds, actions, portfolio, exports; and the executives' results by link.
    path("", include("workspace.urls")),
    path("admin/", admin.site.urls),
]
