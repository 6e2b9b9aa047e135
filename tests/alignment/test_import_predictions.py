"""`import_responses` on bank version 2: `CODE/predicted` rows (the row's role predicts) and
the `felt` row, all or nothing; the imported round scores and exports the same perception."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from alignment.services import assessment_score
from assessments.models import Answer, Respondent
from tests.factories import (
    REALISTIC_CEO,
    REALISTIC_CEO_PREDICTIONS,
    REALISTIC_CISO,
    REALISTIC_CISO_PREDICTIONS,
    REALISTIC_FELT,
    AssessmentFactory,
    RespondentFactory,
)

from .test_import_responses import _csv, _import, _rejected

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment_v2(questionnaire_v2):
    assessment = AssessmentFactory(questionnaire=questionnaire_v2)
    for role in ("ceo", "ciso"):
        RespondentFactory(assessment=assessment, role=role)
    return assessment


def _realistic_file() -> str:
    rows = []
    for role, answers, predictions in (
        ("ceo", REALISTIC_CEO, REALISTIC_CEO_PREDICTIONS),
        ("ciso", REALISTIC_CISO, REALISTIC_CISO_PREDICTIONS),
    ):
        rows += [f"{code},{role},{value}," for code, value in answers.items()]
        rows += [f"{code}/predicted,{role},{value}," for code, value in predictions.items()]
        rows.append(f"felt,{role},{REALISTIC_FELT[role]},")
    return _csv(rows)


def test_predictions_and_felt_import_score_and_export_alike(assessment_v2, tmp_path):
    output = _import(assessment_v2, tmp_path, _realistic_file(), "--submit")
    assert "Imported 88 answers" in output
    assert "Imported 20 prediction(s) and 2 answer(s) to the felt question." in output
    ceo = Respondent.objects.get(assessment=assessment_v2, role="ceo")
    assert ceo.felt_value == 5 and ceo.submitted_at
    answer = Answer.objects.get(respondent__assessment=assessment_v2, respondent__role="ciso",
                                question__code="5.1")  # fmt: skip
    assert (answer.value, answer.predicted_value, answer.predicted_cant_say) == (3, None, True)
    result = assessment_score(assessment_id=assessment_v2.pk)  # the task, run here
    out = StringIO()
    call_command("export_results", "--", assessment_v2.code, stdout=out)
    exported = json.loads(out.getvalue())["perception"]
    assert exported["ceo"]["felt"] == 5 and exported["ciso"]["felt"] == 2
    by_code = {row["question"]: row for row in exported["items"]}
    for code, predicted in REALISTIC_CEO_PREDICTIONS.items():
        assert by_code[code]["ceo_prediction"] == (None if predicted == "dk" else predicted)
    assert result.data["perception"]["ceo"]["blind_spots"] == exported["ceo"]["blind_spots"] == 2


def test_a_prediction_row_leaves_an_earlier_answer_as_it_was(assessment_v2, tmp_path):
    _import(assessment_v2, tmp_path, _csv(["1.2,ceo,5,Board asked twice"]))
    _import(assessment_v2, tmp_path, _csv(["1.2/predicted,ceo,dk,"]))
    answer = Answer.objects.get(respondent__role="ceo", question__code="1.2")
    assert (answer.value, answer.comment, answer.predicted_cant_say) == (
        5,
        "Board asked twice",
        True,
    )


def test_bad_prediction_and_felt_rows_are_named_and_nothing_is_imported(assessment_v2, tmp_path):
    content = _csv(
        [
            "1.1,ceo,4,",
            "1.1/predicted,ceo,3,",
            "1.2/predicted,ciso,3,a comment",
            "felt,ceo,6,",
            "felt,ceo,3,",
        ]
    )
    _rejected(assessment_v2, tmp_path, content)
    errors = _import.err
    assert "line 3: item 1.1 asks for no prediction ('1.1/predicted')" in errors
    assert "line 4: 1.2/predicted takes no comment" in errors
    assert "line 5: value must be 1, 2, 3, 4, 5 or dk, not '6'" in errors
    assert Respondent.objects.get(assessment=assessment_v2, role="ceo").felt_value is None


def test_a_version_1_round_has_no_felt_question_or_predictions(questionnaire, tmp_path):
    assessment = AssessmentFactory(questionnaire=questionnaire)
    for role in ("ceo", "ciso"):
        RespondentFactory(assessment=assessment, role=role)
    _rejected(assessment, tmp_path, _csv(["felt,ceo,3,", "1.2/predicted,ceo,3,"]))
    assert "line 2: this questionnaire has no felt question ('felt')" in _import.err
    assert "line 3: item 1.2 asks for no prediction ('1.2/predicted')" in _import.err
