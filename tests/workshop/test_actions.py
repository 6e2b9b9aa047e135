"""The organisation's agreed actions: listed with their status, marked done later."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alignment.models import ActionItem, WorkshopSession
from tests.factories import ActionItemFactory, WorkshopSessionFactory, scored_assessment

from .conftest import url

pytestmark = pytest.mark.django_db


def _actions(assessment, count, **fields):
    session = WorkshopSession.objects.filter(assessment=assessment).first()
    session = session or WorkshopSessionFactory(assessment=assessment)
    dimension = assessment.questionnaire.dimensions.get(code="D3")
    return [ActionItemFactory(session=session, dimension=dimension, **fields) for _ in range(count)]


def test_it_lists_open_actions_of_every_round(
    consultant_client, scored, questionnaire, organization
):
    later = scored_assessment(questionnaire, organization=organization, realistic=False)
    first = _actions(scored, 2)
    second = _actions(later, 1, due_date=timezone.localdate() - timedelta(days=3))
    done = ActionItemFactory(
        session=second[0].session, dimension=second[0].dimension, status="done"
    )

    html = consultant_client.get(url("actions", organization=organization)).content.decode()

    for action in first + second:
        assert f'data-action="{action.code}"' in html
    assert f'data-action="{done.code}"' not in html
    assert "overdue" in html
    assert html.index(later.title) < html.index(scored.title), "newest round first"
    html = consultant_client.get(url("actions", organization=organization), {"status": "done"})
    assert f'data-action="{done.code}"' in html.content.decode()
    everything = consultant_client.get(url("actions", organization=organization), {"status": "all"})
    assert everything.content.decode().count("data-action=") == 4


def test_an_action_is_marked_done_later(consultant_client, scored, organization):
    (action,) = _actions(scored, 1)
    response = consultant_client.post(
        url("action_update", organization=organization, action_code=action.code),
        {"status": "done", "status_filter": "open"},
    )
    assert response.status_code == 302
    assert response["Location"] == url("actions", organization=organization) + "?status=open"
    action.refresh_from_db()
    assert action.status == ActionItem.Status.DONE and action.done_at is not None
    session = action.session
    session.refresh_from_db()
    assert session.version == 1


def test_the_list_costs_a_fixed_number_of_queries(
    consultant_client, scored, organization, django_assert_max_num_queries
):
    _actions(scored, 30)
    consultant_client.get(url("actions", organization=organization))
    # Session, user, organisation, count, page of actions (with dimension and round).
    with django_assert_max_num_queries(5):
        consultant_client.get(url("actions", organization=organization), {"status": "all"})
