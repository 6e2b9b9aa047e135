"""The prediction autosave's one-statement path on PostgreSQL (prediction_save_by_link) must
save exactly when the full path (predictions_save) would, and store the same values: the
same link, expiry, round and lock rules as the answer's quick path, plus "the item asks for
a prediction". Each case is also run through the full path, and the two outcomes compared."""

import pytest
from django.test import Client
from django.utils import timezone

from assessments.errors import LinkError, RespondentError
from assessments.models import Answer, Question, Respondent
from assessments.selectors import respondent_for_token
from assessments.services import PredictionInput, prediction_save_by_link, predictions_save
from tests.assessments.test_autosave_quick_path import CASES
from tests.services import require_postgres

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postgres():
    require_postgres()


def _stored(respondent, code):
    return (
        Answer.objects.filter(respondent=respondent, question__code=code)
        .values_list("value", "dont_know", "comment", "predicted_value", "predicted_cant_say")
        .first()
    )


def _full_path(token, code, value, cant_say) -> bool:
    """The autosave's full path: the link's checks, then predictions_save."""
    try:
        respondent = respondent_for_token(token)
        question = Question.objects.get(
            questionnaire_id=respondent.assessment.questionnaire_id, code=code
        )
        predictions_save(
            respondent=respondent, entries=[PredictionInput(question, value, cant_say)]
        )
    except (LinkError, RespondentError):
        return False
    return True


@pytest.mark.parametrize(("case", "change", "expected"), CASES, ids=[c[0] for c in CASES])
def test_it_saves_exactly_when_the_full_path_does(rnd2, case, change, expected):
    change(rnd2, rnd2.respondent("ceo"))
    change(rnd2, rnd2.respondent("ciso"))
    ceo, ciso = rnd2.respondent("ceo"), rnd2.respondent("ciso")  # as changed

    quick = prediction_save_by_link(token=rnd2.tokens["ceo"], code="1.2", value=4, cant_say=False)
    full = _full_path(rnd2.tokens["ciso"], "1.2", 4, False)

    assert quick is full is expected
    assert _stored(ceo, "1.2") == _stored(ciso, "1.2")
    if expected:
        assert _stored(ceo, "1.2") == (None, False, "", 4, False)
        ceo.refresh_from_db()
        assert ceo.started_at is not None


def test_it_keeps_the_answer_and_replaces_only_the_prediction(rnd2):
    client = Client()
    client.post(rnd2.url("ceo", "autosave"), {"question": "1.2", "answer": "5", "comment": "c"})
    ceo = rnd2.respondent("ceo")
    assert prediction_save_by_link(token=rnd2.tokens["ceo"], code="1.2", value=2, cant_say=False)
    assert prediction_save_by_link(token=rnd2.tokens["ceo"], code="1.2", value=None, cant_say=True)
    assert _stored(ceo, "1.2") == (5, False, "c", None, True)


@pytest.mark.parametrize(
    ("code", "value", "cant_say"),
    [
        ("1.1", 3, False),  # the item asks for no prediction
        ("99.1", 3, False),  # no such item
        ("1.2", 6, False),  # out of range
        ("1.2", 3, True),  # a prediction and "can't say" at once
        ("1.2", True, False),  # not an integer
        ("1 2", 3, False),  # not an item code
    ],
)
def test_it_writes_nothing_the_full_path_refuses(rnd2, code, value, cant_say):
    assert not prediction_save_by_link(
        token=rnd2.tokens["ceo"], code=code, value=value, cant_say=cant_say
    )
    if Question.objects.filter(code=code).exists():
        assert not _full_path(rnd2.tokens["ciso"], code, value, cant_say)
    assert not Answer.objects.exists()


def test_the_autosave_of_a_valid_prediction_is_one_statement(rnd2, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = Client().post(
            rnd2.url("ceo", "autosave"), {"question": "1.2/predicted", "answer": "cs"}
        )
    assert response.json() == {"saved": True, "question": "1.2/predicted", "complete": True}
    assert _stored(rnd2.respondent("ceo"), "1.2") == (None, False, "", None, True)


@pytest.mark.parametrize(
    ("code", "answer", "message"),
    [
        ("1.1/predicted", "3", "Item 1.1 asks for no prediction."),
        ("1.2/predicted", "9", "Item 1.2, your prediction: choose a number from 1 to 5"),
    ],
)
def test_a_refused_prediction_still_says_why(rnd2, code, answer, message):
    response = Client().post(rnd2.url("ceo", "autosave"), {"question": code, "answer": answer})
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not Answer.objects.exists()


def test_a_submitted_respondent_is_told_the_answers_are_locked(rnd2):
    Respondent.objects.filter(pk=rnd2.respondent("ceo").pk).update(submitted_at=timezone.now())
    response = Client().post(
        rnd2.url("ceo", "autosave"), {"question": "1.2/predicted", "answer": "4"}
    )
    assert response.status_code == 409
    assert response.json()["error"]
    assert not Answer.objects.exists()
