from django.urls import path

from . import views

app_name = "organizations"

urlpatterns = [
    path("new/", views.organization_create, name="create"),
    path("<slug:slug>/members/", views.members, name="members"),
    path("<slug:slug>/audit/", views.audit_log, name="audit_log"),
    path("<slug:slug>/settings/", views.organization_settings, name="settings"),
]
