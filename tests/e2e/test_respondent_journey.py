"""The respondent journey in real Chromium: the consultant sends the invitations; the CEO
and the CISO each open their emailed link, answer part, reload, find their answers, finish
and submit. Also the keyboard alone, and the page without JavaScript."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.models import Answer, Respondent
from tests.factories import DEFAULT_PASSWORD, assessment_with_links

from .conftest import go_on, watch

pytestmark = pytest.mark.e2e

LINK = re.compile(r"https?://[^/\s]+(/r/[A-Za-z0-9_-]{43}/)")


def _expect():
    from playwright.sync_api import expect

    return expect


def _item(page, code):
    return page.locator(f'fieldset[data-code="{code}"]')


def _choose(page, code, value):
    """Click the option's label, as a person does, and wait for the autosave. `code` may be
    an item, a prediction ("1.2/predicted") or the felt question ("felt")."""
    _item(page, code).locator(f'.scale label[for$="-{value}"]').click()
    _expect()(_item(page, code).locator("[data-status]")).to_have_text("Saved")


def _answer_page(page, value):
    for code in page.locator("fieldset[data-code]").evaluate_all(
        "items => items.map(i => i.dataset.code)"
    ):
        checked = _item(page, code).locator("input[type=radio]:checked")
        if checked.count() == 0:
            _choose(page, code, value)


def _finish(page, value):
    """Answer whatever is unanswered on this and every following page, then review."""
    while True:
        _answer_page(page, value)
        if go_on(page):
            return


def _submit(page):
    expect = _expect()
    expect(page.get_by_text("Not answered yet")).to_have_count(0)
    page.get_by_label(re.compile("My answers are final")).check()
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_role("heading", name=re.compile("^Thank you"))).to_be_visible()
    expect(page.get_by_text("They are locked")).to_be_visible()


def _consultant_sends_invitations(page, base_url, consultant, organization):
    expect = _expect()
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email address").fill(consultant.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name=organization.name).click()
    page.get_by_role("link", name="New assessment").click()
    page.get_by_label("Title").fill("Board GenAI alignment")
    due = timezone.localdate() + timedelta(days=20)
    page.get_by_label("Due date").fill(due.isoformat())
    page.get_by_label("CEO’s name").fill("Alex Morgan")
    page.get_by_label("CEO’s email").fill("alex@acme.example")
    page.get_by_label("CISO’s name").fill("Sam Okafor")
    page.get_by_label("CISO’s email").fill("sam@acme.example")
    page.get_by_role("button", name="Create draft").click()
    expect(page.get_by_text("Assessment created as a draft")).to_be_visible()
    page.get_by_role("button", name="Send invitations").click()
    expect(page.get_by_text("both invitations are on their way")).to_be_visible()


def test_the_ceo_and_the_ciso_answer_reload_and_submit_from_their_emailed_links(
    page, new_context, base_url, consultant, organization, questionnaire, mailoutbox
):
    expect = _expect()
    _consultant_sends_invitations(page, base_url, consultant, organization)
    links = {m.to[0]: base_url + LINK.search(m.body).group(1) for m in mailoutbox}
    assert set(links) == {"alex@acme.example", "sam@acme.example"}

    for email, value, other_device_value in (
        ("alex@acme.example", "4", "5"),
        ("sam@acme.example", "2", "dk"),
    ):
        executive = watch(new_context().new_page())
        executive.goto(links[email])
        expect(executive.get_by_text("will not see your answers")).to_be_visible()
        executive.get_by_role("link", name="Start").click()
        expect(executive.get_by_text("Topic 1 of 10")).to_be_visible()

        # Answer part of the questionnaire: all of page 1 with a comment, then two items.
        _choose(executive, "1.1", value)
        comment = _item(executive, "1.2").get_by_label("Comment (optional)")
        comment.fill(f"Comment from {email}")
        _choose(executive, "1.2", value)
        _answer_page(executive, value)
        # The form's default is bank version 2: page 1 has 5 items and 1 prediction (1.2).
        expect(executive.get_by_text("6 of 55 questions answered")).to_be_visible()
        executive.get_by_role("button", name="Save and continue").click()
        executive.wait_for_url(re.compile(r"/topics/D2/$"))
        _choose(executive, "2.1", value)
        _choose(executive, "2.2", "dk")

        # Reload: everything is still there.
        executive.reload()
        expect(_item(executive, "2.1").locator(f'input[value="{value}"]')).to_be_checked()
        expect(_item(executive, "2.2").locator('input[value="dk"]')).to_be_checked()
        expect(_item(executive, "2.3").locator("input:checked")).to_have_count(0)
        expect(executive.get_by_text("8 of 55 questions answered")).to_be_visible()
        executive.go_back()
        executive.reload()
        expect(_item(executive, "1.2").get_by_label("Comment (optional)")).to_have_value(
            f"Comment from {email}"
        )

        # Later, on another device: the same link resumes where they stopped.
        phone = new_context(viewport={"width": 375, "height": 812}).new_page()
        phone.goto(links[email])
        expect(phone.get_by_text("You have answered 8 of 55 questions.")).to_be_visible()
        phone.get_by_role("link", name="Continue").click()
        phone.wait_for_url(re.compile(r"/topics/D2/$"))
        _choose(phone, "2.3", other_device_value)

        executive.goto(links[email])
        executive.get_by_role("link", name="Continue").click()
        _finish(executive, value)
        _submit(executive)
        assert executive.errors == []

    ceo = Respondent.objects.get(email="alex@acme.example")
    ciso = Respondent.objects.get(email="sam@acme.example")
    assert ceo.submitted_at and ciso.submitted_at
    assert Answer.objects.filter(respondent=ceo).count() == 44
    assert Answer.objects.get(respondent=ceo, question__code="1.2").comment == (
        "Comment from alex@acme.example"
    )
    assert Answer.objects.get(respondent=ciso, question__code="2.3").dont_know
    assert Answer.objects.get(respondent=ceo, question__code="2.3").value == 5
    assert page.errors == []


@pytest.fixture
def links(base_url, questionnaire, organization, consultant):
    assessment, tokens = assessment_with_links(
        questionnaire, organization=organization, created_by=consultant
    )
    return {role: f"{base_url}/r/{token}/" for role, token in tokens.items()}


def test_the_questionnaire_works_with_the_keyboard_alone(page, links):
    expect = _expect()
    page.goto(links["ceo"] + "topics/D1/")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "q-1.1":
            break
    else:
        pytest.fail("Tab never reached the first answer")
    page.keyboard.press("Space")
    expect(_item(page, "1.1").locator("[data-status]")).to_have_text("Saved")
    page.keyboard.press("ArrowRight")  # arrow keys move within the radio group
    expect(_item(page, "1.1").locator('input[value="2"]')).to_be_checked()
    expect(_item(page, "1.1").locator("[data-status]")).to_have_text("Saved")
    page.keyboard.press("Tab")  # the group is one tab stop: next is the comment
    assert page.evaluate("document.activeElement.id") == "c-1-1"
    page.keyboard.type("Typed without a mouse")
    page.keyboard.press("Tab")
    expect(_item(page, "1.1").locator("[data-status]")).to_have_text("Saved")
    answer = Answer.objects.get(question__code="1.1")
    assert (answer.value, answer.comment) == (2, "Typed without a mouse")


def test_without_javascript_the_buttons_save_the_whole_page(new_context, links):
    expect = _expect()
    page = new_context(java_script_enabled=False).new_page()
    page.goto(links["ciso"] + "topics/D1/")
    for code in ("1.1", "1.2", "1.3"):
        _item(page, code).locator(f'label[for="q-{code.replace(".", "-")}-3"]').click()
    _item(page, "1.4").locator('label[for="q-1-4-dk"]').click()
    _item(page, "1.4").get_by_label("Comment (optional)").fill("Ask finance")
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url(re.compile(r"/topics/D2/$"))
    expect(page.get_by_text("4 of 44 questions answered")).to_be_visible()
    stored = {
        a.question.code: (a.value, a.dont_know, a.comment)
        for a in Answer.objects.select_related("question")
    }
    assert stored == {
        "1.1": (3, False, ""),
        "1.2": (3, False, ""),
        "1.3": (3, False, ""),
        "1.4": (None, True, "Ask finance"),
    }


def test_a_choice_made_before_the_script_ran_is_saved_not_left_behind(page, links):
    """On a slow phone an executive may tap an answer before the autosave script has run.
    No change event reaches the script then; it must notice the choice when it starts, or
    the Next button (which only moves on once everything is saved) would lose it."""
    expect = _expect()
    held = []
    page.route("**/js/questionnaire*.js", lambda route: held.append(route))  # hold it back
    # Deferred scripts hold back DOMContentLoaded, so wait only for the page to arrive.
    page.goto(links["ceo"] + "topics/D1/", wait_until="commit")
    _item(page, "1.1").locator('.scale label[for$="-4"]').click()
    _item(page, "1.2").get_by_label("Comment (optional)").fill("Typed while loading")
    assert page.locator("form[data-autosave-ready]").count() == 0
    assert not Answer.objects.exists()

    held[0].continue_()  # the script arrives
    expect(page.locator("form[data-autosave-ready]")).to_have_count(1)
    expect(_item(page, "1.1").locator("[data-status]")).to_have_text("Saved")
    expect(_item(page, "1.2").locator("[data-status]")).to_have_text("Saved")
    expect(_item(page, "1.3").locator("[data-status]")).to_have_text("")  # untouched
    stored = {
        a.question.code: (a.value, a.comment) for a in Answer.objects.select_related("question")
    }
    assert stored == {"1.1": (4, ""), "1.2": (None, "Typed while loading")}
    assert page.errors == []
