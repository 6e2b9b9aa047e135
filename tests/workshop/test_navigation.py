"""The ways a consultant and an executive find the PDF report and the round's pages, and the
breadcrumbs back up (dashboard > organisation > round > page) on every consultant page.

Every link is followed, so a link that is present but leads nowhere fails too."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from alignment.services import assessment_score
from assessments.models import Assessment
from organizations.models import Membership
from reports.models import Report
from reports.services import report_render, report_request
from tests.factories import (
    MembershipFactory,
    answer_all,
    assessment_with_links,
    scored_assessment,
)

from .conftest import url

pytestmark = pytest.mark.django_db


class _Links(HTMLParser):
    """The hrefs of a page, and the breadcrumb trail as (text, href or None for the current)."""

    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.crumbs: list[tuple[str, str | None]] = []
        self._in_trail = False
        self._crumb: list | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
        if tag == "nav" and attrs.get("aria-label") == "Breadcrumb":
            self._in_trail = True
        elif self._in_trail and tag == "li":
            current = attrs.get("aria-current") == "page"
            self._crumb = ["", None if current else ""]
        elif self._crumb is not None and tag == "a":
            self._crumb[1] = attrs["href"]

    def handle_data(self, data):
        if self._crumb is not None:
            self._crumb[0] += data

    def handle_endtag(self, tag):
        if tag == "li" and self._crumb is not None:
            self.crumbs.append((self._crumb[0].strip(), self._crumb[1]))
            self._crumb = None
        elif tag == "nav":
            self._in_trail = False


def _page(client, path: str) -> _Links:
    response = client.get(path)
    assert response.status_code == 200, path
    parsed = _Links()
    parsed.feed(response.content.decode())
    return parsed


def _report_url(name: str, assessment: Assessment) -> str:
    return reverse(f"reports:{name}", args=[assessment.organization.slug, assessment.code])


def _detail_url(assessment: Assessment) -> str:
    return reverse("assessments:detail", args=[assessment.organization.slug, assessment.code])


def _list_url(organization) -> str:
    return reverse("assessments:list", args=[organization.slug])


@pytest.fixture
def unscored(questionnaire, organization, consultant):
    """An open round of Acme Health that nobody has answered."""
    assessment, _tokens = assessment_with_links(
        questionnaire, organization=organization, created_by=consultant
    )
    return assessment


# --- The report and the round's pages are reachable from where a consultant looks -------


def test_a_scored_rounds_pages_link_the_report_and_the_links_work(consultant_client, scored):
    report = _report_url("status", scored)
    round_pages = {url("results", scored), url("gap_map", scored), url("presenter", scored)}

    detail = _page(consultant_client, _detail_url(scored))
    assert round_pages | {report} <= set(detail.hrefs)
    results = _page(consultant_client, url("results", scored))
    assert report in results.hrefs
    dashboard = _page(consultant_client, reverse("workspace:dashboard"))
    assert report in dashboard.hrefs
    for path in round_pages | {report, _report_url("status_fragment", scored)}:
        assert consultant_client.get(path).status_code == 200, path


def test_the_report_status_loads_into_the_results_and_the_assessment_page(
    consultant_client, scored
):
    fragment = _report_url("status_fragment", scored)
    for path in (url("results", scored), _detail_url(scored)):
        html = consultant_client.get(path).content.decode()
        assert f'hx-get="{fragment}" hx-trigger="load"' in html, path
    html = consultant_client.get(fragment, HTTP_HX_CURRENT_URL="http://testserver/").content
    assert b"Report status" in html
    assert b"No report has been rendered for this result yet" in html  # none was asked for


def test_an_unscored_round_explains_instead_of_linking(consultant_client, unscored):
    report = _report_url("status", unscored)
    detail = consultant_client.get(_detail_url(unscored)).content.decode()
    assert "open here once both executives have submitted" in detail
    for name in ("results", "gap_map", "presenter"):
        assert url(name, unscored) not in detail
    assert report not in detail
    dashboard = _page(consultant_client, reverse("workspace:dashboard"))
    assert _detail_url(unscored) in dashboard.hrefs
    assert report not in dashboard.hrefs
    results = consultant_client.get(url("results", unscored)).content.decode()
    assert "Not scored yet: 0 of 2 executives have submitted" in results
    assert report not in results


def test_finishing_the_workshop_links_the_report_page(consultant_client, scored):
    response = consultant_client.post(url("finish", scored), follow=True)
    assert response.redirect_chain[-1][0] == url("results", scored)
    html = response.content.decode()
    link = f'<a href="{_report_url("status", scored)}">follow it on the report page</a>'
    assert "A fresh PDF report with the agreed positions and actions is being rendered" in html
    assert link in html
    # The presenter's end slide links the report once the workshop has been finished.
    presenter = _page(consultant_client, url("presenter", scored))
    assert _report_url("status", scored) in presenter.hrefs


# --- The executives' results page links their PDF, or says it is not ready -----------------


@pytest.fixture
def executive_link(questionnaire, organization, consultant):
    """A scored round with a live link for the CEO: (assessment, raw token)."""
    assessment, tokens = assessment_with_links(
        questionnaire, organization=organization, created_by=consultant
    )
    for role, values in (("ceo", (4, 5)), ("ciso", (2, 3))):
        respondent = assessment.respondents.get(role=role)
        answer_all(respondent, values)
        respondent.submitted_at = timezone.now()
        respondent.save(update_fields=["submitted_at"])
    assessment_score(assessment_id=assessment.pk)
    return assessment, tokens["ceo"]


def test_executives_are_told_when_no_report_is_ready(client, executive_link):
    assessment, token = executive_link
    assert not Report.objects.filter(assessment=assessment, status="ready").exists()
    page = client.get(reverse("workspace:respondent_results", args=[token]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "No PDF report is ready yet" in html
    assert reverse("reports:executive_download", args=[token]) not in html


def test_executives_download_their_pdf_from_their_results(
    client, executive_link, django_capture_on_commit_callbacks
):
    assessment, token = executive_link
    with django_capture_on_commit_callbacks(execute=False):
        report = report_request(assessment=assessment)
    assert report_render(report_id=report.pk).status == Report.Status.READY

    page = _page(client, reverse("workspace:respondent_results", args=[token]))
    download = reverse("reports:executive_download", args=[token])
    assert download in page.hrefs
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


# --- Breadcrumbs: dashboard > organisation > round > page ---------------------------------


def _trail(assessment=None, organization=None, *, extra=()) -> list:
    organization = organization or assessment.organization
    trail = [("Organisations", reverse("workspace:dashboard"))]
    trail.append((organization.name, _list_url(organization)))
    if assessment is not None:
        trail.append((assessment.title, _detail_url(assessment)))
    return trail + list(extra)


def test_every_page_of_a_scored_round_leads_back_up(consultant_client, scored):
    results = ("Results", url("results", scored))
    pages = {
        url("results", scored): _trail(scored, extra=[("Results", None)]),
        url("gap_map", scored): _trail(scored, extra=[results, ("Gap map", None)]),
        url("trend", scored): _trail(
            scored, extra=[results, ("Change since the previous round", None)]
        ),
        url("next_round", scored): _trail(scored, extra=[("Next round", None)]),
        _report_url("status", scored): _trail(scored, extra=[("Report", None)]),
        _detail_url(scored): _trail(scored)[:-1] + [(scored.title, None)],
        reverse("assessments:edit", args=[scored.organization.slug, scored.code, "ceo"]): (
            _trail(scored, extra=[("Executive details", None)])
        ),
    }
    for path, expected in pages.items():
        assert _page(consultant_client, path).crumbs == expected, path


def test_every_page_of_an_organisation_leads_back_up(client, organization, unscored):
    admin = MembershipFactory(organization=organization, role=Membership.Role.ADMIN).user
    client.force_login(admin)
    org = _trail(organization=organization)
    pages = {
        _list_url(organization): org[:-1] + [(organization.name, None)],
        reverse("assessments:new", args=[organization.slug]): org + [("New assessment", None)],
        url("actions", organization=organization): org + [("Agreed actions", None)],
        reverse("organizations:members", args=[organization.slug]): org + [("Members", None)],
        reverse("organizations:audit_log", args=[organization.slug]): org + [("Audit log", None)],
        url("presenter", unscored): _trail(unscored, extra=[("Workshop", None)]),
        reverse("organizations:create"): org[:1] + [("New", None)],
    }
    for path, expected in pages.items():
        assert _page(client, path).crumbs == expected, path


def test_each_crumb_of_a_deep_page_opens(consultant_client, scored):
    for _text, href in _page(consultant_client, url("gap_map", scored)).crumbs:
        if href:
            assert consultant_client.get(href).status_code == 200, href


def test_a_second_scored_round_links_its_own_report(consultant_client, questionnaire, scored):
    later = scored_assessment(questionnaire, organization=scored.organization, title="Round 2")
    dashboard = _page(consultant_client, reverse("workspace:dashboard"))
    assert {_report_url("status", scored), _report_url("status", later)} <= set(dashboard.hrefs)
