"""A respondent in a real browser switches the questionnaire to German, then Japanese, with
the picker in the header: the answer given stays checked, the page's `lang` follows, the bank
shows in the language (files beside the bank), and axe finds nothing serious on a phone."""

import json
import shutil

import pytest
from django.core.management import call_command

from assessments.models import Answer
from assessments.question_bank import SHIPPED_BANKS
from tests.factories import assessment_with_links
from tests.i18n.banks import translation_of

from .conftest import PHONE
from .test_accessibility import _violations

pytestmark = pytest.mark.e2e


@pytest.fixture
def link(base_url, questionnaire, organization, consultant, tmp_path):
    shutil.copy(SHIPPED_BANKS[0], tmp_path / SHIPPED_BANKS[0].name)
    for language in ("de", "ja"):
        text = translation_of(SHIPPED_BANKS[0], language, language.upper())
        (tmp_path / f"{SHIPPED_BANKS[0].stem}.{language}.json").write_text(json.dumps(text))
    call_command("load_question_bank", str(tmp_path / SHIPPED_BANKS[0].name), verbosity=0)
    assessment, tokens = assessment_with_links(
        questionnaire, organization=organization, created_by=consultant
    )
    return assessment, f"{base_url}/r/{tokens['ceo']}/"


def test_the_picker_switches_the_questionnaire_and_keeps_the_answers(new_context, link, axe_source):
    assessment, url = link
    page = new_context(viewport=PHONE, bypass_csp=True).new_page()
    page.goto(url + "topics/D1/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.locator(".scale-option label").first.click()
    ceo = assessment.respondents.get(role="ceo")
    for _ in range(50):  # the autosave lands within a moment
        if Answer.objects.filter(respondent=ceo).exists():
            break
        page.wait_for_timeout(100)
    assert Answer.objects.filter(respondent=ceo).count() == 1
    for language in ("de", "ja"):
        page.select_option("#respond-language", language)
        page.locator(".respond-language button").click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == language
        assert page.url.endswith("/topics/D1/")
        wording = assessment.questionnaire.questions.get(code="1.1").ceo_text
        assert f"{language.upper()} {wording}" in page.inner_text("main")
        assert page.locator(".scale-option input:checked").count() == 1
        assert _violations(page, axe_source) == []
