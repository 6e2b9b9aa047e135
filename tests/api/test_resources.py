"""The resources, per role: allowed, forbidden (404 like the pages), another tenant (404)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alignment.exports import result_document
from alignment.models import ActionItem
from alignment.presentation.model import round_view
from api.models import ApiToken
from assessments.models import Assessment
from organizations.models import AuditEvent, Membership
from reports.models import Report
from tests.factories import MembershipFactory, assessment_with_links, scored_assessment

from .conftest import round_url

pytestmark = pytest.mark.django_db


def test_results_are_the_export_document(api, scored):
    response = api.get(round_url(scored, "results/"))
    assert response.status_code == 200
    assert response.json() == result_document(round_view(scored))
    assert response.json()["overall"]["alignment_index"] == scored.results.get().alignment_index


def test_an_unscored_round_has_no_results_yet(api, questionnaire, organization):
    draft, _links = assessment_with_links(questionnaire, organization=organization)
    response = api.get(round_url(draft, "results/"))
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")
    assert "not scored" in response.json()["detail"]


def test_another_tenants_round_is_not_found(api, their_scored):
    for tail in ("", "results/", "workshop/", "reports/", "export.xlsx", "export/answers.csv"):
        response = api.get(round_url(their_scored, tail))
        assert response.status_code == 404, tail
        assert "Rival round" not in response.content.decode(errors="replace")


def test_an_executive_member_gets_404_like_on_the_pages(make_client, organization, scored):
    executive = MembershipFactory(organization=organization, role=Membership.Role.EXECUTIVE).user
    client = make_client(executive)
    assert client.get(round_url(scored, "results/")).status_code == 404
    assert client.get(f"/api/v1/organizations/{organization.slug}/assessments/").status_code == 404
    listed = client.get("/api/v1/organizations/").json()["results"]
    assert [o["slug"] for o in listed] == [organization.slug]


def test_creating_a_round_validates_and_names_the_field(api, organization, questionnaire):
    url = f"/api/v1/organizations/{organization.slug}/assessments/"
    same = {"email": "same@example.test"}
    response = api.post(url, {"title": "R", "ceo": same, "ciso": same}, format="json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert {e["field"] for e in response.json()["errors"]} == {"ciso_email"}
    response = api.post(url, {"title": "", "ceo": {"email": "x"}}, format="json")
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"title", "ceo.email", "ciso"} <= fields
    assert not Assessment.objects.filter(organization=organization).exists()


def test_creating_and_sending_a_round_is_audited(
    api, organization, questionnaire_v2, mailoutbox, django_capture_on_commit_callbacks
):
    url = f"/api/v1/organizations/{organization.slug}/assessments/"
    body = {
        "title": "Autumn round",
        "ceo": {"email": "ceo@acme.test", "name": "Dana"},
        "ciso": {"email": "ciso@acme.test"},
        "send_invitations": True,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(url, body, format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    # Without a choice, a round is on the latest published bank.
    assert created["status"] == "open" and created["questionnaire"] == questionnaire_v2.label
    assert [r["role"] for r in created["respondents"]] == ["ceo", "ciso"]
    assert len(mailoutbox) == 2
    event = AuditEvent.objects.get(action="api_write", organization=organization)
    assert api.token.prefix in event.actor_label and "POST" in event.target


def test_the_list_filters_and_pages_with_a_cursor(api, organization, questionnaire):
    for _ in range(3):
        assessment_with_links(questionnaire, organization=organization)
    url = f"/api/v1/organizations/{organization.slug}/assessments/"
    first = api.get(url, {"page_size": 2}).json()
    assert len(first["results"]) == 2 and first["next"]
    second = api.get(first["next"]).json()
    codes = [a["code"] for a in first["results"] + second["results"]]
    assert len(set(codes)) == 3
    assert api.get(url, {"status": "scored"}).json()["results"] == []
    bad = api.get(url, {"status": "nonsense"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "status"


def _queries(client, url, **params):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


def test_list_query_counts_do_not_grow_with_the_page(api, organization, questionnaire):
    url = f"/api/v1/organizations/{organization.slug}/assessments/"
    assessment_with_links(questionnaire, organization=organization)
    api.get(url)  # the token's first use of the minute records last_used_at
    one = _queries(api, url)
    for _ in range(5):
        assessment_with_links(questionnaire, organization=organization)
    assert _queries(api, url) == one
    # the token, the organisation, the rounds, their executives
    assert one == 4


def test_the_workshop_is_written_through_the_services(api, scored):
    response = api.put(round_url(scored, "workshop/positions/D1/"), {"value": 4}, format="json")
    assert response.status_code == 200 and response.json()["value"] == 4
    body = {"dimension": "D1", "description": "Agree who signs off", "owner_role": "both"}
    response = api.post(round_url(scored, "workshop/actions/"), body, format="json")
    assert response.status_code == 201
    code = response.json()["code"]
    response = api.patch(
        round_url(scored, f"workshop/actions/{code}/"), {"status": "done"}, format="json"
    )
    assert response.json()["status"] == "done"
    document = api.get(round_url(scored, "workshop/")).json()
    assert document["positions"][0]["dimension"] == "D1"
    assert document["actions"][0]["status"] == "done"
    assert ActionItem.objects.get(code=code).done_at is not None
    bad = api.put(round_url(scored, "workshop/positions/D1/"), {"value": 9}, format="json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "value"


def test_exports_are_the_pages_files(api, scored):
    response = api.get(round_url(scored, "export/answers.csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert b"Spring round" in response.content
    response = api.get(round_url(scored, "export.xlsx"))
    assert response.content[:2] == b"PK"


def test_a_report_is_asked_for_and_not_downloadable_before_it_is_ready(api, scored):
    assert api.get(round_url(scored, "reports/latest.pdf")).status_code in (200, 404)
    response = api.post(round_url(scored, "reports/"))
    assert response.status_code in (200, 202)
    assert response.json()["status"] in ("pending", "rendering", "ready", "failed")
    # The API asks for the full report with its defaults and says so.
    body = response.json()
    assert (body["pack"], body["include_comments"], body["language"]) == ("full", True, "en")


def test_a_report_pack_language_and_comments_are_chosen_through_the_api(api, scored):
    response = api.post(
        round_url(scored, "reports/"),
        {"pack": "board", "language": "ja"},
        format="json",
    )
    assert response.status_code in (200, 202)
    body = response.json()
    # The board brief leaves verbatim comments out unless asked.
    assert (body["pack"], body["include_comments"], body["language"]) == ("board", False, "ja")
    report = Report.objects.get(code=body["code"])
    assert (report.pack, report.include_comments, report.language) == ("board", False, "ja")

    refused = api.post(round_url(scored, "reports/"), {"pack": "poster"}, format="json")
    assert refused.status_code == 400
    assert {"field": "pack", "detail": '"poster" is not a valid choice.'} in refused.json()[
        "errors"
    ]
    refused = api.post(round_url(scored, "reports/"), {"language": "xx"}, format="json")
    assert refused.status_code == 400
    assert "Reports are not offered in xx" in str(refused.json())


def test_the_throttle_answers_429_with_retry_after(api, settings, organization):
    settings.PARLEY_API_THROTTLE_RATE = "3/minute"
    statuses = [api.get("/api/v1/organizations/").status_code for _ in range(4)]
    assert statuses[:3] == [200, 200, 200] and statuses[3] == 429
    response = api.get("/api/v1/organizations/")
    assert int(response["Retry-After"]) > 0
    assert response.json()["status"] == 429


def test_webhooks_are_for_the_organisations_admins(
    make_client, consultant, org_admin, organization
):
    url = f"/api/v1/organizations/{organization.slug}/webhooks/"
    body = {"url": "https://hooks.example.com/parley", "events": ["assessment.scored"]}
    assert make_client(consultant).post(url, body, format="json").status_code == 404
    response = make_client(org_admin).post(url, body, format="json")
    assert response.status_code == 201
    assert response.json()["secret"].startswith("whsec_")
    listed = make_client(org_admin).get(url).json()["results"]
    assert "secret" not in listed[0]


def test_scored_round_fixture_is_scored(scored, their_scored):
    assert scored.status == Assessment.Status.SCORED
    assert ApiToken.objects.count() == 0
    assert scored_assessment  # the factory used above


@pytest.mark.parametrize(
    "moment",
    ["0409-04-01T02:41:07.5+16:31", "0001-01-01T00:00:00-10:00", "9999-12-31T23:59:59-12:00"],
)
def test_a_far_moment_in_a_filter_is_a_400_naming_it(api, organization, moment):
    url = f"/api/v1/organizations/{organization.slug}/assessments/"
    response = api.get(url, {"created_after": moment})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "created_after"


def test_options_is_refused_not_a_server_error(api, scored):
    response = api.options(round_url(scored, "workshop/positions/D1/"))
    assert response.status_code == 405
