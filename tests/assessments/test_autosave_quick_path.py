"""The autosave's one-statement path on PostgreSQL (answer_save_by_link) must save exactly
when the full path would: the same link, expiry, round and lock rules, written once in SQL.
Each case below states its expected outcome, and the test also checks it against the rules
in Python (respondent_for_token, Respondent.access_expired) so the two cannot drift."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from assessments.errors import LinkError
from assessments.models import Answer, Assessment, Invitation, Respondent
from assessments.selectors import respondent_for_token
from assessments.services import answer_save_by_link
from tests.factories import assessment_with_links, small_questionnaire
from tests.services import require_postgres

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postgres():
    require_postgres()


def _today():
    return timezone.localdate()


def _past():
    return timezone.now() - timedelta(minutes=1)


def _future():
    return timezone.now() + timedelta(days=3)


# (case, change to make, expected: saved by the quick path)
CASES = [
    ("live link", lambda rnd, ceo: None, True),
    ("token expired, due date ahead", lambda rnd, ceo: _expire(ceo, due=_today() + timedelta(1)), True),
    ("token expired, due today", lambda rnd, ceo: _expire(ceo, due=_today()), True),
    ("token expired, due yesterday", lambda rnd, ceo: _expire(ceo, due=_today() - timedelta(1)), False),
    ("token expired, no due date", lambda rnd, ceo: _expire(ceo, due=None), False),
    ("no expiry and no due date", lambda rnd, ceo: _no_expiry(ceo), True),
    ("token ahead, due date passed", lambda rnd, ceo: _due(ceo, _today() - timedelta(5)), True),
    ("link withdrawn", lambda rnd, ceo: Invitation.objects.filter(respondent=ceo).update(revoked_at=_past()), False),
    ("respondent revoked", lambda rnd, ceo: _set(ceo, revoked_at=_past()), False),
    ("already submitted", lambda rnd, ceo: _set(ceo, submitted_at=_past()), False),
    ("round closed", lambda rnd, ceo: _status(ceo, Assessment.Status.CLOSED), False),
    ("round still a draft", lambda rnd, ceo: _status(ceo, Assessment.Status.DRAFT), False),
]  # fmt: skip


def _set(respondent, **fields):
    Respondent.objects.filter(pk=respondent.pk).update(**fields)


def _expire(respondent, *, due):
    _set(respondent, token_expires_at=_past())
    Assessment.objects.filter(pk=respondent.assessment_id).update(due_date=due)


def _no_expiry(respondent):
    _set(respondent, token_expires_at=None)
    Assessment.objects.filter(pk=respondent.assessment_id).update(due_date=None)


def _due(respondent, due):
    _set(respondent, token_expires_at=_future())
    Assessment.objects.filter(pk=respondent.assessment_id).update(due_date=due)


def _status(respondent, status):
    Assessment.objects.filter(pk=respondent.assessment_id).update(status=status)


def _allowed_by_the_python_rules(token: str) -> bool:
    try:
        respondent = respondent_for_token(token)
    except LinkError:
        return False
    return (
        respondent.submitted_at is None
        and respondent.revoked_at is None
        and respondent.assessment.status == Assessment.Status.OPEN
    )


@pytest.mark.parametrize(("case", "change", "expected"), CASES, ids=[c[0] for c in CASES])
def test_it_saves_exactly_when_the_full_checks_allow(rnd, case, change, expected):
    ceo = rnd.respondent("ceo")
    change(rnd, ceo)
    token = rnd.tokens["ceo"]
    assert _allowed_by_the_python_rules(token) is expected, "the case is mislabelled"

    saved = answer_save_by_link(token=token, code="2.1", value=4, dont_know=False, comment="ok")

    assert saved is expected
    stored = Answer.objects.filter(respondent=ceo, question__code="2.1")
    assert stored.exists() is expected
    if expected:
        ceo.refresh_from_db()
        assert ceo.started_at is not None
        assert stored.get().value == 4


@pytest.mark.parametrize(
    ("code", "value", "dont_know", "comment"),
    [
        ("99.9", 3, False, ""),  # no such item
        ("2.1", 6, False, ""),  # out of range
        ("2.1", 0, False, ""),
        ("2.1", 3, True, ""),  # an answer and "don't know" at once
        ("2.1", True, False, ""),  # not an integer
        ("2.1", None, False, "x" * 4001),  # comment too long
        ("2.1", None, False, "nul\x00"),
        ("2 1", 3, False, ""),  # not an item code
    ],
)
def test_it_writes_nothing_for_an_answer_the_full_path_refuses(
    rnd, code, value, dont_know, comment
):
    token = rnd.tokens["ceo"]
    saved = answer_save_by_link(
        token=token, code=code, value=value, dont_know=dont_know, comment=comment
    )
    assert saved is False
    assert not Answer.objects.exists()


def test_an_item_of_another_questionnaire_is_not_saved(rnd):
    other = small_questionnaire(slug="other-bank")
    _, tokens = assessment_with_links(other)
    # "1.1" exists in both banks: through the other round's link it is the other bank's item.
    assert answer_save_by_link(
        token=tokens["ceo"], code="1.1", value=2, dont_know=False, comment=""
    )
    answer = Answer.objects.get()
    assert answer.question.questionnaire == other
    assert not Answer.objects.filter(respondent__assessment=rnd.assessment).exists()


def test_a_tampered_token_saves_nothing(rnd):
    token = rnd.tokens["ceo"]
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert not answer_save_by_link(token=tampered, code="1.1", value=2, dont_know=False, comment="")
    assert not Answer.objects.exists()


def test_the_autosave_of_a_valid_answer_is_one_statement(rnd, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = Client().post(rnd.url("ceo", "autosave"), {"question": "1.1", "answer": "3"})
    assert response.json() == {"saved": True, "question": "1.1", "complete": True}


def test_on_bank_version_2_the_answer_is_still_one_statement_and_keeps_the_prediction(
    rnd2, django_assert_num_queries
):
    client = Client()
    client.post(rnd2.url("ceo", "autosave"), {"question": "1.2/predicted", "answer": "2"})
    with django_assert_num_queries(1):
        response = client.post(rnd2.url("ceo", "autosave"), {"question": "1.2", "answer": "5"})
    assert response.json() == {"saved": True, "question": "1.2", "complete": True}
    answer = Answer.objects.get(respondent=rnd2.respondent("ceo"))
    assert (answer.value, answer.predicted_value, answer.predicted_cant_say) == (5, 2, False)


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"question": "1.1", "answer": "7"}, 400, "number from 1 to 5"),
        ({"question": "99.1", "answer": "3"}, 400, "not part of your questionnaire"),
    ],
)
def test_a_refused_autosave_still_says_why(rnd, data, status, message):
    response = Client().post(rnd.url("ceo", "autosave"), data)
    assert response.status_code == status
    assert message in response.json()["error"]
    assert not Answer.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_autosave_waiting_for_a_submit_then_writes_nothing(questionnaire):
    """The quick path's UPDATE waits for the submit's row lock, then sees submitted_at and
    writes nothing: an answer can never land after the submit."""
    assessment, tokens = assessment_with_links(questionnaire)
    ceo = assessment.respondents.get(role="ceo")
    locked, results = threading.Event(), []

    def submit_slowly():
        try:
            with transaction.atomic():
                Respondent.objects.select_for_update().get(pk=ceo.pk)
                locked.set()
                time.sleep(0.5)
                Respondent.objects.filter(pk=ceo.pk).update(submitted_at=timezone.now())
        finally:
            connection.close()

    def autosave():
        try:
            locked.wait(timeout=5)
            results.append(
                answer_save_by_link(
                    token=tokens["ceo"], code="1.1", value=5, dont_know=False, comment=""
                )
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=submit_slowly), threading.Thread(target=autosave)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert results == [False]
    assert time.monotonic() - started >= 0.5  # it did wait for the submit
    assert not Answer.objects.filter(respondent=ceo).exists()
