"""The results pages, included at the site root (their paths sit beside the assessment pages
and the respondent journey: /organisations/<org>/assessments/<code>/… and /r/<token>/…)."""

from django.urls import path

from . import views

app_name = "alignment"

urlpatterns = [
    path(
        "organisations/<slug:org_slug>/assessments/<str:code>/results/",
        views.results,
        name="results",
    ),
    path("r/<str:token>/results/", views.respondent_results, name="respondent_results"),
]
