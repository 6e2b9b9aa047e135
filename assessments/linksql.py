"""The reads every respondent request starts with, as hand-written SQL on PostgreSQL.

A personal link's page is small, but the ORM compiles its lookup (an invitation with its
respondent, round, organisation, bank and consultant: four joins, six models) on every
request, and compiling costs the worker several times what PostgreSQL spends answering. Here
each statement is written once per process from the models' table and column names, run
through Django's own cursor, and turned into model instances by the documented hooks for
loading models (`Model.from_db`, and each field's `from_db_value`): no private part of the
ORM is used.

PostgreSQL only: psycopg2 returns the types Django's fields expect there (aware datetimes in
UTC). Other databases (the embedded SQLite) use the ORM querysets in `assessments.selectors`,
which are also the reference the tests compare these with.
"""

from functools import cache

from django.contrib.auth import get_user_model
from django.db import connection

from organizations.models import Organization

from .models import Answer, Assessment, Invitation, Questionnaire, Respondent


def available() -> bool:
    return connection.vendor == "postgresql"


def _columns(model) -> list:
    return [f for f in model._meta.get_fields() if f.concrete and not f.many_to_many]


def _chain():
    """(alias, model, joined to: (alias of the parent, parent model, its foreign key) or None,
    outer join?) for the invitation and what it is loaded with."""
    return (
        ("i", Invitation, None, False),
        ("r", Respondent, ("i", Invitation, "respondent"), False),
        ("a", Assessment, ("r", Respondent, "assessment"), False),
        ("o", Organization, ("a", Assessment, "organization"), False),
        ("q", Questionnaire, ("a", Assessment, "questionnaire"), False),
        ("u", get_user_model(), ("a", Assessment, "created_by"), True),  # may be null
    )


def _column_name(model, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@cache
def _link_statement() -> str:
    chain = _chain()
    select = ", ".join(
        f"{alias}.{connection.ops.quote_name(f.column)}"
        for alias, model, _, _ in chain
        for f in _columns(model)
    )
    tables = [f"{_table(Invitation)} i"]
    for alias, model, (parent, parent_model, foreign_key), outer in chain[1:]:
        pk = connection.ops.quote_name(model._meta.pk.column)
        on = f"{alias}.{pk} = {parent}.{_column_name(parent_model, foreign_key)}"
        tables.append(f"{'LEFT JOIN' if outer else 'JOIN'} {_table(model)} {alias} ON {on}")
    token = _column_name(Invitation, "token_hash")
    return f"SELECT {select} FROM {' '.join(tables)} WHERE i.{token} = %s LIMIT 1"  # noqa: S608  # nosec B608 (names from the models, quoted; values are parameters)


def _instance(model, fields, values):
    """A model instance from its columns, as the ORM would build it."""
    if values[0] is None:  # an outer join that found nothing
        return None
    loaded = [
        f.from_db_value(v, None, connection) if hasattr(f, "from_db_value") else v
        for f, v in zip(fields, values, strict=True)
    ]
    return model.from_db(connection.alias, [f.attname for f in fields], loaded)


def link(token_hash: str) -> Invitation | None:
    """As `Invitation.objects.select_related("respondent__assessment__organization",
    "respondent__assessment__created_by", "respondent__assessment__questionnaire")
    .filter(token_hash=…).first()`, in one hand-written statement."""
    with connection.cursor() as cursor:
        cursor.execute(_link_statement(), [token_hash])
        row = cursor.fetchone()
    if row is None:
        return None
    objects, start = {}, 0
    for alias, model, _, _ in _chain():
        fields = _columns(model)
        objects[alias] = _instance(model, fields, row[start : start + len(fields)])
        start += len(fields)
    assessment = objects["a"]
    assessment.organization = objects["o"]
    assessment.questionnaire = objects["q"]
    assessment.created_by = objects["u"]
    objects["r"].assessment = assessment
    objects["i"].respondent = objects["r"]
    return objects["i"]


# What a respondent's page reads of each saved answer, after the question's id.
ANSWER_COLUMNS = (
    "value",
    "dont_know",
    "comment",
    "predicted_value",
    "predicted_cant_say",
    "language",
)


@cache
def _answers_statement() -> str:
    table = _table(Answer)
    columns = ", ".join(_column_name(Answer, name) for name in ("question", *ANSWER_COLUMNS))
    respondent = _column_name(Answer, "respondent")
    return f"SELECT {columns} FROM {table} WHERE {respondent} = %s"  # noqa: S608  # nosec B608 (names from the models, quoted; values are parameters)


def answers(respondent_id: int) -> list[tuple]:
    """(question id, *ANSWER_COLUMNS) of each saved answer of a respondent."""
    with connection.cursor() as cursor:
        cursor.execute(_answers_statement(), [respondent_id])
        return cursor.fetchall()


@cache
def _submitted_statement() -> str:
    table = _table(Respondent)
    assessment = _column_name(Respondent, "assessment")
    submitted = _column_name(Respondent, "submitted_at")
    return (
        f"SELECT count(*) FROM {table} "  # noqa: S608  # nosec B608 (names from the models, quoted; values are parameters)
        f"WHERE {assessment} = %s AND {submitted} IS NOT NULL"
    )


def submitted_count(assessment_id: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(_submitted_statement(), [assessment_id])
        return cursor.fetchone()[0]
