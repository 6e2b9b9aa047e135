"""An export of a round whose CEO answered in German and whose CISO answered in Japanese,
downloaded by a consultant who reads Parley in French: the *Language* column says, per
answer, the language it was shown in; everything else (headers, sheet names, the wording of
the items, the answers in words) is in the language of the file, the consultant's, as on
their results page (one wording). XLSX and CSV alike, on the shipped catalogs."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from alignment.spreadsheets import ANSWER_COLUMNS
from assessments.models import Answer
from tests.factories import scored_assessment

from .catalogs import in_language, require_catalogs, translated

pytestmark = pytest.mark.django_db

READER = "fr"
SHOWN = {"ceo": "de", "ciso": "ja"}


@pytest.fixture
def two_languages(consultant_client, consultant, questionnaire, organization):
    require_catalogs()
    consultant.language = READER
    consultant.save(update_fields=["language"])
    assessment = scored_assessment(questionnaire, organization=organization)
    for role, language in SHOWN.items():
        Answer.objects.filter(respondent__assessment=assessment, respondent__role=role).update(
            language=language
        )
    kwargs = {"org_slug": organization.slug, "code": assessment.code}
    return assessment, kwargs


def _check_answers(rows, questionnaire):
    header, body = [str(cell) for cell in rows[0]], rows[1:]
    english = [str(column.header) for column in ANSWER_COLUMNS]
    # headers in the consultant's language, each translated
    assert header == [in_language(READER, name) for name in english]
    assert translated(READER, "Answer in words") in header
    role, language, item, wording = (
        header.index(in_language(READER, name)) for name in ("Role", "Language", "Item", "Wording")
    )
    roles = {in_language(READER, "CEO"): "ceo", in_language(READER, "CISO"): "ciso"}
    assert {(roles[row[role]], row[language]) for row in body} == set(SHOWN.items())
    texts = {q.code: q for q in questionnaire.questions.all()}
    for row in body:
        question = texts[row[item]]
        field = f"{roles[row[role]]}_text"
        assert row[wording] == question.translations[READER][field] != getattr(question, field)
    return len(body)


def test_the_csv_names_each_answers_language_in_the_consultants_language(
    consultant_client, two_languages
):
    assessment, kwargs = two_languages
    response = consultant_client.get(reverse("workspace:csv", kwargs=kwargs | {"table": "answers"}))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff"))))
    assert _check_answers(rows, assessment.questionnaire) == 2 * 44


def test_the_xlsx_names_each_answers_language_in_the_consultants_language(
    consultant_client, two_languages
):
    assessment, kwargs = two_languages
    response = consultant_client.get(reverse("workspace:xlsx", kwargs=kwargs))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    sheet = workbook[translated(READER, "Answers")]
    rows = [
        ["" if cell is None else cell for cell in row] for row in sheet.iter_rows(values_only=True)
    ]
    assert _check_answers(rows, assessment.questionnaire) == 2 * 44
