"""Bad input is refused with a clear message, changes nothing else, and never errors."""

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.errors import AnswerRefused, AnswersLocked
from assessments.models import Answer, Dimension, Question, Questionnaire
from assessments.services import answer_save, respondent_submit

from .journey import answer_everything, text

pytestmark = pytest.mark.django_db


def _snapshot():
    return sorted(
        Answer.objects.values_list(
            "respondent_id", "question_id", "value", "dont_know", "comment", "updated_at"
        )
    )


@pytest.fixture
def other_question(db) -> Question:
    """An item of another questionnaire, with a code the default bank does not have."""
    other = Questionnaire.objects.create(
        slug="other-bank",
        version=1,
        title="Other",
        content_hash="0" * 64,
        published_at=timezone.now(),
    )
    dimension = Dimension.objects.create(questionnaire=other, code="D11", name="Other", order=1)
    return Question.objects.create(
        questionnaire=other,
        dimension=dimension,
        code="11.1",
        ceo_text="Other?",
        ciso_text="Other?",
        scale="A",
        anchors=["a", "b", "c", "d", "e"],
        order=1,
    )


@pytest.mark.parametrize("value", ["0", "6", "9", "-1", "3.5", "five", "1; DROP", " 44"])
def test_it_refuses_an_answer_outside_1_to_5(client, rnd, value):
    client.post(rnd.url("ceo", "autosave"), {"question": "1.1", "answer": "2"})
    before = _snapshot()
    response = client.post(rnd.url("ceo", "autosave"), {"question": "1.1", "answer": value})
    assert response.status_code == 400
    assert "must be a number from 1 to 5" in response.json()["error"]
    assert _snapshot() == before


def test_the_service_refuses_an_out_of_range_value(rnd):
    for value in (0, 6, True, "3"):
        with pytest.raises(AnswerRefused):
            answer_save(
                respondent=rnd.respondent(),
                question=rnd.question("1.1"),
                value=value,
                dont_know=False,
            )
    with pytest.raises(AnswerRefused):
        answer_save(
            respondent=rnd.respondent(), question=rnd.question("1.1"), value=3, dont_know=True
        )
    assert not Answer.objects.exists()


def test_a_page_with_one_bad_value_saves_nothing_from_that_page(client, rnd):
    response = client.post(
        rnd.page("ceo", "D1"), {"action": "next", "q-1.1": "4", "q-1.2": "7", "c-1.3": "x"}
    )
    assert response.status_code == 400
    assert "Item 1.2: the answer must be a number from 1 to 5" in text(response)
    assert "Nothing on this page was saved." in text(response)
    assert not Answer.objects.exists()


def test_it_refuses_a_question_from_another_questionnaire(client, rnd, other_question):
    response = client.post(rnd.url("ceo", "autosave"), {"question": "11.1", "answer": "3"})
    assert response.status_code == 400
    assert response.json() == {"error": "Item 11.1 is not part of your questionnaire."}
    with pytest.raises(AnswerRefused, match="not part of your questionnaire"):
        answer_save(respondent=rnd.respondent(), question=other_question, value=3, dont_know=False)
    response = client.post(rnd.page("ceo", "D1"), {"action": "next", "q-11.1": "3", "q-1.1": "2"})
    assert response.status_code == 400
    assert not Answer.objects.exists()


def test_it_refuses_a_missing_or_unknown_question(client, rnd):
    for data in ({"answer": "3"}, {"question": "", "answer": "3"}, {"question": "D1"}):
        response = client.post(rnd.url("ceo", "autosave"), data)
        assert response.status_code == 400
        assert "not part of your questionnaire" in response.json()["error"]
    assert not Answer.objects.exists()


def test_it_refuses_an_item_of_another_page_in_a_page_post(client, rnd):
    response = client.post(rnd.page("ceo", "D1"), {"action": "next", "q-2.1": "3", "q-1.1": "3"})
    assert response.status_code == 400
    assert "Item 2.1 is not on this page" in text(response)
    assert not Answer.objects.exists()


def test_a_post_for_another_respondents_item_never_touches_their_answer(client, rnd):
    """The link decides whose answer is written: nothing in the post can name another
    respondent (there is no respondent field, and the other's token is secret)."""
    client.post(rnd.url("ciso", "autosave"), {"question": "1.1", "answer": "1", "comment": "CISO"})
    ciso_before = list(Answer.objects.filter(respondent__role="ciso").values_list())
    ciso = rnd.respondent("ciso")
    response = client.post(
        rnd.url("ceo", "autosave"),
        {"question": "1.1", "answer": "5", "respondent": ciso.pk, "role": "ciso", "token": "x"},
    )
    assert response.status_code == 200
    assert list(Answer.objects.filter(respondent__role="ciso").values_list()) == ciso_before
    assert Answer.objects.get(respondent__role="ceo").value == 5


def test_another_rounds_link_cannot_reach_this_rounds_pages(client, rnd, questionnaire):
    from tests.factories import assessment_with_links

    _, tokens = assessment_with_links(questionnaire)
    client.post(f"/r/{tokens['ceo']}/answer/", {"question": "1.1", "answer": "5"})
    assert not Answer.objects.filter(respondent__assessment=rnd.assessment).exists()


def test_it_refuses_an_answer_after_submission(client, rnd):
    answer_everything(client, rnd, "ceo", "4")
    client.post(rnd.url("ceo", "submit"), {"confirm": "yes"})
    before = _snapshot()
    response = client.post(rnd.url("ceo", "autosave"), {"question": "1.1", "answer": "1"})
    assert response.status_code == 409
    assert "submitted on" in response.json()["error"]
    # A tab left open puts the item back as stored: the refusal says what that is.
    assert response.json()["stored"] == {"answer": "4", "comment": ""}
    response = client.post(rnd.page("ceo", "D1"), {"action": "next", "q-1.1": "1"})
    assert response.status_code == 409
    assert "can no longer be changed" in text(response)
    with pytest.raises(AnswersLocked):
        answer_save(
            respondent=rnd.respondent(), question=rnd.question("1.1"), value=1, dont_know=False
        )
    assert _snapshot() == before


def test_a_double_submit_changes_nothing_and_says_already_submitted(
    client, rnd, django_capture_on_commit_callbacks
):
    answer_everything(client, rnd, "ceo", "4")
    client.post(rnd.url("ceo", "submit"), {"confirm": "yes"})
    submitted_at = rnd.respondent("ceo").submitted_at
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(rnd.url("ceo", "submit"), {"confirm": "yes"})
        respondent_submit(respondent=rnd.respondent("ceo"))
    assert response.status_code == 409
    assert "already submitted" in text(response) and "nothing was changed" in text(response)
    assert rnd.respondent("ceo").submitted_at == submitted_at
    assert callbacks == []


@pytest.mark.parametrize(
    "name, data",
    [
        ("autosave", {"question": "1.1", "answer": "3"}),
        ("page", {"action": "next", "q-1.1": "3"}),
        ("submit", {"confirm": "yes"}),
    ],
)
def test_it_refuses_a_post_without_the_csrf_token(rnd, name, data):
    browser = Client(enforce_csrf_checks=True)
    browser.get(rnd.url("ceo"))  # a real visit sets the CSRF cookie first
    kwargs = {"code": "D1"} if name == "page" else {}
    response = browser.post(rnd.url("ceo", name, **kwargs), data)
    assert response.status_code == 403
    assert b"CSRF" in response.content
    assert not Answer.objects.exists()
    assert rnd.respondent("ceo").submitted_at is None


def test_the_same_post_with_the_csrf_token_is_accepted(rnd):
    browser = Client(enforce_csrf_checks=True)
    browser.get(rnd.page("ceo", "D1"))
    token = browser.cookies["csrftoken"].value
    response = browser.post(
        rnd.url("ceo", "autosave"), {"question": "1.1", "answer": "3"}, HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 200


def test_get_is_refused_where_only_post_makes_sense(client, rnd):
    assert client.get(rnd.url("ceo", "autosave")).status_code == 405
    assert client.get(rnd.url("ceo", "submit")).status_code == 405


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    answer=st.one_of(st.text(max_size=12), st.sampled_from(["1", "5", "dk", ""])),
    code=st.one_of(st.text(max_size=8), st.sampled_from(["1.1", "10.5"])),
    comment=st.text(max_size=50),
)
def test_no_post_to_the_autosave_is_a_server_error(client, rnd, answer, code, comment):
    response = client.post(
        rnd.url("ceo", "autosave"), {"question": code, "answer": answer, "comment": comment}
    )
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        stored = Answer.objects.get(respondent__role="ceo", question__code=code)
        assert stored.dont_know == (answer.strip() == "dk")
        assert stored.value == (
            int(answer) if answer.strip() in "12345" and answer.strip() else None
        )


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x0b", "\x1f", "\x7f"])
def test_it_refuses_a_comment_with_a_control_character(client, rnd, char):
    """Probe hole 2: such a comment used to be saved, then broke every XLSX export."""
    data = {"question": "1.1", "answer": "2", "comment": f"fi{char}ne"}
    response = client.post(rnd.url("ceo", "autosave"), data)
    assert response.status_code == 400
    assert response.json()["error"] == (
        f"Item 1.1: The comment contains an invisible control character (U+{ord(char):04X}) "
        "at position 3; remove it and try again."
    )
    assert not Answer.objects.exists()


def test_a_comment_with_tabs_and_newlines_is_kept(client, rnd):
    data = {"question": "1.1", "answer": "2", "comment": "one\r\n\ttwo"}
    assert client.post(rnd.url("ceo", "autosave"), data).status_code == 200
    assert Answer.objects.get().comment == "one\r\n\ttwo"
