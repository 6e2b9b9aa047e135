"""The question-bank pages for bank editors, under /banks/."""

from django.urls import path

from .views import banks as views

app_name = "banks"

urlpatterns = [
    path("", views.bank_list, name="list"),
    path("<slug:bank>/<int:version>/", views.bank_detail, name="detail"),
    path("<slug:bank>/<int:version>/preview/<str:role>/", views.bank_preview, name="preview"),
    path("<slug:bank>/<int:version>/publish/", views.bank_publish, name="publish"),
    path("<slug:bank>/<int:version>/discard/", views.bank_discard, name="discard"),
    path("<slug:bank>/<int:version>/export.<str:fmt>", views.bank_export, name="export"),
]
