"""The workshop's writes and the next round."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from alignment.models import ActionItem, ConsensusAnswer
from alignment.presentation.agreements import report_agreements
from assessments.models import Assessment, Dimension, Invitation, Questionnaire
from tests.factories import scored_assessment, small_questionnaire
from workspace import services

from .conftest import publish_version_2 as _publish_version_2

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(scored, consultant):
    return services.workshop_start(assessment=scored, by=consultant)


def _dimension(assessment, code):
    return Dimension.objects.get(questionnaire=assessment.questionnaire, code=code)


def test_starting_a_workshop_twice_gives_the_same_one(scored, consultant, session):
    assert services.workshop_start(assessment=scored, by=consultant) == session
    assert session.started_by == consultant and session.version == 0


def test_every_change_bumps_the_version(scored, session, consultant):
    d3 = _dimension(scored, "D3")
    services.consensus_save(session=session, dimension=d3, value=3, by=consultant)
    action = services.action_add(
        session=session, dimension=d3, description="Publish the policy", owner_role="ceo"
    )
    services.action_set_status(action=action, status="done")
    services.action_set_status(action=action, status="done")  # no change: no bump
    services.action_delete(action=action)
    session.refresh_from_db()
    assert session.version == 4


def test_a_position_of_another_questionnaire_is_refused(session, organization):
    other = small_questionnaire(slug="other-bank")
    foreign = Dimension.objects.get(questionnaire=other, code="D1")
    with pytest.raises(ValidationError):
        services.consensus_save(session=session, dimension=foreign, value=3)
    with pytest.raises(ValidationError):
        services.action_add(session=session, dimension=foreign, description="x", owner_role="ceo")


@pytest.mark.parametrize("value", [0, 6, True, "3", 2.0])
def test_a_position_must_be_an_integer_from_1_to_5(scored, session, value):
    with pytest.raises(ValidationError):
        services.consensus_save(session=session, dimension=_dimension(scored, "D1"), value=value)
    assert not ConsensusAnswer.objects.exists()


def test_notes_are_limited_and_nul_is_refused(scored, session):
    d1 = _dimension(scored, "D1")
    with pytest.raises(ValidationError):
        services.consensus_save(session=session, dimension=d1, notes="x" * 4001)
    with pytest.raises(ValidationError):
        services.consensus_save(session=session, dimension=d1, notes="a\x00b")


def test_an_action_is_validated(scored, session):
    d1 = _dimension(scored, "D1")
    with pytest.raises(ValidationError):
        services.action_add(session=session, dimension=d1, description=" ", owner_role="ceo")
    with pytest.raises(ValidationError):
        services.action_add(session=session, dimension=d1, description="x", owner_role="cfo")
    yesterday = timezone.localdate() - timedelta(days=1)
    with pytest.raises(ValidationError):
        services.action_add(
            session=session, dimension=d1, description="x", owner_role="ceo", due_date=yesterday
        )
    assert not ActionItem.objects.exists()


def test_the_report_lists_positions_then_actions_by_dimension(scored, session):
    d1, d3 = _dimension(scored, "D1"), _dimension(scored, "D3")
    due = timezone.localdate() + timedelta(days=60)
    services.action_add(
        session=session, dimension=d3, description="Approve the policy", owner_role="ceo"
    )
    services.consensus_save(session=session, dimension=d3, value=2, notes="Draft exists")
    services.consensus_save(session=session, dimension=d1, value=4)
    services.consensus_save(session=session, dimension=_dimension(scored, "D5"), value=None)
    action = services.action_add(
        session=session,
        dimension=d1,
        description="Budget the pilots",
        owner_role="both",
        due_date=due,
    )
    services.action_set_status(action=action, status="done")

    rows = report_agreements(scored)

    assert [(row["dimension"][:3].strip(), row["status"]) for row in rows] == [
        ("D1", "Agreed"),
        ("D1", "Done"),
        ("D3", "Agreed"),
        ("D3", "Open"),
    ]
    assert rows[0]["description"] == "Agreed position: 4 on the 1\u20135 scale."
    assert rows[1]["owner"] == "CEO and CISO" and rows[1]["due"] == due
    assert rows[2]["description"].endswith("Notes: Draft exists")
    assert rows[2]["dimension"] == f"D3 {d3.name}"


def test_no_workshop_means_no_rows(scored):
    assert report_agreements(scored) == []


# --- The next round ---------------------------------------------------------------------


def test_the_next_round_has_the_same_executives_and_the_newest_bank(
    scored, consultant, questionnaire, mailoutbox, django_capture_on_commit_callbacks
):
    newest = _publish_version_2(questionnaire)
    with django_capture_on_commit_callbacks(execute=True):
        created = services.next_round_start(
            assessment=scored,
            title="GenAI alignment, autumn",
            due_date=timezone.localdate() + timedelta(days=21),
            by=consultant,
        )
    assert created.organization == scored.organization
    assert created.questionnaire == newest
    assert created.status == Assessment.Status.OPEN and created.created_by == consultant
    people = {(r.role, r.name, r.email) for r in scored.respondents.all()}
    assert {(r.role, r.name, r.email) for r in created.respondents.all()} == people
    assert Invitation.objects.filter(respondent__assessment=created).count() == 2
    assert sorted(m.to[0] for m in mailoutbox) == sorted(email for _, _, email in people)


def test_a_draft_next_round_sends_nothing(scored, consultant, mailoutbox):
    created = services.next_round_start(
        assessment=scored, title="Later", due_date=None, by=consultant, send_invitations=False
    )
    assert created.status == Assessment.Status.DRAFT
    assert not Invitation.objects.filter(respondent__assessment=created).exists()


def test_the_next_round_is_started_once(scored, consultant):
    services.next_round_start(assessment=scored, title="Next", due_date=None, by=consultant)
    with pytest.raises(ValidationError, match="A later round already exists"):
        services.next_round_start(assessment=scored, title="Again", due_date=None, by=consultant)
    assert Assessment.objects.filter(organization=scored.organization).count() == 2


def test_an_unscored_round_has_no_next_round(questionnaire, organization, consultant):
    from tests.factories import completed_assessment

    pending = completed_assessment(questionnaire, organization=organization, submit=False)
    with pytest.raises(ValidationError, match="once this one is scored"):
        services.next_round_start(assessment=pending, title="Next", due_date=None)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("GenAI alignment, round 2", "GenAI alignment, round 3"),
        ("Board review 2026", "Board review 2027"),
        ("Board review", "Board review, round 4"),
    ],
)
def test_the_next_title_counts_on(title, expected):
    assert services.next_round_title(title, 4) == expected


def test_the_latest_questionnaire_is_the_newest_published_version(questionnaire, questionnaire_v2):
    assert services.latest_questionnaire(questionnaire) == questionnaire_v2  # the shipped one
    newest = _publish_version_2(questionnaire)
    draft = Questionnaire.objects.create(
        slug=questionnaire.slug, version=newest.version + 1, title="draft", content_hash="3" * 64
    )
    assert services.latest_questionnaire(questionnaire) == newest != draft
    call_command("load_question_bank", verbosity=0)  # idempotent: nothing changes
    assert services.latest_questionnaire(questionnaire) == newest


def test_a_scored_round_of_the_new_version_can_follow(scored, questionnaire, organization):
    newest = _publish_version_2(questionnaire)
    later = scored_assessment(newest, organization=organization, realistic=False)
    assert later.status == Assessment.Status.SCORED
