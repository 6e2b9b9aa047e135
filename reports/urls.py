"""The report's pages: the consultant's (under the assessment) and the executives' (by link)."""

from django.urls import path

from . import views

app_name = "reports"

_BASE = "organisations/<slug:slug>/assessments/<str:code>/report/"

urlpatterns = [
    path(_BASE, views.report_status, name="status"),
    path(f"{_BASE}status/", views.report_status_fragment, name="status_fragment"),
    path(f"{_BASE}download/", views.report_download, name="download"),
    path(f"{_BASE}render/", views.report_render_request, name="render"),
    path("r/<str:token>/report.pdf", views.executive_download, name="executive_download"),
]
