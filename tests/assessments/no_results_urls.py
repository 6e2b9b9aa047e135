"""The project's URLs without the workspace app (see results_urls)."""

from .results_urls import WITHOUT_ALIGNMENT as urlpatterns  # noqa: F401
