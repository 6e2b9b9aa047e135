"""The respondent journey, included under /r/<token>/: the personal link is the path."""

from django.urls import path

from .views import privacy as privacy_views
from .views import respondent as views

app_name = "respond"

urlpatterns = [
    path("", views.welcome, name="welcome"),
    path("topics/<str:code>/", views.page, name="page"),
    path("answer/", views.autosave, name="autosave"),
    path("review/", views.review, name="review"),
    path("submit/", views.submit, name="submit"),
    path("language/", views.language, name="language"),
    path("privacy/", privacy_views.privacy, name="privacy"),
    path("my-data.json", privacy_views.my_data, name="my_data"),
]
