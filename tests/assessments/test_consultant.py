"""The consultant's pages: create a round, send invitations, follow progress, resend,
revoke, change an email, remind now; and nothing of another tenant."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment, Invitation, Respondent
from assessments.selectors import respondent_for_token
from organizations.models import Membership
from tests.factories import MembershipFactory, assessment_with_links

from .journey import answer_everything, words

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^/\s]+(/r/[A-Za-z0-9_-]{43}/)")


def _form(questionnaire, **overrides):
    data = {
        "title": "GenAI alignment, spring",
        "questionnaire": questionnaire.pk,
        "due_date": (timezone.localdate() + timedelta(days=21)).isoformat(),
        "ceo_name": "Alex Morgan",
        "ceo_email": "alex@acme.example",
        "ciso_name": "Sam Okafor",
        "ciso_email": "sam@acme.example",
    }
    return data | overrides


def _url(name, assessment=None, **kwargs):
    if assessment is not None:
        kwargs |= {"org_slug": assessment.organization.slug, "code": assessment.code}
    return reverse(f"assessments:{name}", kwargs=kwargs)


def _create(client, organization, questionnaire, **overrides):
    client.post(_url("new", org_slug=organization.slug), _form(questionnaire, **overrides))
    return Assessment.objects.get(title=_form(questionnaire, **overrides)["title"])


def test_it_creates_a_draft_with_the_latest_published_questionnaire_by_default(
    consultant_client, organization, questionnaire, questionnaire_v2, mailoutbox
):
    page = consultant_client.get(_url("new", org_slug=organization.slug))
    assert page.status_code == 200
    assert page.context["form"]["questionnaire"].initial == questionnaire_v2
    response = consultant_client.post(_url("new", org_slug=organization.slug), _form(questionnaire))
    assessment = Assessment.objects.get()
    assert response.url == _url("detail", assessment)
    assert assessment.status == Assessment.Status.DRAFT
    assert assessment.created_by is not None
    assert {(r.role, r.name, r.email) for r in assessment.respondents.all()} == {
        ("ceo", "Alex Morgan", "alex@acme.example"),
        ("ciso", "Sam Okafor", "sam@acme.example"),
    }
    assert mailoutbox == []


def test_the_form_refuses_the_same_email_for_both_and_a_past_due_date(
    consultant_client, organization, questionnaire
):
    data = _form(
        questionnaire,
        ciso_email="ALEX@acme.example",
        due_date=(timezone.localdate() - timedelta(days=1)).isoformat(),
    )
    response = consultant_client.post(_url("new", org_slug=organization.slug), data)
    assert response.status_code == 200
    page = words(response)
    assert "The CEO and the CISO need different email addresses." in page
    assert "The due date is in the past." in page
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("due", ["9999-12-31", "LATEST+1"])
def test_the_form_and_the_service_refuse_a_due_date_beyond_two_years(
    consultant_client, organization, questionnaire, due
):
    """Probe hole 4: 9999-12-31 was accepted, then every invitation failed."""
    from datetime import date

    from django.core.exceptions import ValidationError

    from assessments.due_dates import latest_due_date
    from assessments.services import Person, assessment_create

    latest = latest_due_date()
    if due == "LATEST+1":
        due = (latest + timedelta(days=1)).isoformat()
    response = consultant_client.post(
        _url("new", org_slug=organization.slug), _form(questionnaire, due_date=due)
    )
    assert response.status_code == 200
    assert (
        "The due date is more than 2 years away; choose a date up to "
        f"{latest.day} {latest:%B %Y}." in words(response)
    )
    with pytest.raises(ValidationError, match="more than 2 years away"):
        assessment_create(
            organization=organization,
            questionnaire=questionnaire,
            title="x",
            due_date=date.fromisoformat(due),
            ceo=Person("a@x.example"),
            ciso=Person("b@x.example"),
        )
    assert not Assessment.objects.exists()
    # The last accepted day is exactly two years on.
    _create(consultant_client, organization, questionnaire, due_date=latest.isoformat())
    assert Assessment.objects.get().due_date == latest


def test_two_years_from_a_29_february_is_the_28th():
    from datetime import date

    from assessments.due_dates import due_date_problem, latest_due_date

    assert latest_due_date(date(2028, 2, 29)) == date(2030, 2, 28)
    assert due_date_problem(date(2030, 3, 1), today=date(2028, 2, 29)) is not None
    assert due_date_problem(date(2028, 2, 29), today=date(2028, 2, 29)) is None


def test_send_invitations_opens_the_round_and_emails_each_executive_their_own_link(
    consultant_client, organization, questionnaire, mailoutbox, django_capture_on_commit_callbacks
):
    assessment = _create(consultant_client, organization, questionnaire)
    with django_capture_on_commit_callbacks(execute=True):
        response = consultant_client.post(_url("send", assessment))
    assert response.url == _url("detail", assessment)
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.OPEN
    assert sorted(m.to[0] for m in mailoutbox) == ["alex@acme.example", "sam@acme.example"]
    links = {}
    for message in mailoutbox:
        assert message.subject == "Invitation: Acme Health’s generative AI questionnaire"
        assert "Dear Alex Morgan" in message.body or "Dear Sam Okafor" in message.body
        html, mimetype = message.alternatives[0]
        assert mimetype == "text/html"
        path = LINK.search(message.body).group(1)
        assert path in html
        assert message.reply_to == [assessment.created_by.email]
        links[message.to[0]] = path
    assert len(set(links.values())) == 2
    for email, path in links.items():
        respondent = respondent_for_token(path.split("/")[2])
        assert respondent.email == email
    assert all(r.invited_at for r in assessment.respondents.all())


def test_sending_twice_sends_nothing_more(
    consultant_client, organization, questionnaire, mailoutbox, django_capture_on_commit_callbacks
):
    assessment = _create(consultant_client, organization, questionnaire)
    with django_capture_on_commit_callbacks(execute=True):
        consultant_client.post(_url("send", assessment))
        consultant_client.post(_url("send", assessment))
    assert len(mailoutbox) == 2


def test_the_detail_page_shows_each_executives_status_progress_and_when(
    consultant_client, rnd, client
):
    client.get(rnd.url("ciso"))
    for code in ("1.1", "1.2", "1.3"):
        client.post(rnd.url("ceo", "autosave"), {"question": code, "answer": "4"})
    page = words(consultant_client.get(_url("detail", rnd.assessment)))
    assert "In progress: 3 of 44 answered" in page
    assert "Opened, not started" in page
    answer_everything(client, rnd, "ciso")
    client.post(rnd.url("ciso", "submit"), {"confirm": "yes"})
    page = words(consultant_client.get(_url("detail", rnd.assessment)))
    assert "Submitted ·" in page
    assert "Reminders 0 of 3" in page
    listing = words(consultant_client.get(_url("list", org_slug=rnd.assessment.organization.slug)))
    assert rnd.assessment.title in listing and "In progress: 3 of 44 answered" in listing


def test_resend_emails_a_new_link_and_keeps_the_old_one_working(
    consultant_client, rnd, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        consultant_client.post(_url("resend", rnd.assessment, role="ceo"))
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject.startswith("Your link again")
    new = LINK.search(mailoutbox[0].body).group(1).split("/")[2]
    assert respondent_for_token(new).role == "ceo"
    assert respondent_for_token(rnd.tokens["ceo"]).role == "ceo"


def test_revoke_stops_the_old_link_and_emails_a_replacement(
    consultant_client, rnd, client, mailoutbox, django_capture_on_commit_callbacks
):
    client.post(rnd.url("ceo", "autosave"), {"question": "1.1", "answer": "4"})
    with django_capture_on_commit_callbacks(execute=True):
        consultant_client.post(_url("revoke", rnd.assessment, role="ceo"), {"send_new": "on"})
    assert client.get(rnd.url("ceo")).status_code == 410
    assert mailoutbox[0].subject.startswith("Your new link")
    assert "no longer work" in mailoutbox[0].body
    new = LINK.search(mailoutbox[0].body).group(1)
    assert "1 of 44 questions answered" in words(client.get(new + "topics/D2/"))


def test_revoke_without_a_new_link_leaves_the_executive_without_access_until_a_resend(
    consultant_client, rnd, client, mailoutbox, django_capture_on_commit_callbacks
):
    consultant_client.post(_url("revoke", rnd.assessment, role="ciso"), {})
    assert client.get(rnd.url("ciso")).status_code == 410
    assert mailoutbox == []
    assert "Link revoked" in words(consultant_client.get(_url("detail", rnd.assessment)))
    with django_capture_on_commit_callbacks(execute=True):
        consultant_client.post(_url("resend", rnd.assessment, role="ciso"))
    assert rnd.respondent("ciso").revoked_at is None
    assert client.get(LINK.search(mailoutbox[0].body).group(1)).status_code == 200


def test_changing_an_email_revokes_the_old_links_and_invites_the_new_address(
    consultant_client, rnd, client, mailoutbox, django_capture_on_commit_callbacks
):
    url = _url("edit", rnd.assessment, role="ceo")
    assert consultant_client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = consultant_client.post(url, {"name": "Alex M.", "email": "alex@new.example"})
    assert response.url == _url("detail", rnd.assessment)
    ceo = rnd.respondent("ceo")
    assert (ceo.name, ceo.email) == ("Alex M.", "alex@new.example")
    assert client.get(rnd.url("ceo")).status_code == 410
    assert [m.to for m in mailoutbox] == [["alex@new.example"]]
    assert mailoutbox[0].subject.startswith("Invitation:")  # a first email to this address


def test_changing_an_email_to_the_other_executives_is_refused(consultant_client, rnd):
    ciso_email = rnd.respondent("ciso").email
    response = consultant_client.post(
        _url("edit", rnd.assessment, role="ceo"), {"name": "", "email": ciso_email.upper()}
    )
    assert response.status_code == 200
    assert "need different email addresses" in words(response)
    assert rnd.respondent("ceo").email != ciso_email


def test_remind_now_sends_a_reminder_and_counts_it(
    consultant_client, rnd, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        consultant_client.post(_url("remind", rnd.assessment, role="ceo"))
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject.startswith("Reminder:")
    assert rnd.respondent("ceo").reminder_count == 1
    assert Invitation.objects.filter(kind="reminder").count() == 1


def test_remind_now_is_refused_after_submission(consultant_client, rnd, client, mailoutbox):
    answer_everything(client, rnd, "ceo")
    client.post(rnd.url("ceo", "submit"), {"confirm": "yes"})
    response = consultant_client.post(_url("remind", rnd.assessment, role="ceo"), follow=True)
    assert "No reminder sent: The CEO has already submitted." in words(response)
    assert mailoutbox == []


@pytest.mark.parametrize(
    "name, method, role",
    [
        ("list", "get", None),
        ("new", "get", None),
        ("detail", "get", None),
        ("send", "post", None),
        ("resend", "post", "ceo"),
        ("revoke", "post", "ceo"),
        ("edit", "get", "ceo"),
        ("remind", "post", "ceo"),
    ],
)
def test_another_tenants_consultant_gets_404_everywhere(
    client, rnd, other_organization, name, method, role, mailoutbox
):
    outsider = MembershipFactory(organization=other_organization).user
    client.force_login(outsider)
    kwargs = {"role": role} if role else {}
    if name in ("list", "new"):
        url = _url(name, org_slug=rnd.assessment.organization.slug)
    else:
        url = _url(name, rnd.assessment, **kwargs)
    assert getattr(client, method)(url).status_code == 404
    assert mailoutbox == []
    assert Invitation.objects.filter(revoked_at__isnull=False).count() == 0


def test_an_assessment_of_another_organisation_is_404_even_for_a_member_of_both(
    client, consultant, rnd, other_organization, questionnaire
):
    elsewhere, _ = assessment_with_links(questionnaire, organization=other_organization)
    client.force_login(consultant)
    url = reverse(
        "assessments:detail",
        kwargs={"org_slug": rnd.assessment.organization.slug, "code": elsewhere.code},
    )
    assert client.get(url).status_code == 404


def test_an_executive_member_cannot_manage_assessments(client, rnd):
    executive = MembershipFactory(
        organization=rnd.assessment.organization, role=Membership.Role.EXECUTIVE
    ).user
    client.force_login(executive)
    assert client.get(_url("detail", rnd.assessment)).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, rnd):
    response = client.get(_url("detail", rnd.assessment))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_organisation_list_links_to_each_organisations_assessments(
    consultant_client, organization
):
    body = consultant_client.get(reverse("workspace:dashboard")).content.decode()
    assert f'href="/organisations/{organization.slug}/assessments/"' in body


def test_staff_can_manage_any_organisation(client, staff_user, rnd):
    client.force_login(staff_user)
    assert client.get(_url("detail", rnd.assessment)).status_code == 200


def test_a_respondent_pair_is_always_one_ceo_and_one_ciso(rnd):
    assert sorted(rnd.assessment.respondents.values_list("role", flat=True)) == [
        Respondent.Role.CEO,
        Respondent.Role.CISO,
    ]


def test_changing_an_email_in_a_draft_sends_nothing_and_revokes_nothing(
    consultant_client, organization, questionnaire, mailoutbox, django_capture_on_commit_callbacks
):
    assessment = _create(consultant_client, organization, questionnaire)
    with django_capture_on_commit_callbacks(execute=True):
        consultant_client.post(
            _url("edit", assessment, role="ciso"), {"name": "Sam", "email": "sam@new.example"}
        )
    ciso = assessment.respondents.get(role="ciso")
    assert (ciso.email, ciso.revoked_at) == ("sam@new.example", None)
    assert mailoutbox == []
    page = words(consultant_client.get(_url("detail", assessment)))
    assert page.count("Not invited yet") == 2
    with django_capture_on_commit_callbacks(execute=True):
        consultant_client.post(_url("send", assessment))
    assert sorted(m.to[0] for m in mailoutbox) == ["alex@acme.example", "sam@new.example"]


def test_email_subjects_are_plain_text_on_one_line(
    consultant_client, organization, questionnaire, mailoutbox, django_capture_on_commit_callbacks
):
    """Probe hole 8: subjects arrived HTML-escaped ("O&#x27;Brien")."""
    organization.name = "O'Brien & Sons <Ltd>\r\nBcc: evil@x.example\x0b"
    organization.save()
    assessment = _create(consultant_client, organization, questionnaire)
    with django_capture_on_commit_callbacks(execute=True):
        consultant_client.post(_url("send", assessment))
    assert len(mailoutbox) == 2
    for message in mailoutbox:
        assert message.subject == (
            "Invitation: O'Brien & Sons <Ltd> Bcc: evil@x.example\ufffd’s generative AI "
            "questionnaire"
        )
        assert "Bcc" not in message.message().keys()
