"""axe-core on the respondent pages (desktop and a 375 px phone): no serious or critical
violation, and nothing wider than the phone's screen.

axe is injected by the test, not shipped: the pages' Content-Security-Policy allows only the
app's own scripts, so these contexts bypass CSP for the injection alone. The journey test
runs with CSP enforced and fails on any console error, CSP violations included.
"""

import pytest

from assessments.services import answer_save
from tests.factories import assessment_with_links

from .conftest import DESKTOP, PHONE

pytestmark = pytest.mark.e2e

PAGES = {
    "welcome": "",
    "questionnaire": "topics/D1/",
    "last questionnaire page": "topics/D10/",
    "review": "review/",
    "privacy notice": "privacy/",
}


@pytest.fixture
def link(base_url, questionnaire, organization, consultant):
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
    return f"{base_url}/r/{tokens['ceo']}/"


def _violations(page, axe_source) -> list[str]:
    page.add_script_tag(path=str(axe_source))
    results = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}
        })"""
    )
    return [
        f"{v['impact']}: {v['id']} ({v['help']}) on {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "375px"])
@pytest.mark.parametrize("name", list(PAGES))
def test_it_reports_no_serious_or_critical_violation(new_context, link, axe_source, viewport, name):
    page = new_context(viewport=viewport, bypass_csp=True).new_page()
    page.goto(link + PAGES[name])
    assert _violations(page, axe_source) == []


@pytest.mark.parametrize("name", list(PAGES))
def test_it_fits_a_375px_phone_screen(new_context, link, name):
    page = new_context(viewport=PHONE).new_page()
    page.goto(link + PAGES[name])
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{name} is {width}px wide"


def test_answer_options_are_large_enough_to_tap_on_a_phone(new_context, link):
    page = new_context(viewport=PHONE).new_page()
    page.goto(link + "topics/D1/")
    heights = page.locator(".scale-option label").evaluate_all(
        "labels => labels.map(l => l.getBoundingClientRect().height)"
    )
    assert heights and min(heights) >= 24  # WCAG 2.2 target size (minimum)
