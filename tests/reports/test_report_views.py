"""Who may download the report, and how: consultants and admins of the organisation, and the
two executives through their links once both have submitted. Everyone else gets a 404."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alignment.services import assessment_score
from assessments.invitations import links_revoke
from organizations.models import AuditEvent, Membership
from reports import rendering
from reports.models import Report
from reports.services import report_render, report_request
from tests.factories import MembershipFactory, answer_all, assessment_with_links

pytestmark = pytest.mark.django_db

FAKE_PDF = b"%PDF-1.7\n% a report\n%%EOF\n"


@pytest.fixture(autouse=True)
def fast_renderer(monkeypatch):
    """The views serve whatever was rendered: a tiny PDF keeps these tests fast."""

    def render(result, **kwargs):
        return rendering.RenderedPdf(pdf=FAKE_PDF, pages=10, html_ms=1.0, layout_ms=2.0)

    monkeypatch.setattr(rendering, "render_pdf", render)


@pytest.fixture
def round_(questionnaire, organization, consultant):
    """Acme Health's round with live links; nobody has answered yet."""
    assessment, tokens = assessment_with_links(
        questionnaire, organization=organization, created_by=consultant
    )
    return assessment, tokens


def _submit(assessment, role, values=(3,)):
    respondent = assessment.respondents.get(role=role)
    answer_all(respondent, values)
    respondent.submitted_at = timezone.now()
    respondent.save(update_fields=["submitted_at"])


@pytest.fixture
def ready(round_, django_capture_on_commit_callbacks):
    """Both submitted, scored, and the report rendered."""
    assessment, tokens = round_
    _submit(assessment, "ceo", (4,))
    _submit(assessment, "ciso", (2,))
    result = assessment_score(assessment_id=assessment.pk)
    with django_capture_on_commit_callbacks(execute=False):
        report = report_request(assessment=assessment, result=result)
    report = report_render(report_id=report.pk)
    assert report.status == Report.Status.READY
    return assessment, tokens, report


def _url(name, assessment):
    return reverse(name, args=[assessment.organization.slug, assessment.code])


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


# --- the consultant's download --------------------------------------------------------------


def test_the_consultant_downloads_the_report_as_an_attachment(consultant_client, ready):
    assessment, _tokens, report = ready
    response = consultant_client.get(_url("reports:download", assessment))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    day = timezone.localdate(report.rendered_at).isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="parley-report-acme-health-{day}.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    assert _body(response) == FAKE_PDF
    event = AuditEvent.objects.get(action=AuditEvent.Action.REPORT_DOWNLOADED)
    assert event.organization == assessment.organization


@pytest.mark.parametrize("role", [Membership.Role.ADMIN, Membership.Role.CONSULTANT])
def test_managers_of_the_organisation_may_download(client, ready, role):
    assessment, _tokens, _report = ready
    user = MembershipFactory(organization=assessment.organization, role=role).user
    client.force_login(user)
    assert client.get(_url("reports:download", assessment)).status_code == 200


def test_site_staff_may_download(client, ready, staff_user):
    client.force_login(staff_user)
    assert client.get(_url("reports:download", ready[0])).status_code == 200


def test_a_consultant_of_another_organisation_gets_a_404(client, ready, other_organization):
    assessment, _tokens, _report = ready
    outsider = MembershipFactory(organization=other_organization).user
    client.force_login(outsider)
    assert client.get(_url("reports:download", assessment)).status_code == 404
    # Nor can they reach it through their own organisation's slug.
    url = reverse("reports:download", args=[other_organization.slug, assessment.code])
    assert client.get(url).status_code == 404


def test_an_executive_member_account_is_not_a_manager(client, ready):
    assessment, _tokens, _report = ready
    member = MembershipFactory(
        organization=assessment.organization, role=Membership.Role.EXECUTIVE
    ).user
    client.force_login(member)
    assert client.get(_url("reports:download", assessment)).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, ready):
    url = _url("reports:download", ready[0])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_no_ready_report_is_a_404(consultant_client, round_):
    assessment, _tokens = round_
    assert consultant_client.get(_url("reports:download", assessment)).status_code == 404


def test_a_missing_file_is_a_404_not_an_error(consultant_client, ready):
    assessment, _tokens, report = ready
    report.file.storage.delete(report.file.name)
    assert consultant_client.get(_url("reports:download", assessment)).status_code == 404


# --- the executives' download ---------------------------------------------------------------


def test_an_executive_downloads_through_their_link_once_both_submitted(client, ready):
    assessment, tokens, _report = ready
    for role in ("ceo", "ciso"):
        response = client.get(reverse("reports:executive_download", args=[tokens[role]]))
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment; filename=")
        assert _body(response) == FAKE_PDF


def test_the_link_serves_nothing_before_both_have_submitted(client, round_):
    assessment, tokens = round_
    _submit(assessment, "ceo")
    for role in ("ceo", "ciso"):
        url = reverse("reports:executive_download", args=[tokens[role]])
        assert client.get(url).status_code == 404


def test_an_unknown_or_revoked_link_serves_nothing(client, ready):
    assessment, tokens, _report = ready
    unknown = "A" * 43
    assert client.get(reverse("reports:executive_download", args=[unknown])).status_code == 404
    links_revoke(respondent=assessment.respondents.get(role="ceo"))
    url = reverse("reports:executive_download", args=[tokens["ceo"]])
    assert client.get(url).status_code == 404


# --- asking for a fresh render, and the status ----------------------------------------------


def test_the_consultant_asks_for_a_fresh_render_and_goes_back(
    consultant_client, ready, django_capture_on_commit_callbacks
):
    assessment, _tokens, first = ready
    status = _url("reports:status", assessment)
    with django_capture_on_commit_callbacks(execute=True):
        response = consultant_client.post(_url("reports:render", assessment), {"next": status})
    assert response.status_code == 302
    assert response["Location"] == status
    fresh = Report.objects.exclude(pk=first.pk).get()
    assert fresh.status == Report.Status.READY
    assert fresh.requested_by is not None


def test_the_fresh_render_refuses_an_outside_redirect(consultant_client, ready):
    assessment, _tokens, _report = ready
    response = consultant_client.post(
        _url("reports:render", assessment), {"next": "https://evil.example/"}
    )
    assert response["Location"] == _url("reports:status", assessment)


def test_the_fresh_render_needs_a_post_with_a_csrf_token(consultant, ready):
    assessment, _tokens, _report = ready
    client = Client(enforce_csrf_checks=True)
    client.force_login(consultant)
    url = _url("reports:render", assessment)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403
    assert Report.objects.count() == 1


def test_an_outsider_cannot_ask_for_a_render(client, ready, other_organization):
    assessment, _tokens, _report = ready
    client.force_login(MembershipFactory(organization=other_organization).user)
    assert client.post(_url("reports:render", assessment)).status_code == 404
    assert Report.objects.count() == 1


def test_the_status_page_shows_the_ready_report(
    consultant_client, ready, django_assert_max_num_queries
):
    assessment, _tokens, report = ready
    consultant_client.get(_url("reports:status", assessment))  # the branding, cached after
    # Session, user, organisation, assessment, reports, result; the session's refresh.
    with django_assert_max_num_queries(9):
        response = consultant_client.get(_url("reports:status", assessment))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Download the PDF" in page
    assert report.sha256 in page
    assert "hx-trigger" not in page


def test_the_status_fragment_polls_while_a_render_is_in_flight(
    consultant_client, ready, django_capture_on_commit_callbacks
):
    assessment, _tokens, _report = ready
    with django_capture_on_commit_callbacks(execute=False):
        report_request(assessment=assessment, fresh=True)
    response = consultant_client.get(
        _url("reports:status_fragment", assessment),
        headers={"HX-Current-URL": "http://testserver/somewhere/"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'hx-trigger="every 3s"' in page
    assert "waiting to be rendered" in page
    assert re.search(r'name="next" value="http://testserver/somewhere/"', page)


def test_the_status_page_before_any_result(consultant_client, round_):
    assessment, _tokens = round_
    response = consultant_client.get(_url("reports:status", assessment))
    assert response.status_code == 200
    assert "No report yet" in response.content.decode()


def test_site_staff_see_reports_read_only_in_the_admin(client, ready, staff_user):
    _assessment, _tokens, report = ready
    client.force_login(staff_user)
    listing = client.get(reverse("admin:reports_report_changelist"))
    assert listing.status_code == 200
    assert report.code in listing.content.decode()
    detail = client.get(reverse("admin:reports_report_change", args=[report.pk]))
    assert detail.status_code == 200
    assert client.get(reverse("admin:reports_report_add")).status_code == 403


# --- the packs: choosing, listing, downloading -----------------------------------------------


def test_the_report_page_offers_the_packs_comments_and_language_accessibly(
    consultant_client, ready
):
    assessment, _tokens, _report = ready
    page = consultant_client.get(_url("reports:status", assessment)).content.decode()
    assert page.count("<fieldset") == 2 and "<legend" in page
    for pack in ("full", "board", "ceo", "ciso"):
        assert re.search(rf'<input[^>]+name="pack" value="{pack}" id="([^"]+)"', page)
    for label in ("Full report", "Board brief", "CEO one-pager", "CISO one-pager"):
        assert label in page
    assert re.search(r'<label class="form-label fw-semibold" for="id_language">', page)
    assert '<option value="en" selected>English</option>' in page
    assert 'name="comments" value="leave_out"' in page


def test_the_consultant_renders_a_board_brief_and_the_page_lists_it_with_its_options(
    consultant_client, ready, django_capture_on_commit_callbacks
):
    assessment, _tokens, full = ready
    status = _url("reports:status", assessment)
    with django_capture_on_commit_callbacks(execute=True):
        response = consultant_client.post(
            _url("reports:render", assessment),
            {"next": status, "pack": "board", "comments": "default", "language": "en"},
        )
    assert response["Location"] == status
    board = Report.objects.exclude(pk=full.pk).get()
    assert (board.pack, board.include_comments, board.language) == ("board", False, "en")
    assert board.status == Report.Status.READY
    page = consultant_client.get(status).content.decode()
    row = re.search(r"<tr>\s*<td>[^<]*</td>\s*<td>Board brief</td>(.*?)</tr>", page, re.S)
    assert row, "the board brief is listed"
    assert "English" in row.group(1) and "left out" in row.group(1)
    assert f"?report={board.code}" in row.group(1)


def test_the_consultant_may_ask_for_comments_in_the_board_brief(
    consultant_client, ready, django_capture_on_commit_callbacks
):
    assessment, _tokens, full = ready
    with django_capture_on_commit_callbacks(execute=True):
        consultant_client.post(
            _url("reports:render", assessment), {"pack": "board", "comments": "include"}
        )
    assert Report.objects.exclude(pk=full.pk).get().include_comments is True


@pytest.mark.parametrize(
    "data", [{"pack": "poster"}, {"language": "xx"}, {"comments": "some"}], ids=str
)
def test_a_render_with_options_not_offered_is_refused_with_a_message(
    consultant_client, ready, data
):
    assessment, _tokens, _report = ready
    response = consultant_client.post(_url("reports:render", assessment), data, follow=True)
    assert "Choose a pack, a language and the comments" in response.content.decode()
    assert Report.objects.count() == 1


def test_a_pack_is_downloaded_by_its_code_and_only_from_its_own_round(
    consultant_client, ready, questionnaire, organization, django_capture_on_commit_callbacks
):
    assessment, _tokens, full = ready
    with django_capture_on_commit_callbacks(execute=True):
        consultant_client.post(_url("reports:render", assessment), {"pack": "ceo"})
    ceo = Report.objects.get(pack="ceo")
    url = _url("reports:download", assessment)
    response = consultant_client.get(f"{url}?report={ceo.code}")
    assert response.status_code == 200
    assert "parley-ceo-" in response["Content-Disposition"]
    assert consultant_client.get(f"{url}?report=nope").status_code == 404
    # The same organisation's other round does not serve this round's report.
    other_round, _ = assessment_with_links(questionnaire, organization=organization)
    other_url = _url("reports:download", other_round)
    assert consultant_client.get(f"{other_url}?report={ceo.code}").status_code == 404
    # Without a code: the newest full report, whatever pack was rendered since.
    plain = consultant_client.get(url)
    assert "parley-report-" in plain["Content-Disposition"]


def test_the_executives_get_the_full_report_not_a_newer_pack(
    client, consultant_client, ready, django_capture_on_commit_callbacks
):
    assessment, tokens, full = ready
    with django_capture_on_commit_callbacks(execute=True):
        consultant_client.post(_url("reports:render", assessment), {"pack": "board"})
    response = client.get(reverse("reports:executive_download", args=[tokens["ceo"]]))
    assert response.status_code == 200
    assert "parley-report-" in response["Content-Disposition"]
