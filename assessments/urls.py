"""The consultant's assessment pages, included under /organisations/<org_slug>/assessments/."""

from django.urls import path

from .views import consultant as views

app_name = "assessments"

urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("new/", views.assessment_new, name="new"),
    path("<str:code>/", views.assessment_detail, name="detail"),
    path("<str:code>/send/", views.assessment_send, name="send"),
    path("<str:code>/<str:role>/resend/", views.respondent_resend, name="resend"),
    path("<str:code>/<str:role>/revoke/", views.respondent_revoke, name="revoke"),
    path("<str:code>/<str:role>/edit/", views.respondent_edit, name="edit"),
    path("<str:code>/<str:role>/remind/", views.respondent_remind_now, name="remind"),
    path("<str:code>/<str:role>/reopen/", views.respondent_reopen_for_changes, name="reopen"),
]
