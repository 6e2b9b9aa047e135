"""The consultant chooses a pack on the report page in real Chromium, by its labels, and the
page lists the render with its options; axe finds no serious or critical violation on it."""

import re

import pytest

from reports.models import Report
from tests.factories import scored_assessment

from .test_accessibility import _violations
from .test_workshop import _expect, _sign_in

pytestmark = pytest.mark.e2e


def test_a_consultant_renders_a_board_brief_without_comments(
    new_context, live_server, base_url, consultant, organization, questionnaire, axe_source
):
    # The CSP is bypassed only so that the test can inject axe (see test_accessibility).
    page = new_context(bypass_csp=True).new_page()
    expect = _expect()
    assessment = scored_assessment(questionnaire, organization=organization)
    report_path = f"/organisations/{organization.slug}/assessments/{assessment.code}/report/"
    _sign_in(page, base_url, consultant)
    page.goto(base_url + report_path)

    form = page.locator("form", has=page.get_by_role("button", name="Render", exact=True))
    expect(form.get_by_role("group", name="Pack")).to_be_visible()
    expect(form.get_by_label("Full report", exact=True)).to_be_checked()
    form.get_by_label("Board brief", exact=True).check()
    form.get_by_label("Leave the verbatim comments out (the cover says so)").check()
    expect(form.get_by_label("Language")).to_have_value("en")
    form.get_by_role("button", name="Render", exact=True).click()
    page.wait_for_url(re.compile(re.escape(report_path) + "$"))

    report = Report.objects.get(assessment=assessment)
    assert (report.pack, report.include_comments, report.language) == ("board", False, "en")
    row = page.get_by_role("row").filter(has_text="Board brief")
    expect(row).to_contain_text("left out")
    expect(row.get_by_role("link", name=re.compile("^Download"))).to_have_attribute(
        "href", re.compile(rf"\?report={report.code}$")
    )
    assert _violations(page, axe_source) == []
