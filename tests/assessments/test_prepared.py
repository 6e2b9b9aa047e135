"""PreparedQuery runs a queryset compiled once and gives what the ORM itself gives."""

import pytest
from django.db.models import Count

from assessments.models import Dimension, Invitation, Question
from assessments.prepared import NotPreparable, PreparedQuery
from assessments.tokens import hash_token

pytestmark = pytest.mark.django_db

LINK = PreparedQuery(
    lambda token_hash: Invitation.objects.select_related(
        "respondent__assessment__organization", "respondent__assessment__created_by"
    ).filter(token_hash=token_hash),
    str,
)


def test_it_builds_the_same_instances_as_the_orm_with_their_related_objects(rnd):
    token_hash = hash_token(rnd.tokens["ceo"])
    prepared = LINK.first(token_hash)
    plain = Invitation.objects.select_related(
        "respondent__assessment__organization", "respondent__assessment__created_by"
    ).get(token_hash=token_hash)
    for path in ("", "respondent", "respondent.assessment", "respondent.assessment.organization"):
        a, b = prepared, plain
        for name in filter(None, path.split(".")):
            a, b = getattr(a, name), getattr(b, name)
        assert type(a) is type(b)
        assert {f.attname: getattr(a, f.attname) for f in a._meta.concrete_fields} == {
            f.attname: getattr(b, f.attname) for f in b._meta.concrete_fields
        }
    assert prepared.respondent.assessment.created_by == rnd.assessment.created_by
    assert LINK.first("0" * 64) is None


def test_each_call_uses_its_own_values(rnd):
    ceo = LINK.first(hash_token(rnd.tokens["ceo"]))
    ciso = LINK.first(hash_token(rnd.tokens["ciso"]))
    assert (ceo.respondent.role, ciso.respondent.role) == ("ceo", "ciso")


def test_it_keeps_annotations_and_converts_json_fields(questionnaire):
    dimensions = PreparedQuery(
        lambda pk: (
            Dimension.objects.filter(questionnaire_id=pk)
            .annotate(n=Count("questions"))
            .order_by("order")
        ),
        int,
    ).objects(questionnaire.pk)
    assert [d.n for d in dimensions] == [5, 5, 5, 4, 4, 4, 4, 4, 4, 5]
    questions = PreparedQuery(
        lambda pk, code: Question.objects.filter(questionnaire_id=pk, code=code), int, str
    ).objects(questionnaire.pk, "1.2")
    assert questions[0].anchors == questionnaire.questions.get(code="1.2").anchors
    assert isinstance(questions[0].anchors, list)


def test_it_returns_values_list_rows(questionnaire):
    codes = PreparedQuery(
        lambda pk: (
            Question.objects.filter(questionnaire_id=pk)
            .order_by("order")
            .values_list("code", flat=True)
        ),
        int,
    )
    pairs = PreparedQuery(
        lambda pk: (
            Question.objects.filter(questionnaire_id=pk)
            .order_by("order")
            .values_list("code", "reverse")
        ),
        int,
    )
    assert codes.rows(questionnaire.pk)[:3] == ["1.1", "1.2", "1.3"]
    assert pairs.rows(questionnaire.pk)[0] == ("1.1", False)


def test_it_refuses_a_queryset_whose_values_do_not_reach_the_sql_unchanged(questionnaire):
    # "contains" sends "%value%", not the value itself.
    containing = PreparedQuery(lambda code: Question.objects.filter(code__contains=code), str)
    with pytest.raises(NotPreparable):
        containing.objects("1.1")
