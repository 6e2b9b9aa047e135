"""URLconfs for testing the results link of the respondent pages independently of the
alignment app: `urlpatterns` has a stand-in `workspace:respondent_results`, and
`tests.assessments.no_results_urls` has none at all."""

from django.http import HttpResponse
from django.urls import include, path

from config.urls import urlpatterns as project_patterns

WITHOUT_ALIGNMENT = [
    pattern for pattern in project_patterns if getattr(pattern, "namespace", None) != "workspace"
]


def _results(request, token):
    return HttpResponse("results")


_stand_in = ([path("r/<str:token>/results/", _results, name="respondent_results")], "workspace")

urlpatterns = [path("stand-in/", include(_stand_in)), *WITHOUT_ALIGNMENT]
