"""`manage.py export_results CODE`: the result as JSON, in the published shape, unrounded."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from alignment import scoring
from alignment.selectors import scoring_inputs
from alignment.services import assessment_score
from tests.factories import completed_assessment

pytestmark = pytest.mark.django_db

OVERALL = [
    "alignment_index",
    "band",
    "pct_exact",
    "pct_within_1",
    "kappa_quadratic",
    "ac2_quadratic",
    "paired_items",
    "knowledge_gaps",
    "severity_counts",
]
DIMENSION = [
    "code",
    "name",
    "alignment_index",
    "mean_abs_gap",
    "mean_signed_gap",
    "optimism_gap",
    "direction",
    "ceo_mean",
    "ciso_mean",
    "paired_items",
]
ITEM = ["code", "dimension", "ceo", "ciso", "ceo_dont_know", "ciso_dont_know", "gap", "severity"]


def _export(code: str) -> tuple[str, dict]:
    out = StringIO()
    call_command("export_results", "--", code, stdout=out)  # a code may begin with "-"
    return out.getvalue(), json.loads(out.getvalue())


@pytest.fixture
def scored(questionnaire):
    # Thirds everywhere: any rounding on the way would show.
    assessment = completed_assessment(questionnaire, ceo=(1, 2, 4, "dk", 5, 3), ciso=(2, 5, 3))
    assessment_score(assessment_id=assessment.pk)
    return assessment


def test_it_prints_the_published_shape(scored):
    _, document = _export(scored.code)
    assert list(document) == [
        "assessment",
        "scoring_version",
        "overall",
        "dimensions",
        "items",
        "perception",
    ]
    assert document["perception"] is None  # a version 1 bank
    assert document["assessment"] == scored.code
    assert document["scoring_version"] == scoring.SCORING_VERSION
    assert list(document["overall"]) == OVERALL
    assert list(document["overall"]["severity_counts"]) == [
        "aligned",
        "minor",
        "material",
        "critical",
    ]
    assert all(list(row) == DIMENSION for row in document["dimensions"])
    assert all(list(row) == ITEM for row in document["items"])


def test_it_keeps_full_precision_and_questionnaire_order(scored, questionnaire):
    text, document = _export(scored.code)
    engine = scoring.score(**scoring_inputs(scored))
    assert document["overall"] == {key: engine["overall"][key] for key in OVERALL}
    for exported, computed in zip(document["dimensions"], engine["dimensions"], strict=True):
        assert exported == {key: computed[key] for key in DIMENSION}
    for exported, computed in zip(document["items"], engine["items"], strict=True):
        assert exported == {key: computed[key] for key in ITEM}
    means = [d["ceo_mean"] for d in document["dimensions"] if d["ceo_mean"] is not None]
    assert any(len(repr(mean)) > 6 for mean in means), "some mean is a long fraction"
    assert [d["code"] for d in document["dimensions"]] == list(
        questionnaire.dimensions.order_by("order").values_list("code", flat=True)
    )
    assert [i["code"] for i in document["items"]] == list(
        questionnaire.questions.order_by("order").values_list("code", flat=True)
    )
    assert "NaN" not in text


def test_an_unknown_code_is_a_clear_error(db):
    with pytest.raises(CommandError, match="No assessment with code 'nope'"):
        _export("nope")


def test_an_assessment_not_fully_submitted_says_so(questionnaire):
    assessment = completed_assessment(questionnaire, submit=False)
    with pytest.raises(CommandError, match="not scored yet: 0 of 2 executives have submitted"):
        _export(assessment.code)


def test_a_submitted_but_unscored_assessment_says_how_to_score_it(questionnaire):
    assessment = completed_assessment(questionnaire)
    with pytest.raises(CommandError, match=f"rescore {assessment.code}"):
        _export(assessment.code)


PERCEPTION_ITEM = [
    "question", "ceo_prediction", "ciso_prediction", "gap", "ceo_expected_gap",
    "ciso_expected_gap", "ceo_error", "ciso_error", "ceo_view", "ciso_view",
]  # fmt: skip
PERCEPTION_SIDE = [
    "predictions", "blind_spots", "imagined_gaps", "seen_gaps", "seen_agreements",
    "understanding_index", "felt", "felt_index", "felt_minus_measured", "felt_reading", "bias",
    "projection",
]  # fmt: skip


def test_a_version_2_round_exports_its_perception_as_the_engine_computed_it(questionnaire_v2):
    from tests.factories import realistic_assessment

    assessment = realistic_assessment(questionnaire_v2)
    assessment_score(assessment_id=assessment.pk)
    _, document = _export(assessment.code)
    perception = document["perception"]
    assert list(perception) == ["items", "ceo", "ciso", "mutual_understanding"]
    assert all(list(row) == PERCEPTION_ITEM for row in perception["items"])
    assert list(perception["ceo"]) == PERCEPTION_SIDE == list(perception["ciso"])
    engine = scoring.score(**scoring_inputs(assessment))["perception"]
    assert perception["items"] == [
        {key: row[key] for key in PERCEPTION_ITEM} for row in engine["items"]
    ]
    assert perception["ceo"] == {key: engine["ceo"][key] for key in PERCEPTION_SIDE}
    assert perception["mutual_understanding"] == engine["mutual_understanding"]
    five_one = next(row for row in perception["items"] if row["question"] == "5.1")
    assert five_one["ciso_prediction"] is None and five_one["ciso_view"] is None  # can't say
