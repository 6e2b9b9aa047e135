"""Bank version 2 in real Chromium: the CEO answers an item and predicts the CISO's answer,
says "Can't say" on another prediction, reloads and finds both, sees the predictions counted
and listed on the review page, answers the felt question and submits; axe finds no serious
or critical violation on the pages with predictions and the felt question."""

import re

import pytest

from assessments.models import Answer
from tests.factories import assessment_with_links

from .conftest import DESKTOP, PHONE, watch
from .test_accessibility import _violations

pytestmark = pytest.mark.e2e


def _expect():
    from playwright.sync_api import expect

    return expect


@pytest.fixture
def round_v2(base_url, questionnaire_v2, organization, consultant):
    assessment, tokens = assessment_with_links(
        questionnaire_v2, organization=organization, created_by=consultant
    )
    return assessment, f"{base_url}/r/{tokens['ceo']}/"


def _group(page, code):
    return page.locator(f'fieldset[data-code="{code}"]')


def _choose(page, code, value):
    """Click the option's label, as a person does, and wait for the autosave."""
    group = _group(page, code)
    group.locator(f'.scale label[for$="-{value}"]').click()
    _expect()(group.locator("[data-status]")).to_have_text("Saved")


def _answered(page) -> int:
    return int(page.locator("[data-answered-count]").inner_text())


def _answer_all_on_page(page):
    for code in page.locator("fieldset[data-code]").evaluate_all(
        "groups => groups.map(g => g.dataset.code)"
    ):
        if _group(page, code).locator("input[type=radio]:checked").count() == 0:
            _choose(page, code, "cs" if "/" in code or code == "felt" else "3")


def test_answer_predict_cant_say_reload_review_submit(page, round_v2):
    expect = _expect()
    assessment, link = round_v2
    page.goto(link + "topics/D1/")
    expect(page.get_by_text("of 55 questions answered")).to_be_visible()
    prediction = page.get_by_role("group", name=re.compile("What do you think the CISO"))
    expect(prediction).to_have_count(1)
    _choose(page, "1.2", "4")
    _choose(page, "1.2/predicted", "2")
    assert _answered(page) == 2
    page.goto(link + "topics/D2/")
    _choose(page, "2.3/predicted", "cs")
    page.reload()
    expect(page.locator("#p-2-3-cs")).to_be_checked()
    page.goto(link + "topics/D1/")
    expect(page.locator("#q-1-2-4")).to_be_checked()
    expect(page.locator("#p-1-2-2")).to_be_checked()
    assert _answered(page) == 3

    page.goto(link + "review/")
    expect(page.get_by_text("You have answered 3 of 55 questions.")).to_be_visible()
    unanswered = page.locator("ul.unanswered li")
    expect(unanswered).to_have_count(52)
    expect(page.locator('ul.unanswered a[href$="#predict-3-2"]')).to_have_count(1)
    expect(page.locator('ul.unanswered a[href$="#felt"]')).to_have_count(1)
    expect(page.get_by_role("button", name="Submit my answers")).to_have_count(0)

    page.goto(link + "topics/D1/")
    while True:
        _answer_all_on_page(page)
        button = page.locator("button[name=action][value=next], button[name=action][value=review]")
        last = button.get_attribute("value") == "review"
        button.click()
        if last:
            page.wait_for_url(re.compile(r"/review/$"))
            break
        page.wait_for_url(re.compile(r"/topics/D\d+/$"))
    expect(page.get_by_text("You have answered 55 of 55 questions.")).to_be_visible()
    page.get_by_label(re.compile("My answers are final")).check()
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_role("heading", name=re.compile("^Thank you"))).to_be_visible()
    ceo = assessment.respondents.get(role="ceo")
    assert ceo.submitted_at and ceo.felt_cant_say
    answer = Answer.objects.get(respondent=ceo, question__code="1.2")
    assert (answer.value, answer.predicted_value) == (4, 2)
    assert Answer.objects.get(respondent=ceo, question__code="2.3").predicted_cant_say
    assert page.errors == []


def test_a_prediction_is_answered_with_the_keyboard_alone(page, round_v2):
    _, link = round_v2
    page.goto(link + "topics/D1/")
    page.locator("#p-1-2-1").focus()
    page.keyboard.press("ArrowRight")  # moves within the prediction's own radio group
    _expect()(page.locator("#p-1-2-2")).to_be_checked()
    _expect()(_group(page, "1.2/predicted").locator("[data-status]")).to_have_text("Saved")
    _expect()(page.locator("#q-1-2-1")).not_to_be_checked()  # the item's answer is untouched


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "375px"])
@pytest.mark.parametrize("path", ["topics/D1/", "topics/D10/", "review/"])
def test_axe_finds_no_serious_violation_with_predictions(
    new_context, round_v2, axe_source, viewport, path
):
    page = new_context(viewport=viewport, bypass_csp=True).new_page()
    watch(page)
    page.goto(round_v2[1] + path)
    assert _violations(page, axe_source) == []
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"]


@pytest.fixture
def results_link(base_url, questionnaire_v2):
    from django.urls import reverse

    from assessments.tokens import new_token
    from tests.factories import InvitationFactory, scored_assessment

    assessment = scored_assessment(questionnaire_v2)
    token = new_token()
    InvitationFactory(respondent=assessment.respondents.get(role="ceo"), token=token)
    return base_url + reverse("workspace:respondent_results", kwargs={"token": token})


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "375px"])
def test_the_perception_section_passes_axe_and_fits_a_phone(
    new_context, results_link, axe_source, viewport, tmp_path
):
    page = new_context(viewport=viewport, bypass_csp=True).new_page()
    page.goto(results_link)
    section = page.locator('[data-section="perception"]')
    _expect()(section.get_by_role("heading", name="How well they read each other")).to_be_visible()
    _expect()(section.locator("svg[role=img]")).to_have_count(1)
    # axe on the section alone: on a phone the page's older tables (by dimension, by item) are
    # scrollable regions without keyboard access, a finding about them, not about this section.
    page.add_script_tag(path=str(axe_source))
    results = page.evaluate(
        """async () => await axe.run({include: [['[data-section="perception"]']]}, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}
        })"""
    )
    serious = [v["id"] for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []
    section.screenshot(path=str(tmp_path / "perception.png"))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"]
