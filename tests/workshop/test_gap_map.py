"""The gap map: the heatmap of items by severity and the items with both answers and
comments, filtered by severity and by knowledge gaps."""

import re

import pytest

from tests.factories import scored_assessment, small_questionnaire

from .conftest import url

pytestmark = pytest.mark.django_db


def _shown(html):
    return re.findall(r'data-gap-item="([\d.]+)"', html)


def test_it_first_shows_what_is_worth_discussing(consultant_client, scored):
    html = consultant_client.get(url("gap_map", scored)).content.decode()
    result = scored.results.get()
    expected = [
        row["code"]
        for row in result.items
        if row["severity"] in ("critical", "material") or row["knowledge_gap"]
    ]
    assert _shown(html) == expected
    assert html.count("<svg ") == 1 and "Gap severity by item" in html
    assert "Nobody has signed off residual risk for the pilots running in claims." in html


@pytest.mark.parametrize(
    ("query", "keep"),
    [
        ({"severity": ["critical"]}, lambda row: row["severity"] == "critical"),
        (
            {"severity": ["minor", "aligned"]},
            lambda row: row["severity"] in ("minor", "aligned"),
        ),
        ({"knowledge_gaps": "on"}, lambda row: row["knowledge_gap"]),
        ({}, lambda row: True),
        ({"severity": ["nonsense"]}, lambda row: True),
    ],
)
def test_it_filters_by_severity_and_knowledge_gaps(consultant_client, scored, query, keep):
    html = consultant_client.get(
        url("gap_map", scored), {"filtered": "1", **query}
    ).content.decode()
    expected = [row["code"] for row in scored.results.get().items if keep(row)]
    assert _shown(html) == expected


def test_the_fragment_is_what_htmx_swaps(consultant_client, scored):
    response = consultant_client.get(
        url("gap_map", scored), {"filtered": "1", "severity": "critical"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert '<section id="gap-map"' in html
    assert "<nav" not in html and "<html" not in html
    assert _shown(html) == ["2.5"]


def test_an_unscored_round_has_no_gap_map(consultant_client, questionnaire, organization):
    from tests.factories import completed_assessment

    pending = completed_assessment(questionnaire, organization=organization, submit=False)
    assert consultant_client.get(url("gap_map", pending)).status_code == 404


def test_the_gap_map_costs_a_fixed_number_of_queries(
    consultant_client, organization, django_assert_max_num_queries
):
    large = small_questionnaire(dimensions=10, items_per_dimension=8, slug="large")
    assessment = scored_assessment(large, organization=organization, realistic=False)
    consultant_client.get(url("gap_map", assessment))
    # Session, user, organisation, assessment, result, answers, questions.
    with django_assert_max_num_queries(7):
        consultant_client.get(url("gap_map", assessment))
