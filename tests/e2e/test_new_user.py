"""What a new user trips over, checked in real Chromium: tap targets on a phone, a tab left
open after submitting, and no failed request or console error on the main pages."""

import re

import pytest
from django.urls import reverse

from assessments.models import Respondent
from assessments.services import answer_save, respondent_submit
from tests.factories import DEFAULT_PASSWORD, answer_all, assessment_with_links

from .conftest import watch

pytestmark = pytest.mark.e2e

PHONE_390 = {"width": 390, "height": 844}
MIN_TARGET = 44  # CSS px: WCAG 2.5.5 (enhanced), Apple's and Google's guidance

# Every control, and the label that makes a radio or checkbox its tap target. A link inside a
# sentence is exempt (WCAG 2.5.5's inline exception): its line's height is the text's.
TARGETS_JS = r"""() => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary';
  const box = el => el.getBoundingClientRect();
  const visible = el => { const r = box(el); return r.width > 1 && r.height > 1
    && getComputedStyle(el).visibility !== 'hidden'; };
  const inSentence = a => {
    if (a.classList.contains('btn')) return false;
    const block = a.closest('p, li, dd, td, footer');
    if (!block) return false;
    const own = [...block.querySelectorAll('a, button')].map(c => c.textContent).join('');
    return block.textContent.replace(/\s/g, '').length > own.replace(/\s/g, '').length;
  };
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.name ? '[name=' + el.name + ']' : '') + ' "' + (el.textContent || el.value || '')
      .trim().slice(0, 30) + '"';
  return [...document.querySelectorAll(selector)].filter(el => {
    if (el.tagName === 'A' && inSentence(el)) return false;
    return visible(el) || ((el.type === 'radio' || el.type === 'checkbox') && el.labels.length);
  }).map(el => {
    let r = box(el);
    if ((el.type === 'radio' || el.type === 'checkbox') && el.labels.length) {
      const l = box(el.labels[0]);
      r = {left: Math.min(r.left, l.left), right: Math.max(r.right, l.right),
           top: Math.min(r.top, l.top), bottom: Math.max(r.bottom, l.bottom)};
    }
    return {name: name(el), width: r.right - r.left, height: r.bottom - r.top};
  });
}"""


def _small_targets(page) -> list[str]:
    return [
        f"{t['name']}: {t['width']:.0f}x{t['height']:.0f}"
        for t in page.evaluate(TARGETS_JS)
        if t["width"] < MIN_TARGET - 0.5 or t["height"] < MIN_TARGET - 0.5
    ]


@pytest.fixture
def round_links(base_url, questionnaire, organization, consultant):
    """An open round: the CEO answered item 1.1 with a comment, the CISO submitted."""
    assessment, tokens = assessment_with_links(
        questionnaire, organization=organization, created_by=consultant
    )
    ceo = assessment.respondents.get(role="ceo")
    answer_save(
        respondent=ceo,
        question=questionnaire.questions.get(code="1.1"),
        value=4,
        dont_know=False,
        comment="Already answered, so the page shows a checked option and a comment.",
    )
    ciso = assessment.respondents.get(role="ciso")
    answer_all(ciso, (2, "dk"))
    respondent_submit(respondent=ciso)
    return assessment, {role: f"{base_url}/r/{token}/" for role, token in tokens.items()}


RESPONDENT_PAGES = {
    "welcome": ("ceo", ""),
    "questionnaire": ("ceo", "topics/D1/"),
    "last questionnaire page": ("ceo", "topics/D10/"),
    "review": ("ceo", "review/"),
    "submitted": ("ciso", ""),
}


@pytest.mark.parametrize("name", list(RESPONDENT_PAGES))
def test_every_control_is_at_least_44px_on_a_390px_phone(new_context, round_links, name):
    _assessment, links = round_links
    role, path = RESPONDENT_PAGES[name]
    page = new_context(viewport=PHONE_390).new_page()
    page.goto(links[role] + path)
    if name != "submitted":  # before both have submitted it has no control (but the footer's)
        assert page.evaluate(TARGETS_JS), "no control found: the selector is wrong"
    assert _small_targets(page) == []


def test_a_dead_link_page_has_no_small_control_either(new_context, round_links, base_url):
    page = new_context(viewport=PHONE_390).new_page()
    page.goto(base_url + "/r/" + "x" * 43 + "/")
    assert _small_targets(page) == []


def test_the_respondent_footer_lines_up_with_the_content_column(new_context, round_links):
    _assessment, links = round_links
    page = new_context().new_page()  # desktop: the column is narrower than the window
    for path in ("", "topics/D1/", "review/"):
        page.goto(links["ceo"] + path)
        main = page.locator("main").bounding_box()
        footer = page.locator("footer").bounding_box()
        assert (footer["x"], footer["width"]) == (main["x"], main["width"]), path


# --- A tab left open after submitting ---------------------------------------------------


def _answer_the_rest(respondent, value: int) -> None:
    """Answer every item the respondent has not answered yet (1.1 was, by `round_links`)."""
    answered = set(respondent.answers.values_list("question_id", flat=True))
    for question in respondent.assessment.questionnaire.questions.exclude(pk__in=answered):
        answer_save(respondent=respondent, question=question, value=value, dont_know=False)


def test_a_change_refused_in_a_stale_tab_shows_why_and_the_stored_answer(new_context, round_links):
    from playwright.sync_api import expect

    assessment, links = round_links
    page = watch(new_context().new_page())
    page.goto(links["ceo"] + "topics/D1/")
    item = page.locator('fieldset[data-code="1.1"]')
    expect(item.locator("#q-1-1-4")).to_be_checked()
    # Meanwhile, on another device, the CEO finishes and submits.
    ceo = assessment.respondents.get(role="ceo")
    _answer_the_rest(ceo, 4)
    respondent_submit(respondent=ceo)

    item.locator('label[for="q-1-1-2"]').click()

    status = item.locator("[data-status]")
    expect(status).to_contain_text("can no longer be changed")
    expect(status).to_contain_text("shows your saved answer again")
    expect(item.locator("#q-1-1-4")).to_be_checked()
    expect(item.locator("#q-1-1-2")).not_to_be_checked()
    expect(item.locator("textarea")).to_have_value(
        "Already answered, so the page shows a checked option and a comment."
    )
    stored = Respondent.objects.get(pk=ceo.pk).answers.get(question__code="1.1")
    assert (stored.value, stored.dont_know) == (4, False)
    # The refusal is the app's answer, not an error of the page: only the 409 is logged.
    assert [e for e in page.errors if not e.startswith("409 ")] == []


# --- Icons, and no failed request on the main pages -------------------------------------


@pytest.fixture
def scored_round(round_links, questionnaire):
    """The round of `round_links`, answered by the CEO too, submitted and scored."""
    from alignment.services import assessment_score

    assessment, links = round_links
    ceo = assessment.respondents.get(role="ceo")
    _answer_the_rest(ceo, 5)
    respondent_submit(respondent=ceo)
    assessment_score(assessment_id=assessment.pk)
    return assessment, links


def _strict_watch(page):
    """Every console error and every failed response, the favicon included."""
    page.errors = []
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on(
        "response",
        lambda r: r.status >= 400 and page.errors.append(f"{r.status} {r.url}"),
    )
    page.on("requestfailed", lambda r: page.errors.append(f"failed {r.url}"))
    return page


def test_the_main_pages_load_without_a_failed_request_or_console_error(
    new_context, scored_round, consultant, base_url, staff_user
):
    assessment, links = scored_round
    org, code = assessment.organization.slug, assessment.code
    round_url = f"{base_url}/organisations/{org}/assessments/{code}/"
    page = _strict_watch(new_context().new_page())
    visited = []

    def visit(url):
        # Wait for the page's own requests too (the results page loads its trend after it
        # shows), so that leaving it cannot cancel one.
        response = page.goto(url, wait_until="networkidle")
        assert response.status == 200, url
        visited.append(url)

    for path in ("", "results/"):
        visit(links["ceo"] + path)
    # The executives' results show both sides' comments, as their PDF does (the CEO's on 1.1).
    visit(links["ciso"] + "results/")
    expect_comment = "Already answered, so the page shows a checked option and a comment."
    assert page.get_by_text(expect_comment).is_visible()
    visit(base_url + "/")
    visit(base_url + "/accounts/login/")
    page.get_by_label("Email address").fill(consultant.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile("/organisations/"))
    for url in (
        base_url + reverse("workspace:dashboard"),
        base_url + f"/organisations/{org}/assessments/",
        round_url,
        round_url + "results/",
        round_url + "results/gaps/",
        round_url + "workshop/",
    ):
        visit(url)
    # The icons the pages name, and the one browsers ask for by themselves, all load.
    icons = page.locator("link[rel=icon], link[rel=apple-touch-icon], link[rel=manifest]")
    hrefs = icons.evaluate_all("links => links.map(l => l.href)")
    assert len(hrefs) == 3
    for href in [*hrefs, base_url + "/favicon.ico"]:
        response = page.request.get(href)
        assert response.status == 200, href
    assert (
        page.request.get(base_url + "/favicon.ico")
        .headers["content-type"]
        .startswith("image/svg+xml")
    )
    assert page.errors == [], visited
