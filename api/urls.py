"""/api/v1/…, the OpenAPI schema at /api/schema/ and its browsable docs at /api/docs/, and the
personal API tokens page (/account/api-tokens/)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import pages
from .views import assessments, organizations, results, webhooks, workshop

app_name = "api"

_ORG = "v1/organizations/<slug:org_slug>/"
_ROUND = _ORG + "assessments/<str:code>/"
_HOOK = _ORG + "webhooks/<str:endpoint_code>/"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("v1/organizations/", organizations.OrganizationList.as_view(), name="organizations"),
    path(_ORG, organizations.OrganizationDetail.as_view(), name="organization"),
    path(_ORG + "members/", organizations.MemberList.as_view(), name="members"),
    path(_ORG + "assessments/", assessments.AssessmentList.as_view(), name="assessments"),
    path(_ROUND, assessments.AssessmentDetail.as_view(), name="assessment"),
    path(_ROUND + "send/", assessments.AssessmentSend.as_view(), name="send"),
    path(
        _ROUND + "respondents/<str:role>/remind/",
        assessments.RespondentRemind.as_view(),
        name="remind",
    ),
    path(
        _ROUND + "respondents/<str:role>/revoke/",
        assessments.RespondentRevoke.as_view(),
        name="revoke",
    ),
    path(_ROUND + "next-round/", assessments.NextRound.as_view(), name="next_round"),
    path(_ROUND + "results/", results.Results.as_view(), name="results"),
    path(_ROUND + "reports/", results.ReportList.as_view(), name="reports"),
    path(_ROUND + "reports/latest.pdf", results.ReportDownload.as_view(), name="report_download"),
    path(_ROUND + "export.xlsx", results.ExportXlsx.as_view(), name="export_xlsx"),
    path(_ROUND + "export/<slug:table>.csv", results.ExportCsv.as_view(), name="export_csv"),
    path(_ROUND + "workshop/", workshop.Workshop.as_view(), name="workshop"),
    path(
        _ROUND + "workshop/positions/<str:dimension>/",
        workshop.Position.as_view(),
        name="position",
    ),
    path(_ROUND + "workshop/actions/", workshop.ActionList.as_view(), name="actions"),
    path(
        _ROUND + "workshop/actions/<str:action_code>/",
        workshop.ActionDetail.as_view(),
        name="action",
    ),
    path(_ROUND + "workshop/finish/", workshop.WorkshopFinish.as_view(), name="workshop_finish"),
    path(_ORG + "webhooks/", webhooks.EndpointList.as_view(), name="webhooks"),
    path(_HOOK, webhooks.EndpointDetail.as_view(), name="webhook"),
    path(_HOOK + "deliveries/", webhooks.DeliveryList.as_view(), name="deliveries"),
    path(
        _HOOK + "deliveries/<str:delivery_code>/redeliver/",
        webhooks.Redeliver.as_view(),
        name="redeliver",
    ),
]

page_urlpatterns = [
    path("account/api-tokens/", pages.api_tokens, name="api_tokens"),
    path("organisations/<slug:org_slug>/webhooks/", pages.webhooks, name="api_webhooks"),
]
