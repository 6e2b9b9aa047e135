"""The consultant's workspace, included at the site root beside the assessment pages
(/organisations/<org>/assessments/<code>/…) and the organisation pages (/organisations/…)."""

from django.urls import path

from . import views

app_name = "workshop"

_ORG = "organisations/<slug:org_slug>/"
_ROUND = _ORG + "assessments/<str:code>/"

urlpatterns = [
    path("organisations/portfolio/", views.portfolio, name="portfolio"),
    path(_ORG + "portfolio/", views.portfolio, name="organization_portfolio"),
    path(_ORG + "actions/", views.actions, name="actions"),
    path(_ORG + "actions/<str:action_code>/", views.action_update, name="action_update"),
    path(_ORG + "export.xlsx", views.export_organization, {"fmt": "xlsx"}, name="org_xlsx"),
    path(
        _ORG + "export/<slug:table>.csv", views.export_organization, {"fmt": "csv"}, name="org_csv"
    ),
    path(_ROUND + "workshop/", views.presenter, name="presenter"),
    path(_ROUND + "workshop/state/", views.state, name="state"),
    path(_ROUND + "workshop/finish/", views.finish, name="finish"),
    path(_ROUND + "workshop/<str:dimension>/position/", views.consensus, name="consensus"),
    path(_ROUND + "workshop/<str:dimension>/actions/", views.action_create, name="action_create"),
    path(
        _ROUND + "workshop/actions/<str:action_code>/status/",
        views.action_status,
        name="action_status",
    ),
    path(
        _ROUND + "workshop/actions/<str:action_code>/remove/",
        views.action_remove,
        name="action_remove",
    ),
    path(_ROUND + "results/gaps/", views.gap_map, name="gap_map"),
    path(_ROUND + "results/trend/", views.trend, name="trend"),
    path(_ROUND + "next-round/", views.next_round, name="next_round"),
    path(_ROUND + "export.xlsx", views.export_assessment, {"fmt": "xlsx"}, name="xlsx"),
    path(_ROUND + "export/<slug:table>.csv", views.export_assessment, {"fmt": "csv"}, name="csv"),
]
