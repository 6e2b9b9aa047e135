"""The question-bank pages (the BANK table of routes.py): for site staff and bank editors
only, walked over every kind of requester of a tenant. Nobody else may use them, nor learn
that they exist; and which organisations used a bank shows only to those who manage them."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from assessments.models import Questionnaire
from organizations.models import Membership
from tests.factories import AssessmentFactory, MembershipFactory

from .routes import BANK, BANK_KWARGS, GET, routes_in

pytestmark = pytest.mark.django_db
LOGIN = reverse("login")


def bank_editor(organization):
    """A consultant of `organization` in a "Bank editors" group holding the permission."""
    group, _ = Group.objects.get_or_create(name="Bank editors")
    group.permissions.add(Permission.objects.get(codename="edit_banks"))
    user = MembershipFactory(organization=organization, role=Membership.Role.CONSULTANT).user
    user.groups.add(group)
    return user


def test_there_are_bank_pages_to_walk():
    assert {route.name for route in routes_in(BANK)} == set(BANK)


@pytest.mark.parametrize("route", routes_in(BANK), ids=str)
@pytest.mark.parametrize("kind", ["consultant", "admin", "executive", "respondent", "anonymous"])
def test_bank_pages_are_not_found_for_anyone_but_bank_editors(route, kind, clients, questionnaire):
    view = BANK[route.name]
    for method in view.methods:
        response = getattr(clients(kind), method)(route.path(BANK_KWARGS), view.data)
        where = f"{method.upper()} {route} as {kind}"
        if kind in ("respondent", "anonymous"):
            assert response.status_code == 302, where
            assert response["Location"].startswith(LOGIN), where
        else:
            assert response.status_code == 404, where
    assert Questionnaire.objects.filter(published_at__isnull=True).count() == 0


@pytest.mark.parametrize("route", routes_in(BANK), ids=str)
@pytest.mark.parametrize("who", ["staff", "bank editor"])
def test_staff_and_bank_editors_reach_the_bank_pages(route, who, staff_user, organization):
    call_command("load_question_bank", verbosity=0)
    client = Client()
    client.force_login(staff_user if who == "staff" else bank_editor(organization))
    view = BANK[route.name]
    for method in view.methods:
        response = getattr(client, method)(route.path(BANK_KWARGS), view.data)
        expected = (200,) if method == GET else (302, 400)
        assert response.status_code in expected, f"{method.upper()} {route} as {who}"


def test_which_organisations_used_a_bank_shows_only_the_viewers_own(
    questionnaire, organization, other_organization
):
    AssessmentFactory(questionnaire=questionnaire, organization=organization, title="Ours")
    AssessmentFactory(questionnaire=questionnaire, organization=other_organization)
    AssessmentFactory(questionnaire=questionnaire, organization=other_organization)
    client = Client()
    client.force_login(bank_editor(organization))

    detail = client.get(reverse("banks:detail", kwargs={"bank": "parley-genai", "version": 1}))
    listing = client.get(reverse("banks:list"))

    html = detail.content.decode()
    assert "Acme Health: 1 round" in html
    assert other_organization.name not in html
    row = listing.content.decode().split('data-version="1"')[1].split("</tr>")[0]
    assert '<td class="text-end">1</td>' in row  # one round of ours, not three


def test_the_menu_offers_the_banks_to_bank_editors_only(organization, consultant):
    banks = reverse("banks:list")
    editor, plain = Client(), Client()
    editor.force_login(bank_editor(organization))
    plain.force_login(consultant)
    home = reverse("workspace:dashboard")
    assert f'href="{banks}"' in editor.get(home).content.decode()
    assert f'href="{banks}"' not in plain.get(home).content.decode()
