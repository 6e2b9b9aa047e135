"""An assessment's status inside a sentence has words of its own in each language: the label
lower-cased would be wrong in German, where a noun keeps its capital ("Entwurf")."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from assessments.invitations import invitation_queue
from assessments.models import Assessment, Invitation
from tests.factories import AssessmentFactory, RespondentFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "draft"),
        ("de", "Entwurf"),
        ("fr", "en brouillon"),
        ("es", "borrador"),
        ("ja", "下書き"),
    ],
)
def test_sending_links_for_a_draft_names_its_status_in_the_language(
    questionnaire, language, expected
):
    assessment = AssessmentFactory(questionnaire=questionnaire, status=Assessment.Status.DRAFT)
    respondent = RespondentFactory(assessment=assessment)
    with translation.override(language), pytest.raises(ValidationError) as refused:
        invitation_queue(respondent=respondent, kind=Invitation.Kind.INVITATION)
    assert expected in refused.value.messages[0]


def test_every_status_has_its_words_within_a_sentence():
    assert set(Assessment.STATUS_IN_SENTENCE) == set(Assessment.Status)
    with translation.override("de"):
        assert {str(w) for w in Assessment.STATUS_IN_SENTENCE.values()} == {
            "Entwurf",
            "offen",
            "ausgewertet",
            "abgeschlossen",
        }


def test_the_dashboard_filter_sentence_uses_them(consultant_client, organization, questionnaire):
    AssessmentFactory(
        questionnaire=questionnaire, organization=organization, status=Assessment.Status.DRAFT
    )
    url = reverse("workspace:dashboard") + "?status=draft"
    english = consultant_client.get(url, headers={"accept-language": "en"}).content.decode()
    assert "1 organisation with a round draft." in english
    german = consultant_client.get(url, headers={"accept-language": "de"}).content.decode()
    assert "1 Organisation mit einer Runde im Status „Entwurf“." in german
