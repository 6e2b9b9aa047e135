"""The workshop's presenter view: dimensions from the widest gap down, both answers in words
with the comments, and everything the consultant records, saved as typed."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alignment.models import ActionItem, ConsensusAnswer, WorkshopSession
from alignment.presentation.model import round_view
from assessments.models import Dimension
from tests.factories import completed_assessment, scored_assessment, small_questionnaire
from workspace.selectors import workshop_order

from .conftest import htmx, url

pytestmark = pytest.mark.django_db


def _dimension(assessment, code):
    return Dimension.objects.get(questionnaire=assessment.questionnaire, code=code)


def test_it_walks_the_dimensions_from_the_widest_gap_to_the_narrowest(consultant_client, scored):
    response = consultant_client.get(url("presenter", scored))

    assert response.status_code == 200
    html = response.content.decode()
    ordered = workshop_order(round_view(scored).dimensions)
    expected = [dimension.code for dimension in ordered]
    gaps = [dimension.mean_abs_gap_value for dimension in ordered]
    assert gaps == sorted(gaps, reverse=True)
    shown = re.findall(r'<section class="ws-slide" id="(D\d+)"', html)
    assert shown == expected
    assert html.index('id="start"') < html.index(f'id="{expected[0]}"')
    assert html.rindex('id="summary"') > html.index(f'id="{expected[-1]}"')


def test_it_shows_both_answers_in_words_with_the_comments(consultant_client, scored):
    html = consultant_client.get(url("presenter", scored)).content.decode()
    # 3.3: CEO 3 on scale M, CISO 1, both commented.
    assert "3 \u2013 Defined and documented" in html
    assert "1 \u2013 Does not exist" in html
    assert "I assumed IT keeps a list of the tools we pay for." in html
    assert "We found 31 GenAI tools in the proxy logs; 4 are sanctioned." in html
    assert "Don\u2019t know" in html and "The CEO does not know" in html
    assert "Dana Whitfield" in html and "Ravi Menon" in html
    assert 'src="/static/js/workshop.js"' in html
    assert "<script>" not in html and " onclick=" not in html


def test_typed_text_is_escaped(consultant_client, questionnaire, organization):
    assessment = scored_assessment(questionnaire, organization=organization)
    answer = assessment.respondents.get(role="ceo").answers.first()
    answer.comment = "<img src=x onerror=alert(1)>"
    answer.save()
    html = consultant_client.get(url("presenter", assessment)).content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<img src=x" not in html


def test_an_unscored_round_has_no_workshop_yet(consultant_client, questionnaire, organization):
    pending = completed_assessment(questionnaire, organization=organization, submit=False)
    response = consultant_client.get(url("presenter", pending))
    assert response.status_code == 200
    assert "opens once both executives have submitted" in response.content.decode()
    assert htmx(consultant_client, url("consensus", pending, dimension="D1")).status_code == 404


def test_the_position_is_saved_as_typed(consultant_client, scored, consultant):
    response = htmx(consultant_client, url("consensus", scored, dimension="D3"), {"value": "3"})

    assert response.status_code == 200
    assert response.content.decode().startswith("Saved at")
    position = ConsensusAnswer.objects.get(session__assessment=scored, dimension__code="D3")
    assert position.value == 3 and position.notes == "" and position.updated_by == consultant
    assert response["X-Workshop-Version"] == "1"


def test_the_position_and_the_notes_are_saved_separately(consultant_client, scored):
    save = url("consensus", scored, dimension="D2")
    htmx(consultant_client, save, {"notes": "Risk appetite: the board decides in March."})
    htmx(consultant_client, save, {"value": "2"})  # another screen, the position only
    position = ConsensusAnswer.objects.get(session__assessment=scored, dimension__code="D2")
    assert position.value == 2
    assert position.notes == "Risk appetite: the board decides in March."
    htmx(consultant_client, save, {"value": ""})
    position.refresh_from_db()
    assert position.value is None and position.notes.startswith("Risk appetite")


def test_without_javascript_the_form_posts_and_comes_back(consultant_client, scored):
    response = consultant_client.post(
        url("consensus", scored, dimension="D3"), {"value": "4", "notes": "Agreed after a debate"}
    )
    assert response.status_code == 302
    assert response["Location"] == url("presenter", scored) + "#D3"
    position = ConsensusAnswer.objects.get(session__assessment=scored, dimension__code="D3")
    assert (position.value, position.notes) == (4, "Agreed after a debate")


@pytest.mark.parametrize("value", ["0", "6", "three", "2.5"])
def test_a_position_outside_1_to_5_is_refused(consultant_client, scored, value):
    response = htmx(consultant_client, url("consensus", scored, dimension="D3"), {"value": value})
    assert response.status_code == 400
    assert not ConsensusAnswer.objects.exists()


def test_an_unknown_dimension_is_not_found(consultant_client, scored):
    assert htmx(consultant_client, url("consensus", scored, dimension="D99")).status_code == 404


def test_an_action_is_added_and_shown_in_its_dimension(consultant_client, scored, consultant):
    response = htmx(
        consultant_client,
        url("action_create", scored, dimension="D3"),
        {"description": "Approve the acceptable-use policy", "owner_role": "ceo", "due_date": ""},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="actions-block-D3"' in html and "Approve the acceptable-use policy" in html
    action = ActionItem.objects.get()
    assert action.dimension.code == "D3" and action.owner_role == "ceo"
    assert action.status == "open" and action.created_by == consultant


def test_an_action_needs_a_description_and_a_due_date_not_in_the_past(consultant_client, scored):
    response = htmx(
        consultant_client,
        url("action_create", scored, dimension="D3"),
        {"description": "  ", "owner_role": "ceo", "due_date": "2001-01-01"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "alert-danger" in html and "The due date is in the past." in html
    assert not ActionItem.objects.exists()
    bad_owner = htmx(
        consultant_client,
        url("action_create", scored, dimension="D3"),
        {"description": "Something", "owner_role": "cfo"},
    )
    assert "alert-danger" in bad_owner.content.decode()
    assert not ActionItem.objects.exists()


def test_an_action_is_marked_done_reopened_and_removed(consultant_client, scored):
    htmx(
        consultant_client,
        url("action_create", scored, dimension="D5"),
        {"description": "Map personal data in prompts", "owner_role": "ciso"},
    )
    action = ActionItem.objects.get()
    done = htmx(
        consultant_client, url("action_status", scored, action_code=action.code), {"status": "done"}
    )
    assert done.status_code == 200 and 'id="actions-D5"' in done.content.decode()
    action.refresh_from_db()
    assert action.status == "done" and action.done_at is not None
    htmx(
        consultant_client, url("action_status", scored, action_code=action.code), {"status": "open"}
    )
    action.refresh_from_db()
    assert action.status == "open" and action.done_at is None
    removed = consultant_client.post(url("action_remove", scored, action_code=action.code))
    assert removed.status_code == 302 and not ActionItem.objects.exists()


def test_a_second_screen_sees_changes_through_the_version(consultant_client, scored):
    state = url("state", scored)
    assert consultant_client.get(state, {"v": "0"}).status_code == 204
    htmx(consultant_client, url("consensus", scored, dimension="D7"), {"value": "3"})
    htmx(
        consultant_client,
        url("action_create", scored, dimension="D7"),
        {"description": "Write an exit plan for the chatbot provider", "owner_role": "both"},
    )
    response = consultant_client.get(state, {"v": "0"})
    assert response.status_code == 200
    assert response["X-Workshop-Version"] == "2"
    html = response.content.decode()
    assert 'data-version="2"' in html
    assert '<section data-dimension="D7" data-value="3">' in html
    assert "Write an exit plan for the chatbot provider" in html
    assert consultant_client.get(state, {"v": "2"}).status_code == 204


def test_the_presenter_shows_what_was_recorded(consultant_client, scored):
    htmx(
        consultant_client,
        url("consensus", scored, dimension="D3"),
        {"value": "2"},
    )
    htmx(consultant_client, url("consensus", scored, dimension="D3"), {"notes": "Policy first"})
    html = consultant_client.get(url("presenter", scored)).content.decode()
    assert 'id="pos-D3-2" value="2" checked' in html
    assert ">Policy first</textarea>" in html
    assert 'data-version="2"' in html


def test_finishing_asks_for_a_fresh_report(
    consultant_client, scored, django_capture_on_commit_callbacks, monkeypatch
):
    requested = []
    monkeypatch.setattr(
        "reports.services.report_request",
        lambda **kwargs: requested.append(kwargs),
    )
    response = consultant_client.post(url("finish", scored))
    assert response.status_code == 302
    session = WorkshopSession.objects.get(assessment=scored)
    assert session.finished_at is not None
    assert requested and requested[0]["fresh"] is True


def test_the_presenter_costs_a_fixed_number_of_queries(
    consultant_client, organization, django_assert_max_num_queries
):
    small = small_questionnaire(dimensions=1, items_per_dimension=2, slug="small")
    large = small_questionnaire(dimensions=10, items_per_dimension=8, slug="large")
    few = scored_assessment(small, organization=organization, realistic=False)
    many = scored_assessment(large, organization=organization, realistic=False, ceo=(1, 2, "dk"))
    for assessment, dimension in ((few, "D1"), (many, "D1"), (many, "D9")):
        htmx(consultant_client, url("consensus", assessment, dimension=dimension), {"value": "3"})
        htmx(
            consultant_client,
            url("action_create", assessment, dimension=dimension),
            {"description": "An action", "owner_role": "ceo"},
        )

    def count(path):
        with CaptureQueriesContext(connection) as context:
            assert consultant_client.get(path).status_code == 200
        return len(context)

    assert count(url("presenter", few)) == count(url("presenter", many))
    # Session, user, organisation, assessment (+ workshop), result, questions, answers,
    # respondents, positions, actions.
    with django_assert_max_num_queries(10):
        consultant_client.get(url("presenter", many))
    # The second screen's poll while nothing changed: session, user, organisation,
    # assessment, result exists.
    version = WorkshopSession.objects.get(assessment=many).version
    with django_assert_max_num_queries(5):
        response = consultant_client.get(url("state", many), {"v": str(version)})
    assert response.status_code == 204


def test_on_version_2_it_opens_with_the_blind_spots(
    consultant_client, questionnaire_v2, organization
):
    scored = scored_assessment(questionnaire_v2, organization=organization)
    perception = round_view(scored).perception
    html = consultant_client.get(url("presenter", scored)).content.decode()
    first_dimension = re.search(r'<section class="ws-slide" id="(D\d+)"', html).start()
    assert html.index('id="start"') < html.index('id="perception"') < first_dimension
    slide = html[html.index('id="perception"') : first_dimension]
    readings = re.findall(r'data-reading="([\d.]+-\w+)"', slide)
    expected = [f"{item.code}-{role}" for item, role in perception.misreadings]
    assert readings == expected
    blind = [f"{item.code}-{role}" for item, role in perception.blind_spots]
    assert readings[: len(blind)] == blind and blind  # blind spots first
    item, role = perception.blind_spots[0]
    assert item.sentence(role) in slide
    assert "expects agreement here; the CISO answered" in slide


def test_on_version_1_there_is_no_perception_slide(consultant_client, scored):
    assert 'id="perception"' not in consultant_client.get(url("presenter", scored)).content.decode()
