"""Respondents in a real browser, in their languages.

A respondent switches the questionnaire to German, then Japanese, with the picker in the
header: the answer given stays checked, the page's `lang` follows, the bank shows in the
language (files beside the bank), and axe finds nothing serious on a phone.

A CEO picks Deutsch on the welcome page and a CISO of the same round arrives with a Japanese
browser; both walk the whole questionnaire on the shipped bank and catalogs (the expected
words read from the catalogs), submit, and read the results in their language.
"""

import json
import re
import shutil
import time

import pytest
from django.core.management import call_command

from assessments.models import Answer
from assessments.question_bank import SHIPPED_BANKS
from tests.factories import assessment_with_links
from tests.i18n.banks import translation_of
from tests.i18n.catalogs import require_catalogs, translated

from .conftest import PHONE, go_on
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


# --- A round answered in two languages, from the welcome page to the results -------------


@pytest.fixture
def two_language_round(base_url, questionnaire, organization, consultant):
    """A round on the shipped bank (its German and Japanese files are loaded with it), the
    interface catalogs compiled."""
    require_catalogs()
    assessment, tokens = assessment_with_links(
        questionnaire, organization=organization, created_by=consultant
    )
    return assessment, {role: f"{base_url}/r/{token}/" for role, token in tokens.items()}


def _lang(page) -> str:
    return page.locator("html").get_attribute("lang")


def _switch_language(page, language):
    page.select_option("#respond-language", language)
    page.locator(".respond-language button").click()
    page.wait_for_load_state()


def _wait_for_answers(respondent, page_code, count):
    """The autosave of each click on the page lands within a moment."""
    saved = Answer.objects.filter(respondent=respondent, question__dimension__code=page_code)
    for _ in range(100):
        if saved.count() >= count:
            break
        time.sleep(0.05)
    assert saved.count() == count


def _answer_this_page(page, value):
    items = page.locator("fieldset[data-code]")
    for n in range(items.count()):
        items.nth(n).locator(f'.scale label[for$="-{value}"]').click()
    return items.count()


def _walk_to_the_review(page, value, *, check_page, switch=None):
    """Answer every page in turn with `value`, checking each page with `check_page`; on the
    second page, `switch(page)` changes language and back (answers must stay)."""
    while True:
        check_page(page)
        answered = _answer_this_page(page, value)
        if switch and page.url.endswith("/topics/D2/"):
            switch(page, answered)
        if go_on(page):
            return


def _submit(page, language, respondent):
    page.locator("#confirm").check()
    page.get_by_role("button", name=translated(language, "Submit my answers")).click()
    page.wait_for_url(re.compile(r"/r/[^/]+/$"))
    thanks = translated(language, "Thank you, %(name)s") % {"name": respondent.name}
    assert page.get_by_role("heading", level=1).inner_text() == thanks


def test_a_ceo_in_german_and_a_ciso_in_japanese_answer_submit_and_read_their_results(
    new_context, two_language_round, axe_source
):
    assessment, urls = two_language_round
    ceo, ciso = (assessment.respondents.get(role=role) for role in ("ceo", "ciso"))
    bank = {q.code: q for q in assessment.questionnaire.questions.all()}
    serious = {}  # page -> axe's serious or critical violations

    def check(language, role):
        def check_page(page):
            assert _lang(page) == language, page.url
            code = page.locator("fieldset[data-code]").first.get_attribute("data-code")
            wording = bank[code].translations[language][f"{role}_text"]
            assert wording != getattr(bank[code], f"{role}_text")
            assert wording in page.inner_text("main")
            if page.url.endswith("/topics/D1/"):
                serious[f"{language} questionnaire"] = _violations(page, axe_source)

        return check_page

    # The CEO's browser asks for English; they pick Deutsch on the welcome page.
    page = new_context(bypass_csp=True, locale="en-GB").new_page()
    page.goto(urls["ceo"])
    assert _lang(page) == "en"
    _switch_language(page, "de")
    assert _lang(page) == "de" and page.url == urls["ceo"]
    serious["de welcome"] = _violations(page, axe_source)
    page.get_by_role("link", name=translated("de", "Start")).click()

    def switch_and_back(page, answered):
        _wait_for_answers(ceo, "D2", answered)  # saved as they were clicked
        for language in ("en", "de"):
            _switch_language(page, language)
            assert _lang(page) == language and page.url.endswith("/topics/D2/")
            assert page.locator(".scale-option input:checked").count() == answered

    _walk_to_the_review(page, "4", check_page=check("de", "ceo"), switch=switch_and_back)
    assert _lang(page) == "de"
    serious["de review"] = _violations(page, axe_source)
    _submit(page, "de", ceo)
    assert _lang(page) == "de"
    serious["de submitted"] = _violations(page, axe_source)

    # The CISO's browser asks for Japanese: the pages are in Japanese without a choice.
    other = new_context(bypass_csp=True, locale="ja-JP").new_page()
    other.goto(urls["ciso"])
    assert _lang(other) == "ja"
    serious["ja welcome"] = _violations(other, axe_source)
    other.get_by_role("link", name=translated("ja", "Start")).click()
    _walk_to_the_review(other, "2", check_page=check("ja", "ciso"))
    serious["ja review"] = _violations(other, axe_source)
    _submit(other, "ja", ciso)
    assert _lang(other) == "ja"
    serious["ja submitted"] = _violations(other, axe_source)

    assert {name: found for name, found in serious.items() if found} == {}
    ceo.refresh_from_db()
    ciso.refresh_from_db()
    assert (ceo.language, ciso.language) == ("de", "")  # the CISO chose nothing
    recorded = {
        role: set(Answer.objects.filter(respondent__role=role, respondent__assessment=assessment)
                  .values_list("language", flat=True))
        for role in ("ceo", "ciso")
    }  # fmt: skip
    assert recorded == {"ceo": {"de"}, "ciso": {"ja"}}
    assert Answer.objects.filter(respondent=ceo).count() == len(bank)

    # Both submitted: each reads the results in their own language.
    other.get_by_role("link", name=translated("ja", "See the results")).click()
    other.wait_for_url(re.compile(r"/results/$"))
    for reader, language in ((other, "ja"), (page, "de")):
        reader.goto(urls["ceo" if language == "de" else "ciso"] + "results/")
        assert _lang(reader) == language
        title = translated(language, "Results: %(title)s") % {"title": assessment.title}
        assert reader.get_by_role("heading", level=1).inner_text() == title
