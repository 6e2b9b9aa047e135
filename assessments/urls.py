"""The consultant's assessment pages, included under /organisations/<org_slug>/assessments/."""

from django.urls import path

from .views import consultant as views
from .views import lifecycle

app_name = "assessments"

urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("new/", views.assessment_new, name="new"),
    # Data lifecycle: deleting (and undoing), legal hold, erasing an executive.
    path("delete-organisation/", lifecycle.organization_delete_view, name="delete_organization"),
    path("deleted/", lifecycle.deleted_assessments, name="deleted"),
    path("deleted/<str:code>/restore/", lifecycle.assessment_restore_view, name="restore"),
    path("<str:code>/", views.assessment_detail, name="detail"),
    path("<str:code>/send/", views.assessment_send, name="send"),
    path("<str:code>/delete/", lifecycle.assessment_delete_view, name="delete"),
    path("<str:code>/hold/", lifecycle.assessment_hold_view, name="hold"),
    path("<str:code>/<str:role>/erase/", lifecycle.respondent_erase_view, name="erase"),
    path("<str:code>/<str:role>/resend/", views.respondent_resend, name="resend"),
    path("<str:code>/<str:role>/revoke/", views.respondent_revoke, name="revoke"),
    path("<str:code>/<str:role>/edit/", views.respondent_edit, name="edit"),
    path("<str:code>/<str:role>/remind/", views.respondent_remind_now, name="remind"),
    path("<str:code>/<str:role>/reopen/", views.respondent_reopen_for_changes, name="reopen"),
]
