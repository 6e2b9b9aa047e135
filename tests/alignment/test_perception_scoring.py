"""Tests of scoring version 2, perception (docs/perceived-alignment.md): hand-worked items and
sides, and the properties a workshop relies on (swapping the executives swaps the sides; a
perfect predictor has understanding 100 and sees every gap as it is)."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alignment.scoring import (
    CANT_SAY,
    DONT_KNOW,
    SCORING_VERSION,
    DimensionSpec,
    ItemSpec,
    Perceived,
    felt_reading,
    score,
    view,
)

DIMENSIONS = [DimensionSpec("D1", "One"), DimensionSpec("D2", "Two")]
ITEMS = [
    ItemSpec("1.1", "D1", predict=True),
    ItemSpec("1.2", "D1", predict=True),
    ItemSpec("1.3", "D1"),
    ItemSpec("2.1", "D2", reverse=True, predict=True),
    ItemSpec("2.2", "D2", predict=True),
    ItemSpec("2.3", "D2", predict=True),
]
PREDICTED = [item.code for item in ITEMS if item.predict]


def test_it_reads_each_view_by_the_two_point_rule():
    assert view(gap=3, expected_gap=1) == "blind_spot"
    assert view(gap=-2, expected_gap=-1) == "blind_spot"
    assert view(gap=1, expected_gap=-2) == "imagined_gap"
    assert view(gap=2, expected_gap=-3) == "seen_gap"  # a gap seen, even the wrong way round
    assert view(gap=-1, expected_gap=1) == "seen_agreement"
    assert view(gap=0, expected_gap=0) == "seen_agreement"


@pytest.mark.parametrize(
    ("difference", "reading"),
    [
        (Fraction(15), "overestimates"),
        (Fraction(29, 2), "about_right"),
        (Fraction(-29, 2), "about_right"),
        (Fraction(-15), "underestimates"),
        (None, None),
    ],
)
def test_it_reads_felt_against_measured_at_exactly_15_points(difference, reading):
    assert felt_reading(difference) == reading


def test_it_scores_perception_by_hand():
    """Answers (CEO c, CISO s) and predictions (CEO's p of s, CISO's q of c):

    1.1: c 5, s 2, p 4, q 5 -> d 3; CEO expects 1 (blind spot, error 2), CISO expects 3
         (seen gap, error 0).
    1.2: c 3, s 3, p 1, q 3 -> d 0; CEO expects 2 (imagined gap, error -2), CISO 0 (seen
         agreement, error 0).
    2.1: c 2, s 4, p 4, q "can't say" -> d -2; CEO expects -2 (seen gap, error 0); CISO none.
    2.2: c "don't know", s 3, p 3, q 3 -> no gap: neither side has a view.
    2.3: c 4, s 4, p 4, q nothing -> d 0; CEO expects 0 (seen agreement, error 0), CISO none.
    1.3 is not predicted.

    CEO: 4 views (1 blind spot, 1 imagined gap, 1 seen gap, 1 seen agreement); |errors| 2, 2,
    0, 0 -> understanding 100 (1 - 1/4) = 75; bias (2 - 2 + 0 + 0) / 4 = 0; projection: p = c
    on 2.1? no (4 vs 2); 2.3 yes; 1.1 no; 1.2 no -> 1/4.
    CISO: 2 views (seen gap, seen agreement), errors 0, 0 -> understanding 100, bias 0,
    projection: q = s on 1.2 (3 = 3) yes, 1.1 (5 vs 2) no -> 1/2. Mutual: (75 + 100) / 2.

    Overall index (version 1): D1 paired 1.1 (|3|), 1.2 (0), 1.3 (c 2, s 2: 0): 100 - 25 x 3/3
    = 75; D2 paired 2.1 (|-2|), 2.3 (0): 100 - 25 x 2/2 = 75 -> 75. CEO felt 5 -> index 100,
    felt - measured = 25: overestimates. CISO felt 3 -> 50, -25: underestimates.
    """
    ceo = {"1.1": 5, "1.2": 3, "1.3": 2, "2.1": 2, "2.2": DONT_KNOW, "2.3": 4}
    ciso = {"1.1": 2, "1.2": 3, "1.3": 2, "2.1": 4, "2.2": 3, "2.3": 4}
    perceived = Perceived(
        ceo_predictions={"1.1": 4, "1.2": 1, "2.1": 4, "2.2": 3, "2.3": 4},
        ciso_predictions={"1.1": 5, "1.2": 3, "2.1": CANT_SAY, "2.2": 3},
        ceo_felt=5,
        ciso_felt=3,
    )

    result = score(DIMENSIONS, ITEMS, ceo, ciso, perceived)

    assert result["scoring_version"] == SCORING_VERSION == "2"
    assert result["overall"]["alignment_index"] == 75.0
    perception = result["perception"]
    assert perception["items"] == [
        _row("1.1", 4, 5, 3, 1, 3, 2, 0, "blind_spot", "seen_gap"),
        _row("1.2", 1, 3, 0, 2, 0, -2, 0, "imagined_gap", "seen_agreement"),
        _row("2.1", 4, None, -2, -2, None, 0, None, "seen_gap", None),
        _row("2.2", 3, 3, None, None, None, None, None, None, None),
        _row("2.3", 4, None, 0, 0, None, 0, None, "seen_agreement", None),
    ]
    assert perception["ceo"] == {
        "predictions": 4,
        "blind_spots": 1,
        "imagined_gaps": 1,
        "seen_gaps": 1,
        "seen_agreements": 1,
        "understanding_index": 75.0,
        "felt": 5,
        "felt_index": 100,
        "felt_minus_measured": 25.0,
        "felt_reading": "overestimates",
        "bias": 0.0,
        "projection": 0.25,
    }
    assert perception["ciso"] == {
        "predictions": 2,
        "blind_spots": 0,
        "imagined_gaps": 0,
        "seen_gaps": 1,
        "seen_agreements": 1,
        "understanding_index": 100.0,
        "felt": 3,
        "felt_index": 50,
        "felt_minus_measured": -25.0,
        "felt_reading": "underestimates",
        "bias": 0.0,
        "projection": 0.5,
    }
    assert perception["mutual_understanding"] == 87.5


def _row(code, p, q, gap, ceo_expected, ciso_expected, ceo_error, ciso_error, ceo_v, ciso_v):
    return {
        "question": code,
        "ceo_prediction": p,
        "ciso_prediction": q,
        "gap": gap,
        "ceo_expected_gap": ceo_expected,
        "ciso_expected_gap": ciso_expected,
        "ceo_error": ceo_error,
        "ciso_error": ciso_error,
        "ceo_view": ceo_v,
        "ciso_view": ciso_v,
    }


def test_it_gives_a_signed_bias_and_no_figures_for_a_side_that_cannot_say():
    """CEO predicts 1 above the CISO on 1.1 (c 3, s 2, p 3: error +1) and 3 above on 1.2
    (c 1, s 1, p 4: error +3): bias 2, understanding 100 (1 - 4/2/4) = 50. The CISO says
    "can't say" everywhere and on the felt question: every figure None, counts 0."""
    ceo, ciso = {"1.1": 3, "1.2": 1}, {"1.1": 2, "1.2": 1}
    perceived = Perceived(
        ceo_predictions={"1.1": 3, "1.2": 4},
        ciso_predictions=dict.fromkeys(PREDICTED, CANT_SAY),
        ceo_felt=None,
        ciso_felt=CANT_SAY,
    )
    result = score(DIMENSIONS, ITEMS, ceo, ciso, perceived)["perception"]
    assert result["ceo"]["bias"] == 2.0
    assert result["ceo"]["understanding_index"] == 50.0
    assert result["ceo"]["projection"] == 0.5  # 1.1: predicted 3, answered 3
    assert result["ceo"]["felt"] is result["ceo"]["felt_reading"] is None
    assert result["ciso"]["predictions"] == 0
    assert result["ciso"]["understanding_index"] is None
    assert result["ciso"]["bias"] is result["ciso"]["projection"] is None
    assert result["ciso"]["felt"] is result["ciso"]["felt_minus_measured"] is None
    assert result["mutual_understanding"] == 50.0  # the mean of the indices that exist


def test_a_version_1_bank_has_no_perception():
    ceo = {"1.1": 3}
    assert score(DIMENSIONS, ITEMS, ceo, ceo)["perception"] is None


def test_it_rejects_an_invalid_prediction_naming_item_and_side():
    perceived = Perceived({"1.1": 6}, {})
    with pytest.raises(ValueError, match=r"ceo prediction answer for item 1\.1"):
        score(DIMENSIONS, ITEMS, {"1.1": 3}, {"1.1": 3}, perceived)
    with pytest.raises(ValueError, match="ciso felt"):
        score(DIMENSIONS, ITEMS, {}, {}, Perceived({}, {}, ciso_felt=True))


def test_it_leaves_every_version_1_figure_as_it_was():
    ceo = {"1.1": 5, "1.2": 1, "2.1": DONT_KNOW, "2.2": 4}
    ciso = {"1.1": 2, "1.2": 1, "2.1": 3, "2.2": 5}
    plain = score(DIMENSIONS, ITEMS, ceo, ciso)
    perceived = score(DIMENSIONS, ITEMS, ceo, ciso, Perceived({"1.1": 2}, {"1.1": 1}, 4, 2))
    for key in ("overall", "dimensions", "items"):
        assert perceived[key] == plain[key]


# --- properties ---------------------------------------------------------------------------

ANSWER = st.sampled_from([1, 2, 3, 4, 5, DONT_KNOW, None])
PREDICTION = st.sampled_from([1, 2, 3, 4, 5, CANT_SAY, None])
ANSWERS = st.fixed_dictionaries({item.code: ANSWER for item in ITEMS})
PREDICTIONS = st.fixed_dictionaries({code: PREDICTION for code in PREDICTED})
NUMBERS = st.fixed_dictionaries({item.code: st.integers(1, 5) for item in ITEMS})
_SIDE_SWAP = {"ceo": "ciso", "ciso": "ceo"}


@given(ANSWERS, ANSWERS, PREDICTIONS, PREDICTIONS, PREDICTION, PREDICTION)
def test_swapping_ceo_and_ciso_swaps_the_sides(ceo, ciso, p, q, ceo_felt, ciso_felt):
    result = score(DIMENSIONS, ITEMS, ceo, ciso, Perceived(p, q, ceo_felt, ciso_felt))
    swapped = score(DIMENSIONS, ITEMS, ciso, ceo, Perceived(q, p, ciso_felt, ceo_felt))
    ours, theirs = result["perception"], swapped["perception"]
    assert theirs["ceo"] == ours["ciso"]
    assert theirs["ciso"] == ours["ceo"]
    assert theirs["mutual_understanding"] == ours["mutual_understanding"]
    for row, other in zip(ours["items"], theirs["items"], strict=True):
        for side in ("ceo", "ciso"):
            mirror = _SIDE_SWAP[side]
            assert other[f"{side}_view"] == row[f"{mirror}_view"]
            assert other[f"{side}_error"] == row[f"{mirror}_error"]
            expected = row[f"{mirror}_expected_gap"]
            assert other[f"{side}_expected_gap"] == (None if expected is None else -expected)


@given(NUMBERS, NUMBERS)
def test_a_perfect_predictor_understands_fully_and_misreads_nothing(ceo, ciso):
    result = score(DIMENSIONS, ITEMS, ceo, ciso, Perceived(dict(ciso), dict(ceo)))["perception"]
    for side in ("ceo", "ciso"):
        assert result[side]["understanding_index"] == 100.0
        assert result[side]["blind_spots"] == result[side]["imagined_gaps"] == 0
        assert result[side]["bias"] == 0.0
        assert result[side]["predictions"] == len(PREDICTED)
    assert result["mutual_understanding"] == 100.0


@given(ANSWERS, ANSWERS, PREDICTIONS, PREDICTIONS)
def test_understanding_stays_within_0_and_100_and_counts_add_up(ceo, ciso, p, q):
    result = score(DIMENSIONS, ITEMS, ceo, ciso, Perceived(p, q))["perception"]
    for side in ("ceo", "ciso"):
        figures = result[side]
        counts = ("blind_spots", "imagined_gaps", "seen_gaps", "seen_agreements")
        assert sum(figures[name] for name in counts) == figures["predictions"]
        index = figures["understanding_index"]
        assert (index is None) == (figures["predictions"] == 0)
        assert index is None or 0 <= index <= 100
