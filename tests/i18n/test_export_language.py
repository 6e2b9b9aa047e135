"""An export of a round answered in two languages says, per answer, which one."""

import csv
import io

import pytest
from django.urls import reverse

from assessments.models import Answer
from tests.factories import scored_assessment

pytestmark = pytest.mark.django_db


def test_the_answers_export_names_each_answers_language(
    consultant_client, questionnaire, organization
):
    assessment = scored_assessment(questionnaire, organization=organization)
    Answer.objects.filter(respondent__assessment=assessment, respondent__role="ceo").update(
        language="de"
    )
    Answer.objects.filter(respondent__assessment=assessment, respondent__role="ciso").update(
        language="ja"
    )
    kwargs = {"org_slug": organization.slug, "code": assessment.code, "table": "answers"}
    response = consultant_client.get(reverse("workspace:csv", kwargs=kwargs))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff"))))
    header, body = rows[0], rows[1:]
    role, language = header.index("Role"), header.index("Language")
    by_role = {(row[role], row[language]) for row in body}
    assert by_role == {("CEO", "de"), ("CISO", "ja")}
