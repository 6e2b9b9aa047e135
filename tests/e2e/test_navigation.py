"""A consultant's way through a scored round in real Chromium: dashboard -> round -> results
-> PDF report status, then back up by the breadcrumbs to the dashboard; and from the
workshop's "finished" message to the report page.

With PARLEY_SHOTS=/some/folder the test also saves screenshots of the round's page and the
report page there."""

import re

import pytest

from tests.factories import scored_assessment

from .test_workshop import _expect, _shot, _sign_in

pytestmark = pytest.mark.e2e
TITLE = "GenAI alignment, spring"


def test_a_consultant_walks_to_the_report_and_back_by_the_breadcrumbs(
    page, base_url, consultant, organization, questionnaire
):
    expect = _expect()
    assessment = scored_assessment(questionnaire, organization=organization, title=TITLE)
    round_path = f"/organisations/{organization.slug}/assessments/{assessment.code}/"
    crumbs = page.get_by_role("navigation", name="Breadcrumb")

    _sign_in(page, base_url, consultant)
    row = page.locator(f'tr[data-round="{assessment.code}"]')
    expect(row.get_by_role("link", name="Report")).to_have_attribute("href", round_path + "report/")
    row.get_by_role("link", name=TITLE).click()

    # The round's page: its results, gap map, workshop and report, and the report's status.
    page.wait_for_url(re.compile(re.escape(round_path) + "$"))
    results_nav = page.get_by_role("navigation", name="Results of this round")
    for name in ("Results", "Gap map", "Run the workshop", "PDF report"):
        expect(results_nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Report status")).to_be_visible()  # htmx
    _shot(page, "round")
    results_nav.get_by_role("link", name="Results", exact=True).click()

    page.wait_for_url(re.compile(re.escape(round_path) + "results/$"))
    expect(page.get_by_role("heading", name=f"Results: {TITLE}")).to_be_visible()
    expect(page.locator("#report-status h2")).to_have_text("Report status")  # htmx
    page.locator(".ws-tools").get_by_role("link", name="PDF report").click()

    page.wait_for_url(re.compile(re.escape(round_path) + "report/$"))
    expect(page.get_by_role("heading", name="PDF report", exact=True)).to_be_visible()
    expect(crumbs.locator("[aria-current=page]")).to_have_text("Report")
    _shot(page, "report")

    # Back up, one crumb at a time: the round, the organisation, the dashboard.
    crumbs.get_by_role("link", name=TITLE).click()
    page.wait_for_url(re.compile(re.escape(round_path) + "$"))
    expect(crumbs.locator("[aria-current=page]")).to_have_text(TITLE)
    crumbs.get_by_role("link", name=organization.name).click()
    page.wait_for_url(re.compile(f"/organisations/{organization.slug}/assessments/$"))
    expect(page.get_by_role("heading", name=f"{organization.name}: assessments")).to_be_visible()
    crumbs.get_by_role("link", name="Organisations").click()
    page.wait_for_url(re.compile(r"/organisations/$"))
    expect(page.get_by_role("heading", name="Client organisations")).to_be_visible()

    # Finishing the workshop says a fresh report is on its way and links its page.
    page.goto(base_url + round_path + "workshop/")
    page.keyboard.press("End")
    page.get_by_role("button", name="Finish the workshop").click()
    page.get_by_role("link", name="follow it on the report page").click()
    page.wait_for_url(re.compile(re.escape(round_path) + "report/$"))
    expect(page.get_by_role("heading", name="Recent renders")).to_be_visible()

    assert page.errors == []
