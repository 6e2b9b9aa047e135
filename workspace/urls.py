"""The consultant's workspace and the results pages, included at the site root beside the
assessment pages (/organisations/<org>/assessments/<code>/…), the organisation pages
(/organisations/…) and the respondent journey (/r/<token>/…)."""

from django.urls import path

from .views import dashboard, results, workshop

app_name = "workspace"

_ORG = "organisations/<slug:org_slug>/"
_ROUND = _ORG + "assessments/<str:code>/"

urlpatterns = [
    path("organisations/", dashboard.organization_list, name="dashboard"),
    path("organisations/portfolio/", workshop.portfolio, name="portfolio"),
    path(_ORG + "portfolio/", workshop.portfolio, name="organization_portfolio"),
    path(_ORG + "actions/", workshop.actions, name="actions"),
    path(_ORG + "actions/<str:action_code>/", workshop.action_update, name="action_update"),
    path(_ORG + "export.xlsx", workshop.export_organization, {"fmt": "xlsx"}, name="org_xlsx"),
    path(
        _ORG + "export/<slug:table>.csv",
        workshop.export_organization,
        {"fmt": "csv"},
        name="org_csv",
    ),
    path(_ROUND + "results/", results.results, name="results"),
    path(_ROUND + "workshop/", workshop.presenter, name="presenter"),
    path(_ROUND + "workshop/state/", workshop.state, name="state"),
    path(_ROUND + "workshop/finish/", workshop.finish, name="finish"),
    path(_ROUND + "workshop/<str:dimension>/position/", workshop.consensus, name="consensus"),
    path(
        _ROUND + "workshop/<str:dimension>/actions/", workshop.action_create, name="action_create"
    ),
    path(
        _ROUND + "workshop/actions/<str:action_code>/status/",
        workshop.action_status,
        name="action_status",
    ),
    path(
        _ROUND + "workshop/actions/<str:action_code>/remove/",
        workshop.action_remove,
        name="action_remove",
    ),
    path(_ROUND + "results/gaps/", workshop.gap_map, name="gap_map"),
    path(_ROUND + "results/trend/", workshop.trend, name="trend"),
    path(_ROUND + "next-round/", workshop.next_round, name="next_round"),
    path(_ROUND + "export.xlsx", workshop.export_assessment, {"fmt": "xlsx"}, name="xlsx"),
    path(
        _ROUND + "export/<slug:table>.csv",
        workshop.export_assessment,
        {"fmt": "csv"},
        name="csv",
    ),
    path("r/<str:token>/results/", results.respondent_results, name="respondent_results"),
]
