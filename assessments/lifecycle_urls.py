"""Deleted organisations and their undo, at /deleted-organisations/ (outside /organisations/,
whose paths start with an organisation's slug)."""

from django.urls import path

from .views import lifecycle as views

app_name = "lifecycle"

urlpatterns = [
    path("", views.deleted_organizations, name="deleted_organizations"),
    path("<slug:org_slug>/restore/", views.organization_restore_view, name="restore_organization"),
]
