"""A database error in the middle of a submission leaves the previous state intact.

The failure is made by PostgreSQL itself, with a trigger on the respondent's row (created by
the test, dropped after it), at three points of `respondent_submit`'s transaction: the UPDATE
that sets submitted_at fails (a cancelled statement), the connection dies at that UPDATE (the
server ends the session), or everything succeeds until COMMIT fails (a deferred trigger, as a
serialisation failure would). Each time: the submission is not stored, the answers are as
they were, no scoring is enqueued, the respondent sees the error page (not a stack trace),
and submitting again, once the database is well, succeeds.
"""

import logging

import pytest
from django.db import connection
from django.test import Client

from alignment.models import AlignmentResult
from assessments.models import Answer, Respondent
from assessments.services import respondent_submit
from config import tasking
from organizations.models import AuditEvent
from tests.factories import answer_all, assessment_with_links

pytestmark = pytest.mark.integration

FUNCTION = "parley_test_fail_submit"
TRIGGER = "parley_test_fail_submit"
FAILURES = {
    # A statement cancelled at the UPDATE (statement_timeout, a DBA's pg_cancel_backend).
    "statement cancelled": (
        "RAISE EXCEPTION 'canceling statement due to statement timeout' "
        "USING ERRCODE = 'query_canceled'",
        "BEFORE UPDATE OF submitted_at",
        "",
    ),
    # The server ends the session at the UPDATE (a restart, a failover).
    "connection lost": ("PERFORM pg_terminate_backend(pg_backend_pid())", "BEFORE UPDATE", ""),
    # Everything runs, then COMMIT fails (a deferred check; as a serialisation failure).
    "commit refused": (
        "RAISE EXCEPTION 'could not serialize access' USING ERRCODE = 'serialization_failure'",
        "AFTER UPDATE",
        "DEFERRABLE INITIALLY DEFERRED",
    ),
}


CAUSES = {
    "statement cancelled": "canceling statement due to statement timeout",
    "connection lost": "server closed the connection unexpectedly",
    "commit refused": "could not serialize access",
}


@pytest.fixture
def failing_submit(services):
    """install(respondent, failure) makes PostgreSQL fail that respondent's submit."""
    installed = []

    def install(respondent, failure: str) -> None:
        body, timing, deferral = FAILURES[failure]
        constraint = "CONSTRAINT " if deferral else ""
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN {body}; RETURN NEW; END $$"
            )
            cursor.execute(
                f"CREATE {constraint}TRIGGER {TRIGGER} {timing} ON {Respondent._meta.db_table} "
                f"{deferral} FOR EACH ROW WHEN (NEW.id = {int(respondent.pk)} "
                "AND NEW.submitted_at IS NOT NULL) "
                f"EXECUTE FUNCTION {FUNCTION}()"
            )
        installed.append(True)

    def remove() -> None:
        if installed:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {Respondent._meta.db_table}")
                cursor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
            installed.clear()

    install.remove = remove
    try:
        yield install
    finally:
        remove()


@pytest.fixture
def enqueued(monkeypatch):
    """Tasks sent after a commit (config.tasking.enqueue), recorded instead of sent."""
    sent = []
    monkeypatch.setattr(
        tasking, "enqueue", lambda task, *args, **kw: sent.append((task.name, args))
    )
    return sent


def _state(assessment) -> dict:
    return {
        "respondents": list(
            Respondent.objects.filter(assessment=assessment).order_by("pk").values()
        ),
        "answers": list(
            Answer.objects.filter(respondent__assessment=assessment).order_by("pk").values()
        ),
        "results": AlignmentResult.objects.filter(assessment=assessment).count(),
        "audit events": AuditEvent.objects.count(),
    }


@pytest.mark.parametrize("failure", list(FAILURES))
def test_a_database_error_during_submit_leaves_everything_as_it_was(
    failure, failing_submit, enqueued, questionnaire, caplog
):
    assessment, tokens = assessment_with_links(questionnaire)
    ceo, ciso = Respondent.objects.filter(assessment=assessment).order_by("role")
    assert (ceo.role, ciso.role) == ("ceo", "ciso")
    answer_all(ceo, (5, 4, "dk"))
    answer_all(ciso, (2, 3, "dk"), comment="as discussed with the audit committee")
    respondent_submit(respondent=ceo)  # the first submit: nothing to score yet
    assert enqueued == []
    before = _state(assessment)
    browser = Client(raise_request_exception=False)
    submit = f"/r/{tokens['ciso']}/submit/"
    failing_submit(ciso, failure)

    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = browser.post(submit, {"confirm": "yes"})

    # The respondent sees the error page, never the exception.
    assert response.status_code == 500
    assert [t.name for t in response.templates] == ["500.html"]
    body = response.content.decode()
    for leak in ("Traceback", "OperationalError", "psycopg2", "submitted_at", FUNCTION):
        assert leak not in body
    # The operators see it in the log, with the cause.
    (logged,) = [r.exc_info[1] for r in caplog.records if r.exc_info]
    assert type(logged).__name__ == "OperationalError"
    assert CAUSES[failure] in str(logged)
    # Nothing changed: not submitted, the same answers, nothing scored, nothing enqueued.
    assert _state(assessment) == before
    assert enqueued == []

    failing_submit.remove()  # the database is well again
    response = browser.post(submit, {"confirm": "yes"})

    assert response.status_code == 302, response.content
    ciso.refresh_from_db()
    assert ciso.submitted_at is not None
    assert enqueued == [("alignment.score_assessment", (assessment.pk,))]
    assert _state(assessment)["answers"] == before["answers"]
