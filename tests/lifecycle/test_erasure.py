"""Erasing one executive: name, email and comments gone from every table at once."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from alignment.models import AlignmentResult
from assessments.lifecycle import LifecycleRefused, respondent_erase
from assessments.models import Answer, Assessment, Respondent
from organizations.models import AuditEvent
from reports.models import Report
from tests.services import require_postgres

from .conftest import tables_containing

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postgres():
    require_postgres()


def _identity(respondent: Respondent) -> list[str]:
    comments = list(respondent.answers.exclude(comment="").values_list("comment", flat=True))
    return [respondent.email, respondent.name, *comments]


def _open_the_link(client, token: str) -> None:
    """An executive's visit: the audit log then names them by email."""
    assert client.get(reverse("respond:welcome", kwargs={"token": token})).status_code == 200


def test_it_leaves_no_table_holding_the_name_email_or_comments(
    tenant, client, settings, django_capture_on_commit_callbacks
):
    ceo = tenant.scored.respondents.get(role="ceo")
    _open_the_link(client, tenant.scored_tokens["ceo"])
    identity = _identity(ceo)
    assert all(tables_containing(text) for text in identity)  # there was something to erase
    values_before = list(ceo.answers.order_by("question__order").values_list("value", "dont_know"))
    report_file = tenant.report.file.path

    with django_capture_on_commit_callbacks(execute=True):
        call_command("erase_respondent", assessment=tenant.scored.code, role="ceo")

    for text in identity:
        assert tables_containing(text) == {}, f"{text!r} is still stored"
    ceo.refresh_from_db()
    assert ceo.erased_at and ceo.revoked_at and (ceo.name, ceo.email) == ("", "")
    values_after = list(ceo.answers.order_by("question__order").values_list("value", "dont_know"))
    assert values_after == values_before  # the answers stand, anonymous
    assert AlignmentResult.objects.filter(assessment=tenant.scored).exists()
    assert not Report.objects.filter(assessment=tenant.scored).exists()  # it quoted comments
    assert not settings.MEDIA_ROOT.joinpath(report_file).exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.RESPONDENT_ERASED)
    assert event.target == f"CEO of assessment {tenant.scored.code}, answers kept anonymous"
    assert event.actor_label == "manage.py erase_respondent"
    assert AuditEvent.objects.filter(target__contains="the CEO").exists()  # renamed by role
    # The CISO keeps everything.
    ciso = tenant.scored.respondents.get(role="ciso")
    assert ciso.email == "ciso@zq7lifecycle.test" and ciso.answers.exclude(comment="").exists()


def test_the_erased_executives_link_opens_nothing(tenant, client):
    respondent_erase(respondent=tenant.scored.respondents.get(role="ceo"))
    response = client.get(reverse("respond:welcome", kwargs={"token": tenant.scored_tokens["ceo"]}))
    assert response.status_code in (404, 410)
    assert b"zq7lifecycle" not in response.content


def test_with_answers_the_answers_and_the_results_go_too(tenant):
    call_command("erase_respondent", assessment=tenant.scored.code, role="ciso", with_answers=True)
    ciso = tenant.scored.respondents.get(role="ciso")
    assert not Answer.objects.filter(respondent=ciso).exists()
    assert ciso.submitted_at is None
    assert not AlignmentResult.objects.filter(assessment=tenant.scored).exists()
    assert Assessment.objects.get(pk=tenant.scored.pk).status == Assessment.Status.OPEN
    assert tenant.scored.respondents.get(role="ceo").answers.count() == 44


def test_erasing_twice_says_so_and_changes_nothing(tenant):
    ceo = tenant.scored.respondents.get(role="ceo")
    respondent_erase(respondent=ceo)
    events = AuditEvent.objects.count()
    with pytest.raises(CommandError, match="already erased"):
        call_command("erase_respondent", assessment=tenant.scored.code, role="ceo")
    with pytest.raises(LifecycleRefused):
        respondent_erase(respondent=ceo, with_answers=True)
    assert ceo.answers.count() == 44  # the refused "with answers" removed nothing
    assert AuditEvent.objects.count() == events


def test_the_command_refuses_an_unknown_round_clearly(db):
    with pytest.raises(CommandError, match="No assessment with code 'nope'"):
        call_command("erase_respondent", assessment="nope", role="ceo")


def test_a_consultant_erases_from_the_round_page(tenant, client):
    client.force_login(tenant.consultant)
    kwargs = {"org_slug": tenant.organization.slug, "code": tenant.open.code}
    detail = client.get(reverse("assessments:detail", kwargs=kwargs))
    erase_url = reverse("assessments:erase", kwargs=kwargs | {"role": "ceo"})
    assert erase_url.encode() in detail.content
    assert client.get(erase_url).status_code == 200
    response = client.post(erase_url, {"answers": "remove"})
    assert response.status_code == 302
    ceo = tenant.open.respondents.get(role="ceo")
    assert ceo.erased_at is not None and not ceo.answers.exists()
    # A missing choice is a message, not a guess.
    ciso_url = reverse("assessments:erase", kwargs=kwargs | {"role": "ciso"})
    client.post(ciso_url, {})
    assert tenant.open.respondents.get(role="ciso").erased_at is None


def test_after_erasing_with_answers_a_new_executive_can_be_invited(
    tenant, client, mailoutbox, django_capture_on_commit_callbacks
):
    respondent_erase(respondent=tenant.open.respondents.get(role="ceo"), with_answers=True)
    client.force_login(tenant.consultant)
    kwargs = {"org_slug": tenant.organization.slug, "code": tenant.open.code, "role": "ceo"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("assessments:edit", kwargs=kwargs),
            {"name": "New CEO", "email": "new@ceo.example"},
        )
    assert response.status_code == 302
    ceo = tenant.open.respondents.get(role="ceo")
    assert ceo.email == "new@ceo.example" and ceo.erased_at is None
    assert [m.to for m in mailoutbox] == [["new@ceo.example"]]


def test_an_address_the_executive_had_before_is_erased_too(
    tenant, django_capture_on_commit_callbacks
):
    from assessments.services import respondent_change_email

    ceo = tenant.open.respondents.get(role="ceo")
    old = ceo.email
    with django_capture_on_commit_callbacks(execute=True):
        respondent_change_email(respondent=ceo, email="Second.Address@Client.example")
    assert tables_containing(old) and tables_containing("second.address@client.example")
    respondent_erase(respondent=tenant.open.respondents.get(role="ceo"))
    assert tables_containing(old) == {}
    assert tables_containing("second.address@client.example") == {}
