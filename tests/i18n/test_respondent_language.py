"""Who chooses the language of a round's executives, and what follows from it: the pages,
the answers' recorded language, the emails."""

import re
from html import unescape

import pytest
from django.core import mail
from django.test import Client

from assessments.invitations import invitation_queue, invitation_send
from assessments.models import Answer, Questionnaire
from assessments.question_bank import SHIPPED_BANKS

from ..assessments.journey import answer_everything
from .banks import bank_with_translations, load, translation_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def translated(rnd, tmp_path):
    """The round's bank (version 1) with German and Japanese wording, marked DE / JA."""
    files = {
        "de": translation_of(SHIPPED_BANKS[0], "de", "DE"),
        "ja": translation_of(SHIPPED_BANKS[0], "ja", "JA"),
    }
    load(bank_with_translations(tmp_path, files))
    rnd.assessment.questionnaire = Questionnaire.objects.get(pk=rnd.assessment.questionnaire_id)
    return rnd


def _html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


def test_the_welcome_page_offers_the_browsers_language_until_one_is_chosen(translated):
    client = Client(headers={"accept-language": "fr-FR,fr;q=0.9,en;q=0.5"})
    response = client.get(translated.url("ceo"))
    assert _html_lang(response) == "fr"
    assert re.search(
        r'<option value="fr" lang="fr" selected>Français</option>', response.content.decode()
    )
    assert translated.respondent("ceo").language == ""  # offered, not yet chosen


def test_switching_language_mid_questionnaire_keeps_the_answers(translated, client):
    rnd = translated
    answer_everything(client, rnd, "ceo", value="4")
    page = rnd.page("ceo", "D2")
    response = client.post(rnd.url("ceo", "language"), {"language": "de", "next": page})
    assert response.status_code == 302 and response["Location"] == page
    assert rnd.respondent("ceo").language == "de"
    german = client.get(page)
    body = unescape(german.content.decode())
    assert _html_lang(german) == "de"
    assert "DE " + rnd.question("2.1").ceo_text in body
    assert (
        body.count('value="4" checked')
        == rnd.assessment.questionnaire.questions.filter(dimension__code="D2").count()
    )
    assert Answer.objects.filter(respondent=rnd.respondent("ceo"), value=4).count() == 44


def test_each_answer_records_the_language_its_item_was_shown_in(translated, client):
    rnd = translated
    autosave = rnd.url("ceo", "autosave")
    assert client.post(autosave, {"question": "1.1", "answer": "2"}).status_code == 200
    client.post(rnd.url("ceo", "language"), {"language": "ja"})
    assert client.post(autosave, {"question": "1.2", "answer": "dk"}).status_code == 200
    # the full path (a page posted without JavaScript) records it too
    client.post(rnd.page("ceo", "D1"), {"action": "save", "q-1.3": "5"})
    recorded = dict(
        Answer.objects.filter(respondent=rnd.respondent("ceo")).values_list(
            "question__code", "language"
        )
    )
    assert recorded == {"1.1": "en", "1.2": "ja", "1.3": "ja"}


def test_the_ceo_and_the_ciso_of_one_round_answer_in_their_own_languages(translated):
    rnd = translated
    for role, language in (("ceo", "de"), ("ciso", "ja")):
        Client().post(rnd.url(role, "language"), {"language": language})
    ceo, ciso = Client().get(rnd.page("ceo", "D1")), Client().get(rnd.page("ciso", "D1"))
    assert (_html_lang(ceo), _html_lang(ciso)) == ("de", "ja")
    assert "DE " + rnd.question("1.1").ceo_text in unescape(ceo.content.decode())
    assert "JA " + rnd.question("1.1").ciso_text in unescape(ciso.content.decode())
    assert "DE " not in unescape(ciso.content.decode())


def test_a_language_parley_does_not_offer_is_refused_and_changes_nothing(translated, client):
    response = client.post(translated.url("ceo", "language"), {"language": "xx"})
    assert response.status_code == 400
    assert "Choose one of the languages offered." in response.content.decode()
    assert translated.respondent("ceo").language == ""


def test_the_language_switch_goes_back_only_to_a_page_of_the_same_link(translated, client):
    for elsewhere in ("https://evil.example/", translated.url("ciso"), "//evil.example/r/"):
        response = client.post(
            translated.url("ceo", "language"), {"language": "de", "next": elsewhere}
        )
        assert response["Location"] == translated.url("ceo")


def test_the_invitation_is_written_in_the_respondents_language(translated):
    ceo, ciso = translated.respondent("ceo"), translated.respondent("ciso")
    ceo.language, ciso.language = "de", "ja"
    ceo.save(update_fields=["language"])
    ciso.save(update_fields=["language"])
    mail.outbox.clear()
    for respondent in (ceo, ciso):
        invitation_send(invitation_id=invitation_queue(respondent=respondent, kind="invitation").pk)
    by_address = {message.to[0]: message for message in mail.outbox}
    assert '<html lang="de">' in by_address[ceo.email].alternatives[0][0]
    assert '<html lang="ja">' in by_address[ciso.email].alternatives[0][0]


def test_without_a_language_the_emails_take_the_organisations_report_language(translated):
    organization = translated.assessment.organization
    organization.report_language = "fr"
    organization.save(update_fields=["report_language"])
    mail.outbox.clear()
    respondent = translated.respondent("ceo")
    invitation_send(invitation_id=invitation_queue(respondent=respondent, kind="invitation").pk)
    assert '<html lang="fr">' in mail.outbox[0].alternatives[0][0]
