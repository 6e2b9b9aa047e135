"""The hand-written statements of assessments.linksql give what the ORM querysets give."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from assessments import linksql
from assessments.models import Assessment, Invitation
from assessments.selectors import both_submitted, respondent_progress
from assessments.tokens import hash_token
from organizations.models import Organization
from tests.services import require_postgres

pytestmark = pytest.mark.django_db

RELATED = (
    "respondent__assessment__organization",
    "respondent__assessment__created_by",
    "respondent__assessment__questionnaire",
)


def _fields(instance) -> dict:
    model = type(instance)
    return {
        f.attname: getattr(instance, f.attname)
        for f in model._meta.get_fields()
        if f.concrete and not f.many_to_many
    }


def _chain(invitation):
    respondent = invitation.respondent
    assessment = respondent.assessment
    return {
        "invitation": invitation,
        "respondent": respondent,
        "assessment": assessment,
        "organization": assessment.organization,
        "questionnaire": assessment.questionnaire,
        "created_by": assessment.created_by,
    }


def test_the_link_lookup_builds_the_same_instances_as_the_orm(rnd):
    require_postgres()
    token_hash = hash_token(rnd.tokens["ceo"])
    by_hand = linksql.link(token_hash)
    by_orm = Invitation.objects.select_related(*RELATED).get(token_hash=token_hash)
    for name, orm_object in _chain(by_orm).items():
        hand_object = _chain(by_hand)[name]
        assert type(hand_object) is type(orm_object), name
        assert _fields(hand_object) == _fields(orm_object), name
    assert timezone.is_aware(by_hand.created_at)


def test_a_round_without_a_consultant_loads_with_none(rnd):
    require_postgres()
    Assessment.objects.filter(pk=rnd.assessment.pk).update(created_by=None)
    invitation = linksql.link(hash_token(rnd.tokens["ceo"]))
    assert invitation.respondent.assessment.created_by is None
    assert get_user_model().objects.exists()  # the user still exists: only the link is null


def test_an_unknown_token_finds_nothing(rnd):
    require_postgres()
    assert linksql.link(hash_token("not-a-token-" * 3)) is None


def test_answers_and_submitted_count_agree_with_the_orm(client, rnd):
    require_postgres()
    client.post(rnd.url("ceo", "autosave"), {"question": "1.1", "answer": "4", "c-1.1": "Hi"})
    client.post(rnd.url("ceo", "autosave"), {"question": "1.2", "answer": "dk"})
    respondent = rnd.respondent("ceo")
    rows = sorted(linksql.answers(respondent.pk))
    expected = sorted(respondent.answers.values_list("question_id", *linksql.ANSWER_COLUMNS))
    assert rows == expected and len(rows) == 2
    assert linksql.submitted_count(rnd.assessment.pk) == 0
    assert not both_submitted(rnd.assessment)
    assert respondent_progress(respondent).answered == 2


def test_the_statements_use_the_models_table_names():
    statement = linksql._link_statement()
    for model in (Invitation, Assessment, Organization):
        assert model._meta.db_table in statement
