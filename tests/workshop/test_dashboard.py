"""The consultant's dashboard (/organisations/): client organisations with their rounds,
each executive's progress, index, trend and last activity; search, status filter, pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.models import Membership
from tests.factories import (
    ActionItemFactory,
    AssessmentFactory,
    MembershipFactory,
    OrganizationFactory,
    RespondentFactory,
    WorkshopSessionFactory,
    answer_all,
    scored_assessment,
)
from workspace.dashboard import PER_PAGE

pytestmark = pytest.mark.django_db
DASHBOARD = reverse("workspace:dashboard")


def _clients(consultant, count, *, prefix="Client"):
    organizations = []
    for n in range(count):
        organization = OrganizationFactory(name=f"{prefix} {n:02d}")
        MembershipFactory(user=consultant, organization=organization)
        organizations.append(organization)
    return organizations


def _round_in_progress(questionnaire, organization, *, answered=10):
    assessment = AssessmentFactory(questionnaire=questionnaire, organization=organization)
    ceo = RespondentFactory(assessment=assessment, role="ceo")
    RespondentFactory(assessment=assessment, role="ciso")
    answer_all(ceo, (3,))
    ceo.answers.filter(question__order__gt=answered).delete()
    return assessment


def test_it_shows_each_round_with_progress_index_band_and_trend(
    consultant_client, questionnaire, organization
):
    first = scored_assessment(
        questionnaire, organization=organization, realistic=False, ceo=(4,), ciso=(2,)
    )  # every item 2 apart: index 50
    second = scored_assessment(
        questionnaire, organization=organization, realistic=False, ceo=(3,), ciso=(2,)
    )  # 1 apart: index 75
    _round_in_progress(questionnaire, organization, answered=12)

    html = consultant_client.get(DASHBOARD).content.decode()

    assert f'href="/organisations/{organization.slug}/assessments/"' in html
    assert "In progress: 12 of 44 answered" in html
    assert "Invited" in html
    assert html.count(">Submitted<") == 4
    assert '<strong data-figure="index">50</strong>' in html
    assert '<strong data-figure="index">75</strong>' in html
    assert "Broadly aligned" in html and "Misaligned" in html
    assert "▲ +25" in html
    assert html.index(second.title) < html.index(first.title), "newest round first"
    assert "just now" in html
    for name in ("workspace:results", "workspace:presenter"):
        path = reverse(name, args=[organization.slug, second.code])
        assert f'href="{path}"' in html
    assert f'href="{reverse("organizations:create")}"' in html
    assert f'href="{reverse("organizations:members", args=[organization.slug])}"' in html
    assert f'href="{reverse("workspace:portfolio")}"' in html


def test_it_counts_open_actions(consultant_client, questionnaire, organization):
    assessment = scored_assessment(questionnaire, organization=organization)
    session = WorkshopSessionFactory(assessment=assessment)
    dimension = questionnaire.dimensions.first()
    ActionItemFactory(session=session, dimension=dimension)
    ActionItemFactory(session=session, dimension=dimension)
    ActionItemFactory(session=session, dimension=dimension, status="done")
    html = consultant_client.get(DASHBOARD).content.decode()
    assert "2 open" in html


def test_it_lists_only_the_users_organisations(consultant_client, consultant, other_organization):
    other_organization.name = "Rival Corp"
    other_organization.save()
    html = consultant_client.get(DASHBOARD).content.decode()
    assert "Acme Health" in html and "Rival Corp" not in html


def test_an_executive_membership_shows_no_rounds(client, questionnaire, organization):
    executive = MembershipFactory(organization=organization, role=Membership.Role.EXECUTIVE).user
    scored_assessment(questionnaire, organization=organization)
    client.force_login(executive)
    html = client.get(DASHBOARD).content.decode()
    assert "Acme Health" in html and "You are an executive of this organisation" in html
    assert "assessments/" not in html.split("Acme Health")[1].split("</section>")[0]


def test_it_searches_by_name_and_filters_by_status(consultant_client, consultant, questionnaire):
    alpha, beta, gamma = _clients(consultant, 3, prefix="Zeta")
    beta.name, gamma.name = "Omega Foods", "Omega Bank"
    beta.save()
    gamma.save()
    scored_assessment(questionnaire, organization=alpha, realistic=False)
    _round_in_progress(questionnaire, beta)

    html = consultant_client.get(DASHBOARD, {"q": "omega"}).content.decode()
    assert "Omega Foods" in html and "Omega Bank" in html and "Zeta 00" not in html

    html = consultant_client.get(DASHBOARD, {"status": "scored"}).content.decode()
    assert "Zeta 00" in html and "Omega Foods" not in html and "Omega Bank" not in html

    html = consultant_client.get(DASHBOARD, {"status": "open", "q": "omega"}).content.decode()
    assert "Omega Foods" in html and "Omega Bank" not in html

    html = consultant_client.get(DASHBOARD, {"status": "nonsense"}).content.decode()
    assert "Omega Bank" in html  # an unknown status filters nothing


def test_it_is_paginated(consultant_client, consultant):
    _clients(consultant, PER_PAGE + 3)
    first = consultant_client.get(DASHBOARD).content.decode()
    second = consultant_client.get(DASHBOARD, {"page": 2}).content.decode()
    assert "Client 00" in first and f"Client {PER_PAGE:02d}" not in first
    assert f"Client {PER_PAGE:02d}" in second and "Client 00" not in second
    assert "Page 2 of 2" in second


def _populate(consultant, questionnaire, count, prefix):
    for organization in _clients(consultant, count, prefix=prefix):
        scored_assessment(questionnaire, organization=organization, realistic=False)
        scored_assessment(questionnaire, organization=organization, realistic=False, ceo=(3,))
        _round_in_progress(questionnaire, organization)


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(DASHBOARD).status_code == 200
    return len(context)


def test_its_query_count_does_not_grow_with_the_organisations(
    client, consultant, questionnaire, django_assert_max_num_queries
):
    client.force_login(consultant)
    client.get(DASHBOARD)  # warm the session
    _populate(consultant, questionnaire, 3, "First")
    few = _queries(client)
    _populate(consultant, questionnaire, 12, "Second")  # 15 organisations (the page shows 10)
    assert _queries(client) == few
    # Session, user, count, page of organisations, their rounds, the rounds' respondents.
    with django_assert_max_num_queries(6):
        client.get(DASHBOARD)


def test_staff_see_every_organisation(client, staff_user, organization, other_organization):
    client.force_login(staff_user)
    html = client.get(DASHBOARD).content.decode()
    assert organization.name in html and other_organization.name in html
