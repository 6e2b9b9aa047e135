"""Perception on the results pages: the consultant's and each executive's show "How well they
read each other" for a version 2 round (per side the 2x2 of views with counts, the
understanding indices, felt against measured as one chart); a version 1 round shows none."""

import re

import pytest
from django.urls import reverse

from alignment.presentation import words
from alignment.presentation.model import round_view
from assessments.tokens import new_token
from tests.factories import InvitationFactory, scored_assessment

pytestmark = pytest.mark.django_db


def _results_url(assessment):
    return reverse(
        "workspace:results",
        kwargs={"org_slug": assessment.organization.slug, "code": assessment.code},
    )


def _figure(html: str, name: str, end: str = "(?:span|strong|dd)") -> str:
    match = re.search(rf'data-figure="{name}"[^>]*>(.*?)</{end}>', html, re.S)
    assert match, name
    return re.sub(r"<[^>]+>|\s+", " ", match.group(1)).strip()


def test_the_consultant_sees_how_well_they_read_each_other(
    consultant_client, questionnaire_v2, organization
):
    assessment = scored_assessment(questionnaire_v2, organization=organization)
    perception = round_view(assessment).perception

    html = consultant_client.get(_results_url(assessment)).content.decode()

    assert "How well they read each other" in html
    for side in perception.sides:
        assert _figure(html, f"understanding-{side.role}") == side.understanding
        for key, count in side.counts.items():
            cell = _figure(html, f"{side.role}-{key}", "td")
            assert cell.endswith(str(count)) and str(words.VIEW_WORDS[key]) in cell
    assert _figure(html, "felt-ceo") == "5 \u2013 Fully aligned"
    assert _figure(html, "mutual-understanding") == perception.mutual
    assert html.count("How aligned they feel, against the measured alignment") == 1  # the chart
    # Blind spots first, each as a sentence the workshop can read out.
    misread = html[html.index("Misread items, blind spots first") :]
    first = perception.blind_spots[0]
    assert first[0].sentence(first[1]) in misread
    assert "no test or interval is implied" in html


def test_a_version_1_round_shows_no_perception(consultant_client, questionnaire, organization):
    assessment = scored_assessment(questionnaire, organization=organization)
    html = consultant_client.get(_results_url(assessment)).content.decode()
    assert "How well they read each other" not in html


def test_each_executive_sees_it_on_their_own_results_page(client, questionnaire_v2):
    assessment = scored_assessment(questionnaire_v2)
    token = new_token()
    InvitationFactory(respondent=assessment.respondents.get(role="ciso"), token=token)
    response = client.get(reverse("workspace:respondent_results", kwargs={"token": token}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "How well they read each other" in html
    assert _figure(html, "felt-ciso") == "2 \u2013 Slightly aligned"
