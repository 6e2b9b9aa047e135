"""Blind until both submit: no page a respondent can reach shows the other's answers, or
any result, before both have submitted."""

import re

import pytest
from django.test import Client

from assessments.invitations import respondent_revoke_link

from .journey import answer_everything, text

pytestmark = pytest.mark.django_db

SECRET = "CISO-ONLY-COMMENT-7f3a"


@pytest.fixture
def ciso_answered(client, rnd):
    """The CISO has answered everything with a tell-tale comment, and submitted."""
    ciso = Client()
    for code in rnd.assessment.questionnaire.questions.values_list("code", flat=True):
        ciso.post(rnd.url("ciso", "autosave"), {"question": code, "answer": "1", "comment": SECRET})
    ciso.post(rnd.url("ciso", "submit"), {"confirm": "yes"})
    assert rnd.respondent("ciso").submitted_at
    return rnd


def _ceo_pages(client, rnd):
    """Every response the CEO's link can produce before the CEO submits."""
    responses = [client.get(rnd.url("ceo")), client.get(rnd.url("ceo", "review"))]
    for code in rnd.assessment.questionnaire.dimensions.values_list("code", flat=True):
        responses.append(client.get(rnd.page("ceo", code)))
    responses.append(client.get(rnd.page("ceo", "D99")))
    responses.append(client.post(rnd.url("ceo", "autosave"), {"question": "1.1", "answer": "2"}))
    responses.append(client.post(rnd.url("ceo", "autosave"), {"question": "1.2", "answer": "9"}))
    responses.append(client.post(rnd.page("ceo", "D1"), {"action": "save", "q-1.3": "3"}))
    responses.append(client.post(rnd.url("ceo", "submit"), {"confirm": "yes"}))  # incomplete
    return responses


def _assert_blind(response):
    body = response.content.decode()
    assert SECRET not in body
    assert "See the results" not in body


def test_no_page_of_the_ceo_shows_the_cisos_answers_before_the_ceo_submits(client, ciso_answered):
    for response in _ceo_pages(client, ciso_answered):
        _assert_blind(response)


def test_the_ceos_pages_show_only_the_ceos_own_choices(client, ciso_answered):
    rnd = ciso_answered
    client.post(rnd.url("ceo", "autosave"), {"question": "1.1", "answer": "4"})
    body = client.get(rnd.page("ceo", "D1")).content.decode()
    assert re.findall(r'id="(q-[\d-]+)" value="\w+" checked', body) == ["q-1-1-4"]
    assert len(re.findall(r"\schecked>", body)) == 1


def test_a_submitted_respondent_sees_only_their_own_answers_and_no_results_until_both(
    client, rnd, settings
):
    settings.ROOT_URLCONF = "tests.assessments.results_urls"
    answer_everything(client, rnd, "ceo", "5")
    client.post(rnd.url("ceo", "submit"), {"confirm": "yes"})
    client.post(rnd.url("ciso", "autosave"), {"question": "1.1", "answer": "1", "comment": SECRET})
    page = client.get(rnd.url("ceo"))
    assert SECRET not in page.content.decode()
    assert "results will be available once the CISO has submitted too" in text(page)
    assert "/stand-in/" not in page.content.decode()


def test_once_both_have_submitted_the_results_link_appears_if_the_page_exists(
    client, ciso_answered, settings
):
    rnd = ciso_answered
    answer_everything(client, rnd, "ceo", "5")
    client.post(rnd.url("ceo", "submit"), {"confirm": "yes"})
    settings.ROOT_URLCONF = "tests.assessments.no_results_urls"
    without = client.get(rnd.url("ceo"))
    assert "See the results" not in text(without)
    assert SECRET not in without.content.decode()
    settings.ROOT_URLCONF = "tests.assessments.results_urls"
    page = client.get(rnd.url("ceo"))
    assert f'href="/stand-in/r/{rnd.tokens["ceo"]}/results/"' in page.content.decode()
    assert SECRET not in page.content.decode()


def test_error_pages_of_a_link_show_no_answers(client, ciso_answered):
    rnd = ciso_answered
    respondent_revoke_link(respondent=rnd.respondent("ceo"), send_new=False)
    for response in (
        client.get(rnd.url("ceo")),
        client.post(rnd.url("ceo", "autosave"), {"question": "1.1", "answer": "2"}),
        client.get("/r/" + "A" * 43 + "/"),
    ):
        assert response.status_code in (404, 410)
        assert SECRET not in response.content.decode()


def test_the_ciso_sees_none_of_the_ceos_answers_either(client, rnd):
    ceo = Client()
    ceo.post(rnd.url("ceo", "autosave"), {"question": "2.2", "answer": "5", "comment": SECRET})
    for code in rnd.assessment.questionnaire.dimensions.values_list("code", flat=True):
        body = client.get(rnd.page("ciso", code)).content.decode()
        assert SECRET not in body and not re.search(r"\schecked>", body)
    assert SECRET not in client.get(rnd.url("ciso", "review")).content.decode()


def _routes(patterns, prefix=""):
    """Every route of the URLconf as a string such as "r/<str:token>/topics/<str:code>/"."""
    from django.urls import URLResolver

    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        else:
            yield route


def test_every_url_under_a_personal_link_keeps_the_other_side_blind(client, ciso_answered):
    """Walks the whole URLconf, so a view added later under /r/<token>/ (results, report
    download…) is covered too: before the CEO submits, none shows the CISO's answers."""
    import re as regex

    from django.urls import get_resolver

    rnd = ciso_answered
    routes = [r for r in _routes(get_resolver().url_patterns) if r.startswith("r/<str:token>/")]
    assert len(routes) >= 5
    for route in routes:
        path = "/" + route.replace("<str:token>", rnd.tokens["ceo"])
        path = regex.sub(r"<(?:str|slug):code>", "D1", path)
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            assert response.status_code < 500, path
            body = response.content.decode(errors="replace")
            assert SECRET not in body, path
            assert "See the results" not in body, path


def test_no_page_of_the_ceo_shows_the_cisos_predictions_or_felt_answer(client, rnd2):
    """Bank version 2: the CISO predicts and answers the felt question (and submits); the
    CEO, who has predicted nothing, sees no prediction or felt answer chosen anywhere."""
    answer_everything(Client(), rnd2, "ciso", "1", prediction="5")
    Client().post(rnd2.url("ciso", "submit"), {"confirm": "yes"})
    assert rnd2.respondent("ciso").submitted_at
    responses = _ceo_pages(client, rnd2)
    responses.append(client.post(rnd2.url("ceo", "autosave"), {"question": "1.2/predicted"}))
    for response in responses:
        _assert_blind(response)
        body = response.content.decode()
        assert not re.search(r'name="(p-[\d.]+|felt)"[^>]*checked', body)
        assert "What do you think the CEO will answer?" not in body  # the CISO's wording
