"""The audit log records, with the organisation, who did what and from where: invitation
sent, link opened (once per visit), answers submitted, assessment reopened, report
downloaded, export downloaded. Sign-in, sign-out, failed sign-in and denied access are in
tests/organizations/test_account_security.py."""

from datetime import timedelta
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alignment.services import NotReadyToScore, assessment_score
from assessments.invitations import reminders_send_due
from assessments.models import Answer, Assessment, Respondent
from assessments.services import respondent_reopen
from assessments.views.respondent import VISIT_COOKIE, VISIT_SECONDS
from organizations.models import AuditEvent
from tests.factories import (
    AssessmentFactory,
    RespondentFactory,
    answer_all,
    assessment_with_links,
)

pytestmark = pytest.mark.django_db
Action = AuditEvent.Action


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def _events(action, organization=None):
    events = AuditEvent.objects.filter(action=action).order_by("id")
    return list(events.filter(organization=organization) if organization else events)


@pytest.fixture
def links(questionnaire, organization, consultant):
    """An open round of Acme Health with live links: (assessment, {"ceo": …, "ciso": …})."""
    return assessment_with_links(
        questionnaire,
        organization=organization,
        created_by=consultant,
        due_date=timezone.localdate() + timedelta(days=14),
    )


def _answer_and_submit(client, token, questionnaire) -> None:
    for code in questionnaire.questions.values_list("code", flat=True):
        client.post(f"/r/{token}/answer/", {"question": code, "answer": "3"})
    assert client.post(f"/r/{token}/submit/", {"confirm": "yes"}).status_code == 302


# --- Invitation sent -----------------------------------------------------------------------


def test_each_invitation_sent_is_recorded_with_the_consultant_who_sent_it(
    consultant_client, consultant, organization, questionnaire, mailoutbox, on_commit
):
    draft = AssessmentFactory(
        questionnaire=questionnaire, organization=organization, status=Assessment.Status.DRAFT
    )
    for role in ("ceo", "ciso"):
        RespondentFactory(assessment=draft, role=role, email=f"{role}@acme.example")
    url = reverse("assessments:send", kwargs={"org_slug": organization.slug, "code": draft.code})
    with on_commit(execute=True):
        consultant_client.post(url)
    assert len(mailoutbox) == 2
    events = _events(Action.INVITATION_SENT)
    assert [(e.actor, e.actor_label, e.organization) for e in events] == [
        (consultant, consultant.email, organization)
    ] * 2
    targets = sorted(e.target for e in events)
    assert targets[0].startswith("Invitation to the CEO ceo@acme.example, assessment ")
    assert targets[1].startswith("Invitation to the CISO ciso@acme.example")
    assert all(draft.code in t for t in targets)


def test_an_automatic_reminder_is_recorded_without_a_person(
    links, organization, mailoutbox, django_capture_on_commit_callbacks
):
    assessment, _tokens = links
    Assessment.objects.filter(pk=assessment.pk).update(
        due_date=timezone.localdate() + timedelta(days=2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send_due() == 2
    events = _events(Action.INVITATION_SENT, organization)
    assert len(events) == 2
    assert {(e.actor, e.actor_label) for e in events} == {(None, "Parley (automatic)")}
    assert all(e.target.startswith("Reminder to the C") for e in events)


def test_an_email_that_fails_is_not_recorded_as_sent(
    links, consultant, mailoutbox, django_capture_on_commit_callbacks
):
    assessment, _tokens = links
    ceo = assessment.respondents.get(role="ceo")
    from assessments.invitations import invitation_queue

    with mock.patch(
        "django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("SMTP down")
    ):
        with django_capture_on_commit_callbacks(execute=True):
            invitation_queue(respondent=ceo, kind="invitation", by=consultant)
    assert mailoutbox == []
    assert _events(Action.INVITATION_SENT) == []


# --- Link opened ---------------------------------------------------------------------------


def test_opening_a_link_is_recorded_once_per_visit(links, organization, questionnaire):
    assessment, tokens = links
    browser = Client(REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Phone browser")
    assert browser.get(f"/r/{tokens['ceo']}/").status_code == 200
    browser.get(f"/r/{tokens['ceo']}/topics/D1/")
    browser.post(f"/r/{tokens['ceo']}/answer/", {"question": "1.1", "answer": "4"})
    browser.get(f"/r/{tokens['ceo']}/review/")
    browser.get(f"/r/{tokens['ceo']}/")
    [event] = _events(Action.LINK_OPENED)
    assert event.organization == organization
    assert (event.actor, event.actor_label) == (None, "CEO (invitation link)")
    ceo = assessment.respondents.get(role="ceo")
    assert event.target == f"CEO {ceo.email}, assessment {assessment.code}"
    assert (event.ip_address, event.user_agent) == ("203.0.113.9", "Phone browser")

    # Another device is another visit; so is the same browser after half an hour away.
    Client().get(f"/r/{tokens['ceo']}/topics/D2/")
    assert len(_events(Action.LINK_OPENED)) == 2
    cookie = browser.cookies[VISIT_COOKIE]
    assert cookie["max-age"] == VISIT_SECONDS == 30 * 60
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert cookie["path"] == f"/r/{tokens['ceo']}/"
    del browser.cookies[VISIT_COOKIE]
    browser.get(f"/r/{tokens['ceo']}/")
    assert len(_events(Action.LINK_OPENED)) == 3


def test_the_autosave_and_unknown_links_are_not_recorded_as_opened(links):
    _assessment, tokens = links
    Client().post(f"/r/{tokens['ciso']}/answer/", {"question": "1.1", "answer": "2"})
    Client().get("/r/" + "x" * 43 + "/")
    assert _events(Action.LINK_OPENED) == []


def test_a_forged_visit_cookie_does_not_hide_an_opening(links):
    _assessment, tokens = links
    browser = Client()
    browser.cookies[VISIT_COOKIE] = "1"  # not signed
    browser.get(f"/r/{tokens['ceo']}/")
    assert len(_events(Action.LINK_OPENED)) == 1


def test_the_cisos_visit_cookie_does_not_count_for_the_ceo(links):
    _assessment, tokens = links
    browser = Client()
    browser.get(f"/r/{tokens['ciso']}/")
    ciso_cookie = browser.cookies[VISIT_COOKIE].value
    browser.cookies[VISIT_COOKIE] = ciso_cookie
    browser.get(f"/r/{tokens['ceo']}/")
    assert [e.actor_label for e in _events(Action.LINK_OPENED)] == [
        "CISO (invitation link)",
        "CEO (invitation link)",
    ]


def test_later_pages_of_a_visit_cost_no_audit_query(links, django_assert_max_num_queries):
    _assessment, tokens = links
    browser = Client()
    browser.get(f"/r/{tokens['ceo']}/")
    with django_assert_max_num_queries(4) as captured:
        browser.get(f"/r/{tokens['ceo']}/topics/D1/")
    assert not [q for q in captured.captured_queries if "audit" in q["sql"]]


# --- Answers submitted ---------------------------------------------------------------------


def test_a_submission_is_recorded_once(links, organization, questionnaire):
    assessment, tokens = links
    browser = Client(REMOTE_ADDR="198.51.100.7")
    assert browser.post(f"/r/{tokens['ciso']}/submit/", {"confirm": "yes"}).status_code == 400
    assert _events(Action.ANSWERS_SUBMITTED) == []  # refused: incomplete
    _answer_and_submit(browser, tokens["ciso"], questionnaire)
    browser.post(f"/r/{tokens['ciso']}/submit/", {"confirm": "yes"})  # a second click
    [event] = _events(Action.ANSWERS_SUBMITTED)
    ciso = assessment.respondents.get(role="ciso")
    assert (event.organization, event.actor_label) == (organization, "CISO (invitation link)")
    assert event.target == f"CISO {ciso.email}, assessment {assessment.code}"
    assert event.ip_address == "198.51.100.7"


# --- Assessment reopened -------------------------------------------------------------------


def _reopen_url(assessment, role="ceo"):
    kwargs = {"org_slug": assessment.organization.slug, "code": assessment.code, "role": role}
    return reverse("assessments:reopen", kwargs=kwargs)


def test_the_consultant_reopens_a_submitted_executive_and_it_is_recorded(
    consultant_client, consultant, links, organization, questionnaire
):
    assessment, tokens = links
    ceo_browser = Client()
    _answer_and_submit(ceo_browser, tokens["ceo"], questionnaire)
    detail = reverse(
        "assessments:detail", kwargs={"org_slug": organization.slug, "code": assessment.code}
    )
    assert "Reopen for changes" in consultant_client.get(detail).content.decode()

    response = consultant_client.post(_reopen_url(assessment), follow=True)
    assert "open for changes again" in response.content.decode()
    ceo = assessment.respondents.get(role="ceo")
    assert ceo.submitted_at is None
    assert ceo.answers.count() == questionnaire.questions.count()  # nothing is lost
    [event] = _events(Action.ASSESSMENT_REOPENED)
    assert (event.actor, event.organization) == (consultant, organization)
    assert event.target == f"CEO {ceo.email}, assessment {assessment.code}"
    assert event.ip_address == "127.0.0.1"

    # The CEO changes an answer with the same link and submits again.
    response = ceo_browser.post(f"/r/{tokens['ceo']}/answer/", {"question": "1.1", "answer": "5"})
    assert response.status_code == 200
    assert ceo_browser.post(f"/r/{tokens['ceo']}/submit/", {"confirm": "yes"}).status_code == 302
    assert len(_events(Action.ANSWERS_SUBMITTED)) == 2
    assert Answer.objects.get(respondent=ceo, question__code="1.1").value == 5


def test_a_scored_round_cannot_be_reopened(consultant_client, links, questionnaire):
    assessment, tokens = links
    for role in ("ceo", "ciso"):
        respondent = assessment.respondents.get(role=role)
        answer_all(respondent, [3])
        Respondent.objects.filter(pk=respondent.pk).update(submitted_at=timezone.now())
    assessment_score(assessment_id=assessment.pk)
    detail = reverse(
        "assessments:detail",
        kwargs={"org_slug": assessment.organization.slug, "code": assessment.code},
    )
    assert "Reopen for changes" not in consultant_client.get(detail).content.decode()
    response = consultant_client.post(_reopen_url(assessment), follow=True)
    assert "Only an open round can be reopened" in response.content.decode()
    assert assessment.respondents.get(role="ceo").submitted_at is not None
    assert _events(Action.ASSESSMENT_REOPENED) == []


def test_reopening_someone_who_has_not_submitted_changes_nothing(consultant_client, links):
    assessment, _tokens = links
    response = consultant_client.post(_reopen_url(assessment, "ciso"), follow=True)
    assert "has not submitted" in response.content.decode()
    assert _events(Action.ASSESSMENT_REOPENED) == []


def test_a_scoring_message_that_arrives_after_a_reopen_scores_nothing(links, consultant):
    """Both submitted, the scoring message is on its way, the consultant reopens the CEO:
    the scoring finds the round incomplete (the reopen and the scoring lock the same row)."""
    assessment, _tokens = links
    for role in ("ceo", "ciso"):
        respondent = assessment.respondents.get(role=role)
        answer_all(respondent, [3])
        Respondent.objects.filter(pk=respondent.pk).update(submitted_at=timezone.now())
    respondent_reopen(respondent=assessment.respondents.get(role="ceo"), by=consultant)
    with pytest.raises(NotReadyToScore):
        assessment_score(assessment_id=assessment.pk)
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.OPEN


# --- Downloads -----------------------------------------------------------------------------


def test_report_and_export_downloads_are_recorded_with_the_organisation(ours, theirs, clients):
    client = clients("consultant")
    org = ours.organization
    round_kwargs = {"org_slug": org.slug, "code": ours.scored.code}
    urls = [
        reverse("workspace:xlsx", kwargs=round_kwargs),
        reverse("workspace:csv", kwargs={**round_kwargs, "table": "answers"}),
        reverse("workspace:org_xlsx", kwargs={"org_slug": org.slug}),
        reverse("workspace:org_csv", kwargs={"org_slug": org.slug, "table": "actions"}),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Disposition"].startswith("attachment")
    exports = _events(Action.EXPORT_DOWNLOADED)
    assert [e.organization for e in exports] == [org] * 4
    assert {e.actor for e in exports} == {ours.consultant}
    report_url = reverse("reports:download", args=[org.slug, ours.scored.code])
    assert client.get(report_url).status_code == 200
    [report_event] = _events(Action.REPORT_DOWNLOADED)
    assert report_event.organization == org
    assert ours.report.code in report_event.target


def test_an_organisation_admin_sees_its_events_and_not_anothers(ours, theirs, clients, links):
    _assessment, tokens = links
    Client().get(f"/r/{tokens['ceo']}/")
    Client().get(f"/r/{theirs.open_tokens['ceo']}/")
    page = clients("admin").get(reverse("organizations:audit_log", args=[ours.organization.slug]))
    body = page.content.decode()
    assert "Invitation link opened" in body and "CEO (invitation link)" in body
    assert theirs.secret not in body and theirs.organization.name not in body
    assert "rival" not in body.lower()
