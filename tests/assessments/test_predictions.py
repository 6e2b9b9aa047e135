"""Bank version 2 in the respondent journey: the prediction right under its item, in the
respondent's own wording, autosaved, counted, listed on the review page and required for
submit ("Can't say" counts); the felt question after the last dimension."""

import re

import pytest
from django.test import Client

from assessments.models import Answer

from .journey import answer_everything, text, words

pytestmark = pytest.mark.django_db

PREDICTED = ["1.2", "2.3", "3.2", "4.1", "5.1", "6.1", "7.2", "8.1", "9.1", "10.1"]
TOTAL = 44 + len(PREDICTED) + 1


def _save(client, rnd, code, answer, role="ceo"):
    return client.post(rnd.url(role, "autosave"), {"question": code, "answer": answer})


def test_the_prediction_sits_under_its_item_in_each_respondents_wording(client, rnd2):
    body = client.get(rnd2.page("ceo", "D1")).content.decode()
    item = body.index('id="item-1-2"')
    prediction = body.index('id="predict-1-2"')
    assert item < prediction < body.index('id="item-1-3"')
    fieldset = body[prediction : body.index("</fieldset>", prediction)]
    assert "What do you think the CISO will answer?" in fieldset
    assert "<legend" in fieldset and "Item 1.2: " in fieldset  # announced with its item
    assert len(re.findall(r'type="radio"[^>]*name="p-1.2"', fieldset)) == 6  # 1..5, can't say
    assert '<label for="p-1-2-cs">Can’t say</label>' in fieldset
    assert body.count('class="item prediction"') == 1  # D1 predicts one item
    ciso = Client().get(rnd2.page("ciso", "D1")).content.decode()
    assert "What do you think the CEO will answer?" in ciso


def test_version_1_asks_for_no_prediction_and_no_felt_question(client, rnd):
    body = client.get(rnd.page("ceo", "D1")).content.decode()
    assert "prediction" not in body and "will answer?" not in body
    assert 'id="felt"' not in client.get(rnd.page("ceo", "D10")).content.decode()


def test_a_prediction_is_autosaved_beside_the_answer_without_touching_it(client, rnd2):
    assert _save(client, rnd2, "1.2", "5").json()["complete"] is True
    response = _save(client, rnd2, "1.2/predicted", "2")
    assert response.json() == {"saved": True, "question": "1.2/predicted", "complete": True}
    answer = Answer.objects.get(respondent=rnd2.respondent("ceo"), question__code="1.2")
    assert (answer.value, answer.predicted_value, answer.predicted_cant_say) == (5, 2, False)
    _save(client, rnd2, "1.2/predicted", "cs")
    _save(client, rnd2, "1.2", "4")  # the answer's quick path leaves the prediction alone
    answer.refresh_from_db()
    assert (answer.value, answer.predicted_value, answer.predicted_cant_say) == (4, None, True)
    page = client.get(rnd2.page("ceo", "D1")).content.decode()
    assert 'id="p-1-2-cs" value="cs" checked' in page  # shown again after a reload


def test_a_prediction_given_before_the_answer_keeps_the_item_unanswered(client, rnd2):
    _save(client, rnd2, "2.3/predicted", "4")
    answer = Answer.objects.get(respondent=rnd2.respondent("ceo"), question__code="2.3")
    assert (answer.value, answer.dont_know, answer.predicted_value) == (None, False, 4)
    assert "1 of 55 questions answered" in words(client.get(rnd2.page("ceo", "D2")))


@pytest.mark.parametrize(
    ("code", "answer", "message"),
    [
        ("1.1/predicted", "3", "Item 1.1 asks for no prediction."),
        ("1.2/predicted", "9", "Item 1.2, your prediction: choose a number from 1 to 5"),
        ("99.1/predicted", "3", "Item 99.1 is not part of your questionnaire."),
        ("felt", "0", "How aligned you feel: choose a number from 1 to 5"),
    ],
)
def test_a_bad_prediction_or_felt_answer_says_why_and_saves_nothing(
    client, rnd2, code, answer, message
):
    response = _save(client, rnd2, code, answer)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not Answer.objects.filter(respondent=rnd2.respondent("ceo")).exists()
    assert rnd2.respondent("ceo").felt_value is None


def test_the_felt_question_follows_the_last_dimension_and_is_autosaved(client, rnd2):
    last = client.get(rnd2.page("ceo", "D10")).content.decode()
    felt = last[last.index('id="felt"') :]
    assert last.index('id="item-10-5"') < last.index('id="felt"')
    assert "How aligned are you and your CISO on generative AI?" in felt
    assert "Fully aligned" in felt and "Can’t say" in felt
    assert 'id="felt"' not in client.get(rnd2.page("ceo", "D9")).content.decode()
    assert _save(client, rnd2, "felt", "4").json()["complete"] is True
    assert rnd2.respondent("ceo").felt_value == 4
    ciso = Client().get(rnd2.page("ciso", "D10")).content.decode()
    assert "How aligned are you and your CEO on generative AI?" in ciso


def test_the_page_without_javascript_saves_predictions_and_the_felt_answer(client, rnd2):
    response = client.post(
        rnd2.page("ceo", "D10"), {"action": "save", "q-10.1": "4", "p-10.1": "2", "felt": "cs"}
    )
    assert response.status_code == 302
    answer = Answer.objects.get(respondent=rnd2.respondent("ceo"), question__code="10.1")
    assert (answer.value, answer.predicted_value) == (4, 2)
    assert rnd2.respondent("ceo").felt_cant_say is True
    refused = client.post(rnd2.page("ceo", "D10"), {"action": "save", "p-10.1": "7"})
    assert refused.status_code == 400
    assert "Item 10.1, your prediction" in text(refused)
    answer.refresh_from_db()
    assert answer.predicted_value == 2  # nothing on the refused page was saved


def test_predictions_and_the_felt_question_count_in_progress_and_on_review(client, rnd2):
    for code in ["1.1", "1.2", "1.2/predicted", "felt"]:
        _save(client, rnd2, code, "cs" if "/" in code else "3")
    assert f"4 of {TOTAL} questions answered" in words(client.get(rnd2.page("ceo", "D1")))
    review = client.get(rnd2.url("ceo", "review"))
    assert f"You have answered 4 of {TOTAL} questions." in text(review)
    missing = re.findall(r'<li><a class="tap" href="[^"]*#([\w-]+)"', review.content.decode())
    assert "predict-1-2" not in missing and "item-1-2" not in missing
    assert "predict-2-3" in missing and "item-2-3" in missing and "felt" not in missing
    assert "What do you think the CISO will answer?" in text(review)
    assert missing.index("item-2-3") < missing.index("predict-2-3")


def test_submit_needs_every_prediction_and_the_felt_question_cant_say_counts(client, rnd2):
    answer_everything(client, rnd2, "ceo", "3", prediction="cs")
    _save(client, rnd2, "felt", "")  # felt left unanswered
    respondent = rnd2.respondent("ceo")
    respondent.felt_cant_say = False
    respondent.save(update_fields=["felt_cant_say"])
    refused = client.post(rnd2.url("ceo", "submit"), {"confirm": "yes"})
    assert refused.status_code == 400
    assert "1 item is still unanswered" in text(refused)
    assert rnd2.respondent("ceo").submitted_at is None
    _save(client, rnd2, "felt", "cs")
    assert client.post(rnd2.url("ceo", "submit"), {"confirm": "yes"}).status_code == 302
    assert rnd2.respondent("ceo").submitted_at is not None
    locked = _save(client, rnd2, "1.2/predicted", "4")
    assert locked.status_code == 409
    assert _save(client, rnd2, "felt", "4").status_code == 409
    submitted = words(client.get(rnd2.url("ceo")))
    assert "What do you think the CISO will answer? Can’t say" in submitted
    assert "How aligned are you and your CISO on generative AI? Can’t say" in submitted
