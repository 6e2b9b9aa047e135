"""Answering: welcome page, one page per dimension, autosave, the no-JavaScript path,
review, confirmation and submission, then read-only."""

import re

import pytest
from django.utils import timezone

from assessments.models import Answer, Respondent

from .journey import answer_everything, text, words

pytestmark = pytest.mark.django_db


def _answers(respondent: Respondent) -> dict:
    return {
        a.question.code: (a.value, a.dont_know, a.comment)
        for a in Answer.objects.filter(respondent=respondent).select_related("question")
    }


def test_the_welcome_page_says_who_why_how_long_and_that_answers_stay_private(
    client, rnd, consultant
):
    page = text(client.get(rnd.url("ceo")))
    assert consultant.get_full_name() in page
    assert "Why" in page
    assert "About 15 minutes: 44 questions on 10 topics" in page
    assert "The CISO will not see your answers" in page
    assert rnd.page("ceo", "D1") in page


def test_opening_the_welcome_page_records_when_the_link_was_first_opened(client, rnd):
    client.get(rnd.url("ciso"))
    first = rnd.respondent("ciso").opened_at
    assert first is not None
    client.get(rnd.url("ciso"))
    assert rnd.respondent("ciso").opened_at == first


def test_each_page_shows_one_dimension_in_the_respondents_own_wording(client, rnd):
    ceo_page = words(client.get(rnd.page("ceo", "D1")))
    ciso_page = text(client.get(rnd.page("ciso", "D1")))
    question = rnd.question("1.1")
    assert question.ceo_text in ceo_page and question.ciso_text not in ceo_page
    assert question.ciso_text in ciso_page and question.ceo_text not in ciso_page
    assert "Topic 1 of 10" in ceo_page
    assert "0 of 44 questions answered" in ceo_page
    assert rnd.question("2.1").ceo_text not in ceo_page


def test_each_item_is_a_fieldset_with_a_legend_five_anchors_dont_know_and_a_comment(client, rnd):
    body = client.get(rnd.page("ceo", "D3")).content.decode()
    fieldsets = re.findall(r"<fieldset class=\"item\".*?</fieldset>", body, re.S)
    assert (
        len(fieldsets)
        == rnd.assessment.questionnaire.questions.filter(dimension__code="D3").count()
    )
    for fieldset in fieldsets:
        assert "<legend" in fieldset
        radios = re.findall(r'type="radio"[^>]*value="([^"]+)"', fieldset)
        assert radios == ["1", "2", "3", "4", "5", "dk"]
        assert "Don’t know" in fieldset
        assert re.search(r'<label[^>]*for="c-[\d-]+"[^>]*>Comment \(optional\)', fieldset)
        for input_id in re.findall(r'<input[^>]*id="([^"]+)"', fieldset):
            assert f'for="{input_id}"' in fieldset, f"{input_id} has no label"
    assert "<script>" not in body and "onclick" not in body and "onchange" not in body


def test_autosave_stores_one_answer_and_a_reload_shows_it(client, rnd):
    response = client.post(
        rnd.url("ceo", "autosave"), {"question": "1.2", "answer": "4", "comment": "Board asks"}
    )
    assert response.status_code == 200
    assert response.json() == {"saved": True, "question": "1.2", "complete": True}
    assert _answers(rnd.respondent("ceo")) == {"1.2": (4, False, "Board asks")}
    body = client.get(rnd.page("ceo", "D1")).content.decode()
    assert re.search(r'id="q-1-2-4" value="4" checked', body)
    assert "Board asks</textarea>" in body
    assert "1 of 44 questions answered" in words(client.get(rnd.page("ceo", "D2")))


def test_autosave_replaces_the_earlier_answer_and_accepts_dont_know(client, rnd):
    url = rnd.url("ceo", "autosave")
    client.post(url, {"question": "1.1", "answer": "2"})
    client.post(url, {"question": "1.1", "answer": "dk", "comment": "Ask the CFO"})
    assert _answers(rnd.respondent("ceo")) == {"1.1": (None, True, "Ask the CFO")}
    assert Answer.objects.count() == 1


def test_a_comment_alone_is_saved_but_does_not_complete_the_item(client, rnd):
    response = client.post(
        rnd.url("ceo", "autosave"), {"question": "1.3", "answer": "", "comment": "Unsure"}
    )
    assert response.json()["complete"] is False
    assert _answers(rnd.respondent("ceo")) == {"1.3": (None, False, "Unsure")}


def test_the_first_answer_marks_the_respondent_as_started(client, rnd):
    client.post(rnd.url("ciso", "autosave"), {"question": "1.1", "answer": "3"})
    assert rnd.respondent("ciso").started_at is not None


def test_without_javascript_the_next_button_saves_the_whole_page(client, rnd):
    data = {"action": "next", "q-1.1": "5", "q-1.2": "dk", "c-1.2": "Not my call", "q-1.3": "1"}
    response = client.post(rnd.page("ceo", "D1"), data)
    assert response.status_code == 302
    assert response.url == rnd.page("ceo", "D2")
    assert _answers(rnd.respondent("ceo")) == {
        "1.1": (5, False, ""),
        "1.2": (None, True, "Not my call"),
        "1.3": (1, False, ""),
    }


def test_without_javascript_save_stays_and_previous_goes_back(client, rnd):
    response = client.post(rnd.page("ceo", "D2"), {"action": "save", "q-2.1": "3"})
    assert response.url == rnd.page("ceo", "D2") + "?saved=1"
    assert "Your answers on this page are saved." in text(client.get(response.url))
    response = client.post(rnd.page("ceo", "D2"), {"action": "previous", "q-2.1": "4"})
    assert response.url == rnd.page("ceo", "D1")
    assert _answers(rnd.respondent("ceo"))["2.1"] == (4, False, "")


def test_the_last_page_leads_to_the_review(client, rnd):
    last = rnd.assessment.questionnaire.dimensions.order_by("-order").first().code
    response = client.post(rnd.page("ceo", last), {"action": "review"})
    assert response.url == rnd.url("ceo", "review")


def test_a_stale_page_posted_blank_does_not_erase_answers_given_elsewhere(client, rnd):
    client.post(rnd.url("ceo", "autosave"), {"question": "1.1", "answer": "4"})
    client.post(rnd.page("ceo", "D1"), {"action": "next"})
    assert _answers(rnd.respondent("ceo")) == {"1.1": (4, False, "")}


def test_the_review_lists_unanswered_items_with_links_to_them(client, rnd):
    client.post(rnd.url("ceo", "autosave"), {"question": "1.1", "answer": "4"})
    page = text(client.get(rnd.url("ceo", "review")))
    assert "Not answered yet (43)" in page
    assert f'href="{rnd.page("ceo", "D1")}#item-1-2"' in page
    assert f'href="{rnd.page("ceo", "D10")}#item-10-5"' in page
    assert 'href="' + rnd.page("ceo", "D1") + '#item-1-1"' not in page
    assert "Submit my answers" not in page


def test_submitting_needs_confirmation_then_locks_the_answers(client, rnd):
    answer_everything(client, rnd, "ceo")
    review = text(client.get(rnd.url("ceo", "review")))
    assert "Not answered yet" not in review and "Submit my answers" in review
    response = client.post(rnd.url("ceo", "submit"), {})
    assert response.status_code == 400
    assert "Tick the box to confirm" in text(response)
    assert rnd.respondent("ceo").submitted_at is None
    response = client.post(rnd.url("ceo", "submit"), {"confirm": "yes"})
    assert response.status_code == 302 and response.url == rnd.url("ceo")
    assert rnd.respondent("ceo").submitted_at is not None


def test_submitting_with_unanswered_items_is_refused_and_lists_them(client, rnd):
    client.post(rnd.url("ceo", "autosave"), {"question": "1.1", "answer": "4"})
    response = client.post(rnd.url("ceo", "submit"), {"confirm": "yes"})
    assert response.status_code == 400
    assert "43 items are still unanswered" in text(response)
    assert rnd.respondent("ceo").submitted_at is None


def test_after_submitting_the_link_shows_the_answers_read_only(client, rnd):
    answer_everything(client, rnd, "ceo", value="dk")
    client.post(rnd.url("ceo", "submit"), {"confirm": "yes"})
    page = client.get(rnd.url("ceo"))
    body = text(page)
    assert "You submitted your answers on" in body
    assert "once the CISO has submitted too" in body
    assert body.count("Don’t know") == 44
    assert "<form" not in page.content.decode().split("<main", 1)[1]
    response = client.get(rnd.page("ceo", "D1"))
    assert response.status_code == 302 and response.url == rnd.url("ceo")
    assert client.get(rnd.url("ceo", "review")).url == rnd.url("ceo")


def test_the_link_works_again_later_on_another_device(client, rnd, django_user_model):
    from django.test import Client

    client.post(rnd.url("ceo", "autosave"), {"question": "4.1", "answer": "2", "comment": "x"})
    other_device = Client()
    body = other_device.get(rnd.page("ceo", "D4")).content.decode()
    assert re.search(r'id="q-4-1-2" value="2" checked', body)


def test_an_unknown_page_code_is_a_clear_404(client, rnd):
    response = client.get(rnd.page("ceo", "D99"))
    assert response.status_code == 404
    assert "There is no such page in your questionnaire." in text(response)


def test_the_start_button_resumes_at_the_first_incomplete_page(client, rnd):
    for code in ("1.1", "1.2", "1.3", "1.4", "1.5"):
        client.post(rnd.url("ceo", "autosave"), {"question": code, "answer": "3"})
    page = text(client.get(rnd.url("ceo")))
    assert "Continue" in page
    assert f'href="{rnd.page("ceo", "D2")}"' in page
    assert "You have answered 5 of 44 questions." in page


def test_submitted_at_is_not_touched_by_an_autosave(client, rnd):
    answer_everything(client, rnd, "ceo")
    client.post(rnd.url("ceo", "submit"), {"confirm": "yes"})
    submitted_at = rnd.respondent("ceo").submitted_at
    client.post(rnd.url("ceo", "autosave"), {"question": "1.1", "answer": "1"})
    assert rnd.respondent("ceo").submitted_at == submitted_at
    assert submitted_at <= timezone.now()


def test_comments_and_wording_are_escaped_on_the_page(client, rnd):
    client.post(
        rnd.url("ceo", "autosave"),
        {"question": "1.1", "answer": "2", "comment": '</textarea><script>alert("x")</script>'},
    )
    body = client.get(rnd.page("ceo", "D1")).content.decode()
    assert "<script>alert" not in body
    assert "&lt;/textarea&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</textarea>" in body
