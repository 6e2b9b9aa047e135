from django.urls import path

from . import branding_views

app_name = "branding"

urlpatterns = [
    path("settings/branding/", branding_views.branding_settings, name="settings"),
    path("settings/branding/reset/", branding_views.branding_reset_view, name="reset"),
    path("branding/logo", branding_views.branding_logo, name="logo"),
]
