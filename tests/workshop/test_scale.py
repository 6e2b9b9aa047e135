"""A consultant with many clients does not wait longer: every list page costs the same
number of queries with one organisation as with many (each with several rounds), lists are
paginated and searchable, and the pages of one round read nothing of the other rounds.

bench/bench_scale.py measures the same pages at 5,000 organisations (docs/scale.md)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alignment.models import AlignmentResult
from assessments.selectors import ROUNDS_PER_PAGE
from tests.factories import (
    ActionItemFactory,
    AssessmentFactory,
    MembershipFactory,
    OrganizationFactory,
    WorkshopSessionFactory,
    scored_assessment,
)
from workspace.dashboard import PER_PAGE
from workspace.portfolio import PICKER_LIMIT, client_portfolio

from .conftest import url

pytestmark = pytest.mark.django_db
DASHBOARD = reverse("workspace:dashboard")


def _clients(consultant, questionnaire, count, *, prefix, rounds=2):
    """`count` organisations managed by `consultant`, each with `rounds` scored rounds (a
    workshop with an open action on the last one)."""
    organizations = []
    for n in range(count):
        organization = OrganizationFactory(name=f"{prefix} {n:03d}")
        MembershipFactory(user=consultant, organization=organization)
        for r in range(rounds):
            assessment = scored_assessment(
                questionnaire, organization=organization, realistic=False, ceo=(3 + r % 2,)
            )
        session = WorkshopSessionFactory(assessment=assessment)
        ActionItemFactory(session=session, dimension=questionnaire.dimensions.first())
        organizations.append(organization)
    return organizations


def _queries(client, path, data=None) -> int:
    client.get(path, data or {})  # the first request of a session writes it
    with CaptureQueriesContext(connection) as context:
        response = client.get(path, data or {})
    assert response.status_code == 200, path
    return len(context)


def _list_pages(organization):
    return [
        (DASHBOARD, None),
        (DASHBOARD, {"page": 2}),
        (DASHBOARD, {"q": "Client", "status": "scored"}),
        (reverse("workspace:portfolio"), None),
        (url("organization_portfolio", organization=organization), None),
        (reverse("assessments:list", kwargs={"org_slug": organization.slug}), None),
    ]


def test_list_pages_cost_the_same_queries_with_five_clients_as_with_many(
    client, consultant, questionnaire
):
    client.force_login(consultant)
    # Five: the portfolio shows its figures from five scored organisations.
    first = _clients(consultant, questionnaire, 5, prefix="Client")[0]
    few = {
        str(page): _queries(client, path, data)
        for page, (path, data) in enumerate(_list_pages(first))
    }
    # Three pages of organisations, with three rounds each: more rows everywhere.
    _clients(consultant, questionnaire, 2 * PER_PAGE, prefix="Client B", rounds=3)
    many = {
        str(page): _queries(client, path, data)
        for page, (path, data) in enumerate(_list_pages(first))
    }
    assert many == few


def test_round_pages_read_nothing_of_the_other_rounds(client, consultant, questionnaire):
    client.force_login(consultant)
    organization = _clients(consultant, questionnaire, 1, prefix="Client")[0]
    assessment = organization.assessments.order_by("-created_at").first()
    pages = [
        url(name, assessment=assessment)
        for name in ("results", "gap_map", "presenter", "trend", "xlsx")
    ] + [url("csv", assessment=assessment, table="answers")]
    few = [_queries(client, page) for page in pages]
    _clients(consultant, questionnaire, 6, prefix="Other", rounds=3)
    for _ in range(2):  # two more rounds of the same organisation
        scored_assessment(questionnaire, organization=organization, realistic=False)
    assert [_queries(client, page) for page in pages] == few


def test_the_dashboard_finds_a_client_among_many_and_pages_deep(
    consultant_client, consultant, questionnaire
):
    organizations = _clients(consultant, questionnaire, 2 * PER_PAGE + 1, prefix="Client", rounds=1)
    found = consultant_client.get(DASHBOARD, {"q": "client 020"}).content.decode()
    assert "1 organisation matching" in found and organizations[-1].name in found
    assert organizations[0].name not in found
    last = consultant_client.get(DASHBOARD, {"page": 3}).content.decode()
    assert "Page 3 of 3" in last and organizations[-1].name in last
    # The per-row figures are those of the rows shown, deep pages included.
    assert "1 open" in last


def test_the_portfolio_offers_a_search_beyond_the_picker_limit(
    consultant_client, consultant, organization
):
    # The consultant manages Acme Health and PICKER_LIMIT others.
    for n in range(PICKER_LIMIT):
        MembershipFactory(user=consultant, organization=OrganizationFactory(name=f"Client {n:03d}"))
    page = consultant_client.get(reverse("workspace:portfolio")).content.decode()
    assert 'name="q"' in page and "<option" not in page, "no list of every client"
    matches = consultant_client.get(reverse("workspace:portfolio"), {"q": "client 01"})
    html = matches.content.decode()
    assert "Client 010" in html and "Client 019" in html and "Client 020" not in html
    one = consultant_client.get(reverse("workspace:portfolio"), {"q": organization.name})
    assert one.status_code == 302
    assert one["Location"] == url("organization_portfolio", organization=organization)
    none = consultant_client.get(reverse("workspace:portfolio"), {"q": "zzz"}).content.decode()
    assert "No organisation matches" in none


def test_the_portfolio_figures_come_from_the_latest_round_indices(consultant, questionnaire):
    organizations = _clients(consultant, questionnaire, 5, prefix="Client", rounds=2)
    portfolio = client_portfolio(consultant, highlight=organizations[0])
    latest = [
        AlignmentResult.objects.filter(assessment__organization=o)
        .order_by("-assessment__created_at")
        .first()
        for o in organizations
    ]
    assert sorted(portfolio.indices) == sorted(r.alignment_index for r in latest)
    assert portfolio.highlight_index == latest[0].alignment_index
    codes = {d.code for d in portfolio.dimensions}
    assert codes and codes <= set(latest[0].dimension_indices)
    first = portfolio.dimensions[0]
    expected = [r.dimension_indices[first.code] for r in latest]
    assert first.organisations == 5
    assert first.misaligned == sum(1 for v in expected if v < 70)


def test_scoring_stores_each_dimension_index(questionnaire, organization):
    assessment = scored_assessment(questionnaire, organization=organization)
    result = AlignmentResult.objects.get(assessment=assessment)
    assert result.dimension_indices == {
        row["code"]: row["alignment_index"] for row in result.data["dimensions"]
    }
    assert len(result.dimension_indices) == questionnaire.dimensions.count()


def test_scoring_stores_the_perception_summary_the_portfolio_reads(
    questionnaire, questionnaire_v2, organization
):
    version_1 = scored_assessment(questionnaire, organization=organization)
    assert AlignmentResult.objects.get(assessment=version_1).perception_summary is None
    version_2 = scored_assessment(questionnaire_v2, organization=organization)
    result = AlignmentResult.objects.get(assessment=version_2)
    perception = result.data["perception"]
    assert result.perception_summary == {
        "mutual_understanding": perception["mutual_understanding"],
        "ceo": {
            "felt": perception["ceo"]["felt"],
            "felt_reading": perception["ceo"]["felt_reading"],
        },
        "ciso": {
            "felt": perception["ciso"]["felt"],
            "felt_reading": perception["ciso"]["felt_reading"],
        },
    }


def test_an_organisations_rounds_are_paginated(consultant_client, questionnaire, organization):
    rounds = [
        AssessmentFactory(questionnaire=questionnaire, organization=organization, title=f"R{n:02d}")
        for n in range(ROUNDS_PER_PAGE + 1)
    ]
    path = reverse("assessments:list", kwargs={"org_slug": organization.slug})
    first = consultant_client.get(path).content.decode()
    second = consultant_client.get(path, {"page": 2}).content.decode()
    assert sum(1 for r in rounds if f">{r.title}</a>" in first) == ROUNDS_PER_PAGE
    assert rounds[-1].title in first and rounds[0].title not in first, "newest first"
    assert rounds[0].title in second and "Page 2 of 2" in second
