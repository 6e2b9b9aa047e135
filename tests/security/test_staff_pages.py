"""Site settings (the STAFF table of routes.py): for site staff only, walked over every kind
of requester of a tenant. Nobody else may change them, nor learn that they exist."""

import pytest
from django.test import Client
from django.urls import reverse

from organizations.models import Branding
from tests.branding_samples import clear_branding_cache

from .routes import GET, STAFF, routes_in

pytestmark = pytest.mark.django_db
LOGIN = reverse("login")


@pytest.fixture(autouse=True)
def _fresh_branding():
    clear_branding_cache()
    yield
    clear_branding_cache()


def test_there_are_staff_pages_to_walk():
    assert {route.name for route in routes_in(STAFF)} == set(STAFF)


@pytest.mark.parametrize("route", routes_in(STAFF), ids=str)
@pytest.mark.parametrize("kind", ["consultant", "admin", "executive", "respondent", "anonymous"])
def test_staff_pages_are_not_found_for_anyone_but_site_staff(route, kind, clients):
    view = STAFF[route.name]
    for method in view.methods:
        response = getattr(clients(kind), method)(route.path({}), view.data)
        where = f"{method.upper()} {route} as {kind}"
        if kind in ("respondent", "anonymous"):
            assert response.status_code == 302, where
            assert response["Location"].startswith(LOGIN), where
        else:
            assert response.status_code == 404, where
    assert not Branding.objects.exists()


@pytest.mark.parametrize("route", routes_in(STAFF), ids=str)
def test_site_staff_reach_the_staff_pages(route, staff_user):
    client = Client()
    client.force_login(staff_user)
    view = STAFF[route.name]
    for method in view.methods:
        response = getattr(client, method)(route.path({}), view.data)
        # A GET shows the page; a POST answers (the form's errors, or done and redirected).
        expected = (200,) if method == GET else (302, 400)
        assert response.status_code in expected, f"{method.upper()} {route}"
