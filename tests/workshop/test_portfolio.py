"""The portfolio across a consultant's clients: shown from five scored organisations, with
the distribution, one organisation's percentile and the most often misaligned dimensions."""

import pytest
from django.db import connection

from alignment import scoring
from alignment.models import AlignmentResult
from alignment.presentation.words import fixed
from tests.factories import MembershipFactory, OrganizationFactory, scored_assessment
from workspace.portfolio import (
    _dimension_names,
    _figures,
    _latest_results,
    client_portfolio,
    index_histogram,
    percentile_rank,
)

from .conftest import url

pytestmark = pytest.mark.django_db

# (CEO answer, CISO answer) for every item: the index is 100 - 25 x the gap.
PAIRS = [(3, 3), (4, 3), (5, 3), (2, 4), (5, 2), (4, 4)]  # 100, 75, 50, 50, 25, 100


def _clients(consultant, questionnaire, pairs):
    organizations = []
    for n, (ceo, ciso) in enumerate(pairs):
        organization = OrganizationFactory(name=f"Portfolio client {n}")
        MembershipFactory(user=consultant, organization=organization)
        scored_assessment(
            questionnaire, organization=organization, realistic=False, ceo=(ceo,), ciso=(ciso,)
        )
        organizations.append(organization)
    return organizations


def test_it_needs_five_scored_organisations(consultant_client, consultant, questionnaire):
    _clients(consultant, questionnaire, PAIRS[:4])
    html = consultant_client.get(url("portfolio")).content.decode()
    assert "appears once at least 5" in html and "4 so far" in html
    assert "<svg" not in html


def test_it_shows_the_distribution_and_where_one_organisation_falls(
    consultant_client, consultant, questionnaire
):
    organizations = _clients(consultant, questionnaire, PAIRS)
    html = consultant_client.get(
        url("organization_portfolio", organization=organizations[1])
    ).content.decode()
    assert 'data-figure="portfolio-count">6<' in html
    assert 'data-figure="portfolio-median">63<' in html  # (50 + 75) / 2 = 62.5, half up
    # 75: 3 lower (50, 50, 25), none equal but itself -> (3 + 0.5) / 6 = 58%.
    assert 'data-figure="percentile">58<' in html
    assert "3 of the other 5 organisations score lower" in html
    assert "This organisation: 75" in html
    after_picker = html.split("data-portfolio-picker", 1)[1].split("</form>", 1)[1]
    for organization in organizations[:1] + organizations[2:]:
        assert organization.name not in after_picker, "no other client is named"


def test_the_most_often_misaligned_dimensions(consultant, questionnaire):
    _clients(consultant, questionnaire, PAIRS)
    portfolio = client_portfolio(consultant)
    # Every dimension: 50, 50 and 25 are below 70 in 3 of 6 organisations.
    assert len(portfolio.dimensions) == 5
    assert all(d.misaligned == 3 and d.organisations == 6 for d in portfolio.dimensions)
    assert portfolio.dimensions[0].share == "50%"


def test_only_the_users_clients_count(client, consultant, questionnaire):
    _clients(consultant, questionnaire, PAIRS)
    stranger = MembershipFactory(organization=OrganizationFactory(name="Elsewhere")).user
    assert client_portfolio(stranger).scored == 0
    client.force_login(stranger)
    html = client.get(url("portfolio")).content.decode()
    assert "0 so far" in html


def test_each_organisation_counts_once_with_its_latest_round(consultant, questionnaire):
    organizations = _clients(consultant, questionnaire, PAIRS)
    scored_assessment(
        questionnaire, organization=organizations[4], realistic=False, ceo=(3,), ciso=(3,)
    )
    portfolio = client_portfolio(consultant, highlight=organizations[4])
    assert portfolio.scored == 6
    assert portfolio.highlight == "100"


def test_percentile_rank():
    assert percentile_rank(50, [25, 50, 50, 75, 100]) == (40, 1)
    assert percentile_rank(100, [100, 100]) == (50, 0)


def test_the_histogram_escapes_and_marks(consultant):
    svg = index_histogram([10.0, 55.5, 100.0], highlight=55.5)
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "This organisation: 56" in svg and "90 to 100: 1" in svg


def test_the_portfolio_page_costs_a_fixed_number_of_queries(
    consultant_client, consultant, questionnaire, django_assert_max_num_queries
):
    organizations = _clients(consultant, questionnaire, PAIRS)
    consultant_client.get(url("portfolio"))
    # Session, user, organisation, the user's organisations, latest results, their figures;
    # SQLite has no exact array aggregate, so it reads the overall indices in one more query.
    expected = 6 if connection.vendor == "postgresql" else 7
    with django_assert_max_num_queries(expected):
        consultant_client.get(url("organization_portfolio", organization=organizations[0]))


def test_the_picker_redirects_to_one_organisation(consultant_client, organization):
    response = consultant_client.get(url("portfolio"), {"org": organization.slug})
    assert response.status_code == 302
    assert response["Location"] == url("organization_portfolio", organization=organization)
    assert consultant_client.get(url("portfolio"), {"org": "../x y"}).status_code == 200


def test_perception_shows_from_five_version_2_organisations_against_the_survey(
    consultant_client, consultant, questionnaire, questionnaire_v2
):
    _clients(consultant, questionnaire, PAIRS[:1])  # a version 1 round: no perception
    html = consultant_client.get(url("portfolio")).content.decode()
    assert "How well executives read each other" not in html
    for n in range(4):
        organization = OrganizationFactory(name=f"Perceiving client {n}")
        MembershipFactory(user=consultant, organization=organization)
        scored_assessment(questionnaire_v2, organization=organization)
    html = consultant_client.get(url("portfolio")).content.decode()
    assert "How well executives read each other" not in html  # 4 of 5 needed
    organization = OrganizationFactory(name="Perceiving client 4")
    MembershipFactory(user=consultant, organization=organization)
    scored_assessment(questionnaire_v2, organization=organization)

    perception = client_portfolio(consultant).perception
    html = consultant_client.get(url("portfolio")).content.decode()

    assert perception.organisations == 5
    # The realistic round: the CEO feels "fully aligned" (and overestimates), the CISO
    # "slightly" (and underestimates), in every one of the five organisations.
    ceo, ciso = perception.roles
    assert (ceo.feel_aligned_share, ceo.overestimate_share, ceo.benchmark) == (
        "100%",
        "100%",
        "51%",
    )
    assert (ciso.feel_aligned_share, ciso.overestimate_share, ciso.benchmark) == ("0%", "0%", "38%")
    assert 'data-figure="feel-aligned-ceo">100%<' in html
    assert f'data-figure="portfolio-understanding">{perception.mean_understanding}<' in html
    assert "NTT DATA" in html


def _python_figures(consultant):
    """The portfolio's figures computed in Python from the stored results, as the page
    computed them before the database did: each organisation's latest current result with
    an index, its dimension indices and its perception summary."""
    latest = {}
    for result in AlignmentResult.objects.filter(
        assessment__organization__memberships__user=consultant,
        scoring_version=scoring.SCORING_VERSION,
    ).order_by("assessment__created_at", "assessment__pk"):
        latest[result.assessment.organization_id] = result
    results = [r for r in latest.values() if r.alignment_index is not None]
    dimensions = {}
    for result in results:
        for code, index in result.dimension_indices.items():
            if index is not None:
                dimensions.setdefault(code, []).append(index)
    found = [r.perception_summary for r in results if r.perception_summary]
    understanding = [p["mutual_understanding"] for p in found]
    roles = {}
    for role in ("ceo", "ciso"):
        sides = [p[role] for p in found if p[role]["felt"] is not None]
        roles[role] = (
            len(sides),
            sum(1 for side in sides if side["felt"] >= 4),
            sum(1 for side in sides if side["felt_reading"] == "overestimates"),
        )
    return {
        "indices": sorted(r.alignment_index for r in results),
        "dimensions": {
            code: (len(values), sum(1 for v in values if v < 70), fixed(sum(values) / len(values)))
            for code, values in dimensions.items()
        },
        "perception": (len(found), fixed(sum(understanding) / len(understanding)), roles),
    }


def test_the_database_aggregates_equal_the_python_computation(
    consultant, questionnaire, questionnaire_v2
):
    # Version 1 rounds with varied answers and don't-knows, an organisation whose older
    # round must not count, and version 2 rounds with perception (realistic and plain).
    organizations = _clients(consultant, questionnaire, PAIRS)
    for values, organization in (((5, 1, "dk", 3), organizations[0]), ((2, "dk"), None)):
        if organization is None:
            organization = OrganizationFactory(name="Portfolio client dk")
            MembershipFactory(user=consultant, organization=organization)
        scored_assessment(
            questionnaire, organization=organization, realistic=False, ceo=values, ciso=(3, 4)
        )
    for n in range(3):
        organization = OrganizationFactory(name=f"Perceiving client {n}")
        MembershipFactory(user=consultant, organization=organization)
        if n:
            scored_assessment(questionnaire_v2, organization=organization)
        else:
            scored_assessment(
                questionnaire_v2, organization=organization, realistic=False, ceo=(5,), ciso=(2,)
            )

    expected = _python_figures(consultant)
    names = _dimension_names()
    figures = _figures(_latest_results(consultant), names, organizations[0])
    portfolio = client_portfolio(consultant, highlight=organizations[0])

    assert sorted(figures["indices"]) == expected["indices"] and len(expected["indices"]) == 10
    assert {
        code: (
            figures[f"dimension_{n}_organisations"],
            figures[f"dimension_{n}_misaligned"],
            fixed(figures[f"dimension_{n}_mean"]),
        )
        for n, code in enumerate(names)
        if figures[f"dimension_{n}_organisations"]
    } == expected["dimensions"]
    assert [
        (d.code, d.organisations, d.misaligned, d.mean_index) for d in portfolio.dimensions
    ] == [(d.code, *expected["dimensions"][d.code]) for d in portfolio.dimensions]
    count, understanding, roles = expected["perception"]
    assert (figures["perception_organisations"], fixed(figures["perception_understanding"])) == (
        count,
        understanding,
    )
    assert count == 3
    for role, (executives, feel_aligned, overestimate) in roles.items():
        assert (
            figures[f"perception_{role}_executives"],
            figures[f"perception_{role}_feel_aligned"],
            figures[f"perception_{role}_overestimate"],
        ) == (executives, feel_aligned, overestimate)
    # The highlighted organisation's latest round is its (5, 1, dk, 3) one, not its first.
    latest = organizations[0].assessments.order_by("-created_at").first()
    assert portfolio.highlight_index == latest.results.get().alignment_index
