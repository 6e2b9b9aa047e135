"""Every email that goes to a person with a language, in each shipped language, on the real
catalogs: the executives' invitation and reminder (their `Respondent.language`), the
consultant's retention warning and a colleague's invitation (their `User.language`). Subject,
text and HTML part translated, and the HTML's `lang` is the language.

The expected wording is read from the catalog (tests.i18n.catalogs.translated), and must
differ from the English."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.core import mail
from django.template.defaultfilters import date as date_filter
from django.utils import timezone, translation

from assessments.invitations import invitation_queue, invitation_send
from assessments.lifecycle import add_months, retention_apply
from assessments.models import Invitation, Respondent
from organizations.models import Membership
from organizations.services import colleague_invite
from tests.factories import UserFactory, assessment_with_links, scored_assessment

from .catalogs import SHIPPED, require_catalogs, translated

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _catalogs():
    require_catalogs()


def _parts(message) -> tuple[str, str, str]:
    (html, mimetype) = message.alternatives[0]
    assert mimetype == "text/html"
    return message.subject, message.body, html


def _html_lang(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)


def _executive_email(questionnaire, organization, consultant, language, kind):
    assessment, _tokens = assessment_with_links(
        questionnaire, organization=organization, created_by=consultant
    )
    respondent = assessment.respondents.get(role="ceo")
    Invitation.objects.filter(respondent=respondent).delete()  # a first email: not "again"
    Respondent.objects.filter(pk=respondent.pk).update(language=language)
    respondent.refresh_from_db()
    mail.outbox.clear()
    invitation_send(invitation_id=invitation_queue(respondent=respondent, kind=kind).pk)
    (message,) = mail.outbox
    return respondent, _parts(message)


@pytest.mark.parametrize("language", SHIPPED)
def test_the_invitation_is_in_the_executives_language(
    language, questionnaire, organization, consultant
):
    respondent, (subject, text, html) = _executive_email(
        questionnaire, organization, consultant, language, "invitation"
    )
    names = {"organization": organization.name}
    assert (
        subject
        == translated(language, "Invitation: %(organization)s’s generative AI questionnaire")
        % names
    )
    dear = translated(language, "Dear %(name)s,") % {"name": respondent.name}
    assert dear in text and translated(language, "Open your questionnaire:") in text
    assert dear in unescape(html)
    assert translated(language, "Open your questionnaire") in unescape(html)
    assert _html_lang(html) == language


@pytest.mark.parametrize("language", SHIPPED)
def test_the_reminder_is_in_the_executives_language(
    language, questionnaire, organization, consultant
):
    _respondent, (subject, text, html) = _executive_email(
        questionnaire, organization, consultant, language, "reminder"
    )
    english = "Reminder: %(organization)s’s generative AI questionnaire"
    assert subject == translated(language, english) % {"organization": organization.name}
    text_line = "Carry on where you left off (the answers you saved are kept):"
    assert translated(language, text_line) in text
    assert translated(language, "Carry on where you left off") in unescape(html)
    assert _html_lang(html) == language


@pytest.mark.parametrize("language", SHIPPED)
def test_the_retention_warning_is_in_the_consultants_language(
    language, questionnaire, organization, consultant, settings
):
    settings.PARLEY_RETENTION_MONTHS = 6
    consultant.language = language
    consultant.save(update_fields=["language"])
    assessment = scored_assessment(questionnaire, organization=organization)
    assessment.created_by = consultant
    assessment.save(update_fields=["created_by"])
    finished = add_months(timezone.now(), -6) + timedelta(days=10)  # due in 10 days
    Respondent.objects.filter(assessment=assessment).update(submitted_at=finished)
    mail.outbox.clear()
    assert retention_apply().warned == [assessment.code]
    (message,) = mail.outbox
    subject, text, html = _parts(message)
    assert message.to == [consultant.email]
    keep = translated(
        language,
        "To keep them, put the assessment on legal hold from its page in Parley before "
        "then, or download what you need to keep.",
    )
    assert translated(language, "Hello,") in text and keep in text and keep in unescape(html)
    assert _html_lang(html) == language
    with translation.override(language):
        date = date_filter(add_months(finished, 6), "DATE_FORMAT")
    names = {"title": assessment.title, "organization": organization.name, "date": date}
    english = "Parley: “%(title)s” (%(organization)s) will be deleted on %(date)s"
    assert subject == translated(language, english) % names


def test_the_retention_warning_goes_to_each_manager_in_their_own_language(
    questionnaire, organization, settings
):
    settings.PARLEY_RETENTION_MONTHS = 6
    readers = {}
    for language in ("de", "ja", ""):
        user = UserFactory(language=language)
        Membership.objects.create(user=user, organization=organization, role="consultant")
        readers[user.email] = language or organization.report_language
    assessment = scored_assessment(questionnaire, organization=organization)  # no creator
    finished = add_months(timezone.now(), -6) + timedelta(days=10)
    Respondent.objects.filter(assessment=assessment).update(submitted_at=finished)
    mail.outbox.clear()
    retention_apply()
    sent = {address: _html_lang(_parts(m)[2]) for m in mail.outbox for address in m.to}
    assert sent == readers


@pytest.mark.parametrize("language", SHIPPED)
def test_a_colleagues_invitation_is_in_their_language(
    language, organization, consultant, django_capture_on_commit_callbacks
):
    colleague = UserFactory(language=language, full_name="Kim Lee")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        colleague_invite(
            organization=organization,
            inviter=consultant,
            email=colleague.email,
            role=Membership.Role.CONSULTANT,
        )
    (message,) = mail.outbox
    subject, text, html = _parts(message)
    names = {"inviter": consultant.get_full_name(), "organization": organization.name}
    assert (
        subject
        == translated(language, "%(inviter)s added you to %(organization)s on Parley") % names
    )
    hello = translated(language, "Hello %(name)s,") % {"name": colleague.full_name}
    assert hello in text and hello in unescape(html)
    assert _html_lang(html) == language
