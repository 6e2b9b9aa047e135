"""Scoring version 2 on stored rounds: a version 2 bank gets `perception` from the stored
predictions and felt answers; a version 1 bank gets `perception: null` and stays found by
every reader of the current version (and results stored under version 1 are carried over
by migration, never scored twice)."""

import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from alignment import scoring
from alignment.models import AlignmentResult
from alignment.selectors import assessments_awaiting_score, current_result, scoring_inputs
from alignment.services import answers_digest, assessment_score
from assessments.models import Answer, Respondent
from tests.factories import completed_assessment, realistic_assessment

pytestmark = pytest.mark.django_db


def test_a_version_2_round_is_scored_with_its_predictions_and_felt_answers(questionnaire_v2):
    assessment = realistic_assessment(questionnaire_v2)

    result = assessment_score(assessment_id=assessment.pk)

    assert result.scoring_version == scoring.SCORING_VERSION == "2"
    assert result.data == scoring.score(**scoring_inputs(assessment))
    perception = result.data["perception"]
    assert [row["question"] for row in perception["items"]] == [
        "1.2", "2.3", "3.2", "4.1", "5.1", "6.1", "7.2", "8.1", "9.1", "10.1",
    ]  # fmt: skip
    # The realistic round's predictions (tests/factories.py) show every view.
    ceo, ciso = perception["ceo"], perception["ciso"]
    assert (ceo["blind_spots"], ceo["imagined_gaps"], ceo["seen_gaps"]) == (2, 1, 3)
    assert (ciso["blind_spots"], ciso["imagined_gaps"], ciso["predictions"]) == (1, 1, 9)
    assert (ceo["felt"], ciso["felt"]) == (5, 2)
    assert ceo["felt_reading"] == "overestimates" and ciso["felt_reading"] == "underestimates"
    assert current_result(assessment) == result


def test_a_changed_prediction_changes_the_digest_and_the_perception(questionnaire_v2):
    assessment = completed_assessment(questionnaire_v2, ceo=(4,), ciso=(2,))
    first = assessment_score(assessment_id=assessment.pk)
    ceo = Respondent.objects.get(assessment=assessment, role="ceo")
    Answer.objects.filter(respondent=ceo, question__code="1.2").update(predicted_value=2)
    second = assessment_score(assessment_id=assessment.pk)
    assert second.answers_digest != first.answers_digest
    assert (
        second.data["perception"]["ceo"]["understanding_index"]
        > (first.data["perception"]["ceo"]["understanding_index"])
    )
    assert AlignmentResult.objects.filter(assessment=assessment).count() == 1


def test_a_version_1_round_rescored_has_no_perception_and_is_current(questionnaire):
    assessment = completed_assessment(questionnaire)
    result = assessment_score(assessment_id=assessment.pk)
    assert result.data["perception"] is None
    assert current_result(assessment) == result
    before = timezone.now() + timezone.timedelta(minutes=5)
    assert assessments_awaiting_score(submitted_before=before, limit=10) == []
    # Its digest is what version 1 stored: the same answers, the same digest.
    inputs = scoring_inputs(assessment)
    assert result.answers_digest == answers_digest({"ceo": inputs["ceo"], "ciso": inputs["ciso"]})


def test_the_migration_carries_version_1_results_over_unchanged_but_for_perception(
    questionnaire,
):
    assessment = completed_assessment(questionnaire)
    fresh = assessment_score(assessment_id=assessment.pk)
    version_1 = {k: v for k, v in fresh.data.items() if k != "perception"}
    version_1["scoring_version"] = "1"
    AlignmentResult.objects.filter(pk=fresh.pk).update(scoring_version="1", data=version_1)
    assert current_result(assessment) is None  # what every reader would see without it

    migration = importlib.import_module("alignment.migrations.0004_results_of_scoring_version_2")
    migration.forwards(apps, None)

    carried = current_result(assessment)
    assert carried.pk == fresh.pk
    assert carried.data == fresh.data  # exactly what version 2 computes for a version 1 bank
    assert carried.answers_digest == fresh.answers_digest
    before = timezone.now() + timezone.timedelta(minutes=5)
    assert assessments_awaiting_score(submitted_before=before, limit=10) == []
