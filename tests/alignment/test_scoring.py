"""Tests of the scoring engine (docs/scoring.md, "Version 1").

Published oracles pin the agreement coefficients, scikit-learn is a test-only second opinion on
quadratic kappa, hand-computed questionnaires pin every figure, and hypothesis checks the
properties the report relies on (symmetry, bounds, independence of items).
"""

import math
import random
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from alignment.scoring import (
    BANDS,
    DIRECTIONS,
    DONT_KNOW,
    SCORING_VERSION,
    SEVERITIES,
    DimensionSpec,
    ItemSpec,
    cohen_kappa,
    cohen_kappa_from_table,
    gwet_ac2,
    gwet_ac2_from_table,
    score,
)

SCALE = [1, 2, 3, 4, 5]


def _bank() -> tuple[list[DimensionSpec], list[ItemSpec]]:
    """The shape of the default bank: 10 dimensions, 44 items, 6.1 and 8.1 reverse."""
    sizes = [5, 5, 5, 4, 4, 4, 4, 4, 4, 5]
    dimensions = [DimensionSpec(f"D{d}", f"Dimension {d}") for d in range(1, 11)]
    items = [
        ItemSpec(f"{d}.{i}", f"D{d}", reverse=f"{d}.{i}" in {"6.1", "8.1"})
        for d, size in enumerate(sizes, start=1)
        for i in range(1, size + 1)
    ]
    return dimensions, items


DIMENSIONS, ITEMS = _bank()
ANSWER = st.sampled_from([1, 2, 3, 4, 5, DONT_KNOW, None])
ANSWERS = st.fixed_dictionaries({item.code: ANSWER for item in ITEMS})
NUMBERS = st.fixed_dictionaries({item.code: st.integers(1, 5) for item in ITEMS})


# --- Cohen's kappa: published oracles ---------------------------------------------------------


def test_it_matches_the_textbook_two_by_two_kappa():
    assert cohen_kappa_from_table([[20, 5], [10, 15]]) == pytest.approx(0.40)


def test_it_matches_the_published_three_by_three_kappas():
    table = [[0, 4, 1], [0, 8, 0], [0, 1, 5]]

    assert round(cohen_kappa_from_table(table), 4) == 0.4842
    assert round(cohen_kappa_from_table(table, "linear"), 4) == 0.4701


def test_it_matches_the_published_weighted_kappas_on_six_categories():
    r2 = [3, 6, 4, 6, 2, 4, 2, 4, 3, 3, 2, 3, 3, 3, 2, 2, 1, 3, 3, 4]
    r3 = [2, 1, 4, 4, 3, 2, 1, 6, 1, 1, 1, 2, 3, 3, 1, 1, 3, 3, 2, 2]
    categories = range(1, 7)

    assert round(cohen_kappa(r2, r3, categories, "linear"), 7) == 0.1262136
    assert round(cohen_kappa(r2, r3, categories, "quadratic"), 7) == 0.2297980


@settings(deadline=None)
@given(st.lists(st.tuples(st.integers(1, 5), st.integers(1, 5)), min_size=1, max_size=44))
def test_it_agrees_with_scikit_learn_on_weighted_kappa(pairs):
    a, b = [x for x, _ in pairs], [y for _, y in pairs]
    for weights in (None, "linear", "quadratic"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # sklearn warns before it returns nan
            expected = cohen_kappa_score(a, b, labels=SCALE, weights=weights)

        ours = cohen_kappa(a, b, SCALE, weights)

        if math.isnan(expected):
            assert ours is None
        else:
            assert ours == pytest.approx(expected, abs=1e-12)


def test_it_has_no_kappa_when_both_used_one_and_the_same_category():
    assert cohen_kappa([3, 3, 3], [3, 3, 3], SCALE, "quadratic") is None
    assert cohen_kappa([], [], SCALE, "quadratic") is None
    assert cohen_kappa_from_table([[0, 0], [0, 0]]) is None


def test_it_gives_zero_kappa_when_each_used_a_different_single_category():
    assert cohen_kappa([2, 2], [4, 4], SCALE, "quadratic") == 0


def test_it_rejects_bad_kappa_input():
    with pytest.raises(ValueError, match="outside categories"):
        cohen_kappa([1, 6], [1, 2], SCALE)
    with pytest.raises(ValueError, match="different numbers"):
        cohen_kappa([1, 2], [1], SCALE)
    with pytest.raises(ValueError, match="square"):
        cohen_kappa_from_table([[1, 2], [3]])
    with pytest.raises(ValueError, match="weights"):
        cohen_kappa([1], [1], SCALE, "cubic")


# --- Gwet's AC2 -------------------------------------------------------------------------------


def test_it_computes_ac2_by_hand_on_three_categories():
    """a = 1,2,3,3 and b = 1,3,3,2 on categories 1..3, quadratic weights.

    Weights w = 1 - (k-l)^2/4: 1 on the diagonal, 0.75 one apart, 0 two apart; T_w = 3 + 4 x
    0.75 = 6. Pairs (1,1), (2,3), (3,3), (3,2): pa = (1 + 0.75 + 1 + 0.75) / 4 = 0.875.
    Margins a: 1/4, 1/4, 1/2; b: the same, so pi = 1/4, 1/4, 1/2 and sum pi(1-pi) = 3/16 +
    3/16 + 1/4 = 5/8. pe = 6 / (3 x 2) x 5/8 = 5/8. AC2 = (7/8 - 5/8) / (1 - 5/8) = 2/3.
    """
    assert gwet_ac2([1, 2, 3, 3], [1, 3, 3, 2], [1, 2, 3]) == pytest.approx(2 / 3)


def test_it_matches_gwets_published_ac1_and_ac2():
    """Gwet's irrCAC package, dataset cont3x3abstractors: AC1 0.84933, quadratic AC2 0.94024."""
    table = [[13, 0, 0], [0, 20, 7], [0, 4, 56]]

    assert round(gwet_ac2_from_table(table, None), 5) == 0.84933
    assert round(gwet_ac2_from_table(table, "quadratic"), 5) == 0.94024


@given(st.lists(st.integers(1, 5), min_size=1, max_size=44))
def test_it_gives_ac2_of_one_for_identical_answers(answers):
    assert gwet_ac2(answers, answers, SCALE) == pytest.approx(1.0)


def test_it_has_no_ac2_without_ratings_or_categories():
    assert gwet_ac2([], [], SCALE) is None
    assert gwet_ac2([1], [1], [1]) is None


def test_it_shows_why_the_gap_index_leads():
    """19 of 20 answers identical: kappa is 0 (the paradox), AC2 and the index stay high."""
    ceo, ciso = [4] * 20, [4] * 19 + [3]

    assert cohen_kappa(ceo, ciso, SCALE, "quadratic") == 0
    assert gwet_ac2(ceo, ciso, SCALE) > 0.99


# --- worked examples --------------------------------------------------------------------------

SMALL_DIMENSIONS = [DimensionSpec("D1", "Ambition"), DimensionSpec("D2", "Governance")]
SMALL_ITEMS = [
    ItemSpec("1.1", "D1"),
    ItemSpec("1.2", "D1"),
    ItemSpec("1.3", "D1"),
    ItemSpec("2.1", "D2", reverse=True),
    ItemSpec("2.2", "D2"),
    ItemSpec("2.3", "D2"),
]
SMALL_CEO = {"1.1": 5, "1.2": 4, "1.3": DONT_KNOW, "2.1": 2, "2.2": 3, "2.3": None}
SMALL_CISO = {"1.1": 2, "1.2": 4, "1.3": 3, "2.1": 4, "2.2": 3, "2.3": 1}


def _item(code, dimension, ceo, ciso, gap, severity, optimism, *, reverse=False, **flags):
    """An expected item row; flags override the don't-know fields."""
    row = {
        "code": code,
        "dimension": dimension,
        "reverse": reverse,
        "ceo": ceo,
        "ciso": ciso,
        "ceo_dont_know": False,
        "ciso_dont_know": False,
        "gap": gap,
        "abs_gap": None if gap is None else abs(gap),
        "severity": severity,
        "optimism_gap": optimism,
        "knowledge_gap": None,
    }
    return row | flags


def test_it_scores_a_small_questionnaire_by_hand():
    """Two dimensions, a reverse item (2.1), a CEO "don't know" (1.3), a CEO blank (2.3).

    Paired items: 1.1 (5 vs 2, d=3 critical), 1.2 (4 vs 4, aligned), 2.1 (2 vs 4, d=-2
    material, reverse so optimism +2), 2.2 (3 vs 3, aligned).
    D1: MAD 1.5, index 100(1 - 1.5/4) = 62.5, signed 1.5, optimism 1.5, means 4.5 / 3.0.
    D2: MAD 1.0, index 75, signed -1.0 but optimism +1.0 (the reverse item), means 2.5 / 3.5.
    Overall: (62.5 + 75) / 2 = 68.75, partially aligned; 2 of 4 exact, none off by one.
    Kappa, quadratic: observed sum v = 9 + 4 = 13 over n = 4; CEO margins 2,3,4,5 once each,
    CISO 2 once, 3 once, 4 twice: sum v r c = 9 + 3 + 5 + 15 = 32; kappa = 1 - 4 x 13/32
    = -0.625. AC2: pa = (7/16 + 1 + 12/16 + 1) / 4 = 51/64; pi = 0, 2/8, 2/8, 3/8, 1/8 so
    sum pi(1-pi) = 1 - 18/64 = 23/32; T_w = 25 - 100/16 = 75/4, pe = 75/4 / 20 x 23/32 =
    345/512; AC2 = (408 - 345) / (512 - 345) = 63/167.
    """
    result = score(SMALL_DIMENSIONS, SMALL_ITEMS, SMALL_CEO, SMALL_CISO)

    assert result["scoring_version"] == SCORING_VERSION == "2"
    assert result["items"] == [
        _item("1.1", "D1", 5, 2, 3, "critical", 3),
        _item("1.2", "D1", 4, 4, 0, "aligned", 0),
        _item("1.3", "D1", None, 3, None, None, None, ceo_dont_know=True, knowledge_gap="ceo"),
        _item("2.1", "D2", 2, 4, -2, "material", 2, reverse=True),
        _item("2.2", "D2", 3, 3, 0, "aligned", 0),
        _item("2.3", "D2", None, 1, None, None, None),
    ]
    assert result["dimensions"] == [
        {
            "code": "D1",
            "name": "Ambition",
            "alignment_index": 62.5,
            "mean_abs_gap": 1.5,
            "mean_signed_gap": 1.5,
            "optimism_gap": 1.5,
            "direction": "ceo_more_optimistic",
            "ceo_mean": 4.5,
            "ciso_mean": 3.0,
            "paired_items": 2,
            "knowledge_gaps": 1,
        },
        {
            "code": "D2",
            "name": "Governance",
            "alignment_index": 75.0,
            "mean_abs_gap": 1.0,
            "mean_signed_gap": -1.0,
            "optimism_gap": 1.0,
            "direction": "ceo_more_optimistic",
            "ceo_mean": 2.5,
            "ciso_mean": 3.5,
            "paired_items": 2,
            "knowledge_gaps": 0,
        },
    ]
    assert result["overall"] == {
        "alignment_index": 68.75,
        "band": "partially_aligned",
        "pct_exact": 0.5,
        "pct_within_1": 0.5,
        "kappa_quadratic": pytest.approx(-0.625),
        "ac2_quadratic": pytest.approx(63 / 167),
        "paired_items": 4,
        "knowledge_gaps": 1,
        "severity_counts": {"aligned": 2, "minor": 0, "material": 1, "critical": 1},
    }


def test_it_ignores_a_dimension_without_paired_items_in_the_overall():
    ceo = {"1.1": 4, "1.2": 3, "1.3": 2, "2.1": DONT_KNOW, "2.2": None, "2.3": 5}
    ciso = {"1.1": 3, "1.2": 3, "1.3": 2, "2.1": 2, "2.2": 4, "2.3": DONT_KNOW}

    result = score(SMALL_DIMENSIONS, SMALL_ITEMS, ceo, ciso)

    d1, d2 = result["dimensions"]
    assert d2 | {"knowledge_gaps": None} == dict.fromkeys(d2, None) | {
        "code": "D2",
        "name": "Governance",
        "paired_items": 0,
    }
    assert d2["knowledge_gaps"] == 2
    assert d1["alignment_index"] == pytest.approx(100 * (1 - (1 / 3) / 4))
    assert result["overall"]["alignment_index"] == d1["alignment_index"]
    assert result["overall"]["knowledge_gaps"] == 2


@pytest.mark.parametrize("answer", [DONT_KNOW, None])
def test_it_scores_zero_paired_items_as_none_without_an_exception(answer):
    ceo = dict.fromkeys((item.code for item in SMALL_ITEMS), answer)

    result = score(SMALL_DIMENSIONS, SMALL_ITEMS, ceo, SMALL_CISO)

    overall = result["overall"]
    for key in ("alignment_index", "band", "pct_exact", "pct_within_1"):
        assert overall[key] is None
    assert overall["kappa_quadratic"] is None
    assert overall["ac2_quadratic"] is None
    assert overall["paired_items"] == 0
    assert overall["severity_counts"] == dict.fromkeys(SEVERITIES, 0)
    assert overall["knowledge_gaps"] == (len(SMALL_ITEMS) if answer == DONT_KNOW else 0)
    for dimension in result["dimensions"]:
        assert dimension["alignment_index"] is None
        assert dimension["direction"] is None


def test_it_scores_an_empty_questionnaire():
    result = score([], [], {}, {})

    assert result["overall"]["alignment_index"] is None
    assert result["dimensions"] == [] and result["items"] == []


def test_it_records_which_side_does_not_know():
    ceo = {"1.1": DONT_KNOW, "1.2": 3, "1.3": DONT_KNOW}
    ciso = {"1.1": 3, "1.2": DONT_KNOW, "1.3": DONT_KNOW}

    result = score(SMALL_DIMENSIONS, SMALL_ITEMS, ceo, ciso)

    gaps = [item["knowledge_gap"] for item in result["items"]]
    assert gaps == ["ceo", "ciso", "both", None, None, None]
    assert result["overall"]["knowledge_gaps"] == 3


@pytest.mark.parametrize(
    ("gaps", "index", "band"),
    [
        ([0, 0, 0, 0, 0], 100.0, "strongly_aligned"),
        ([1, 1, 1, 0, 0], 85.0, "strongly_aligned"),
        ([1, 1, 1, 1, 0], 80.0, "broadly_aligned"),
        ([2, 2, 1, 1, 0], 70.0, "broadly_aligned"),
        ([2, 2, 1, 1, 1], 65.0, "partially_aligned"),
        ([2, 2, 2, 2, 1], 55.0, "partially_aligned"),
        ([2, 2, 2, 2, 2], 50.0, "misaligned"),
        ([4, 4, 4, 4, 4], 0.0, "misaligned"),
    ],
)
def test_it_bands_the_overall_index(gaps, index, band):
    dimensions = [DimensionSpec("D1", "One")]
    items = [ItemSpec(f"1.{i}", "D1") for i in range(1, 6)]
    ceo = {item.code: 5 for item in items}
    ciso = {item.code: 5 - gap for item, gap in zip(items, gaps, strict=True)}

    overall = score(dimensions, items, ceo, ciso)["overall"]

    assert (overall["alignment_index"], overall["band"]) == (index, band)
    assert band in BANDS


def test_it_puts_an_index_exactly_on_a_threshold_in_the_higher_band():
    """Indices 100 - 25x5/3, 100 - 25x2/5 and 100 - 25x10/3 average to exactly 55.

    Averaging the rounded floats gives 54.99999999999999 ("misaligned"); the engine averages
    exact fractions.
    """
    dimensions = [DimensionSpec(f"D{d}", f"D{d}") for d in (1, 2, 3)]
    gaps = {"D1": [2, 2, 1], "D2": [1, 1, 0, 0, 0], "D3": [4, 3, 3]}
    items = [ItemSpec(f"{d}.{i}", d) for d, row in gaps.items() for i in range(len(row))]
    ceo = {item.code: 5 for item in items}
    ciso = {f"{d}.{i}": 5 - gap for d, row in gaps.items() for i, gap in enumerate(row)}

    overall = score(dimensions, items, ceo, ciso)["overall"]

    assert overall["alignment_index"] == 55.0
    assert overall["band"] == "partially_aligned"


@pytest.mark.parametrize(
    ("ceo", "ciso", "direction"),
    [
        ([4, 3], [3, 3], "ceo_more_optimistic"),  # optimism gap exactly 0.5
        ([3, 3], [4, 3], "ciso_more_optimistic"),  # exactly -0.5
        ([4, 3, 3], [3, 3, 3], "balanced"),  # 1/3
    ],
)
def test_it_sets_the_direction_at_half_a_point(ceo, ciso, direction):
    dimensions = [DimensionSpec("D1", "One")]
    codes = [f"1.{i}" for i in range(len(ceo))]
    items = [ItemSpec(code, "D1") for code in codes]

    ceo_answers = dict(zip(codes, ceo, strict=True))
    ciso_answers = dict(zip(codes, ciso, strict=True))

    result = score(dimensions, items, ceo_answers, ciso_answers)

    assert result["dimensions"][0]["direction"] == direction
    assert direction in DIRECTIONS


@pytest.mark.parametrize("value", [0, 6, -1, 3.0, True, "3", "maybe", [3]])
@pytest.mark.parametrize("role", ["ceo", "ciso"])
def test_it_rejects_an_invalid_answer_naming_item_and_role(value, role):
    answers = {"ceo": dict(SMALL_CEO), "ciso": dict(SMALL_CISO)}
    answers[role]["2.2"] = value

    with pytest.raises(ValueError, match=rf"{role} answer for item 2\.2"):
        score(SMALL_DIMENSIONS, SMALL_ITEMS, answers["ceo"], answers["ciso"])


def test_it_rejects_an_inconsistent_questionnaire():
    with pytest.raises(ValueError, match="unknown dimension"):
        score(SMALL_DIMENSIONS, [ItemSpec("9.1", "D9")], {}, {})
    with pytest.raises(ValueError, match="item codes"):
        score(SMALL_DIMENSIONS, [ItemSpec("1.1", "D1"), ItemSpec("1.1", "D1")], {}, {})
    with pytest.raises(ValueError, match="dimension codes"):
        score(SMALL_DIMENSIONS * 2, [], {}, {})


def test_it_ignores_answers_to_items_outside_the_questionnaire():
    ceo = SMALL_CEO | {"9.9": 99}

    assert score(SMALL_DIMENSIONS, SMALL_ITEMS, ceo, SMALL_CISO) == score(
        SMALL_DIMENSIONS, SMALL_ITEMS, SMALL_CEO, SMALL_CISO
    )


def test_it_scores_the_44_item_bank_against_scikit_learn():
    rng = random.Random(20240501)
    for _ in range(50):
        ceo = {item.code: rng.randint(1, 5) for item in ITEMS}
        ciso = {item.code: rng.randint(1, 5) for item in ITEMS}

        overall = score(DIMENSIONS, ITEMS, ceo, ciso)["overall"]

        codes = [item.code for item in ITEMS]
        a, b = [ceo[c] for c in codes], [ciso[c] for c in codes]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = cohen_kappa_score(a, b, labels=SCALE, weights="quadratic")
        assert overall["kappa_quadratic"] == pytest.approx(expected, abs=1e-12)
        assert overall["paired_items"] == 44


# --- properties -------------------------------------------------------------------------------


@given(ANSWERS)
def test_it_gives_identical_answers_an_index_of_100(answers):
    result = score(DIMENSIONS, ITEMS, answers, answers)

    indices = [d["alignment_index"] for d in result["dimensions"]]
    assert all(index in (100, None) for index in indices)
    expected = 100 if any(index is not None for index in indices) else None
    assert result["overall"]["alignment_index"] == expected
    if expected is not None:
        assert result["overall"]["band"] == "strongly_aligned"
        assert result["overall"]["ac2_quadratic"] == pytest.approx(1.0)


def _neg(value):
    return None if value is None else -value


SWAPPED = {"ceo": "ciso", "ciso": "ceo", "ceo_more_optimistic": "ciso_more_optimistic"}
SWAPPED |= {value: key for key, value in SWAPPED.items()}


def _assert_mirrored(row, mirror, signed, unsigned, pairs):
    """Signed figures negate, unsigned ones stay, CEO/CISO fields trade places."""
    for key in signed:
        assert mirror[key] == _neg(row[key]), key
    for key in unsigned:
        assert mirror[key] == row[key], key
    for ceo_key, ciso_key in pairs:
        assert (mirror[ceo_key], mirror[ciso_key]) == (row[ciso_key], row[ceo_key])


@given(ANSWERS, ANSWERS)
def test_it_mirrors_every_figure_when_ceo_and_ciso_swap(ceo, ciso):
    result, mirror = score(DIMENSIONS, ITEMS, ceo, ciso), score(DIMENSIONS, ITEMS, ciso, ceo)

    for row, other in zip(result["items"], mirror["items"], strict=True):
        _assert_mirrored(
            row,
            other,
            ["gap", "optimism_gap"],
            ["code", "abs_gap", "severity"],
            [("ceo", "ciso"), ("ceo_dont_know", "ciso_dont_know")],
        )
        assert other["knowledge_gap"] == SWAPPED.get(row["knowledge_gap"], row["knowledge_gap"])
    for row, other in zip(result["dimensions"], mirror["dimensions"], strict=True):
        _assert_mirrored(
            row,
            other,
            ["mean_signed_gap", "optimism_gap"],
            ["alignment_index", "mean_abs_gap", "paired_items", "knowledge_gaps"],
            [("ceo_mean", "ciso_mean")],
        )
        assert other["direction"] == SWAPPED.get(row["direction"], row["direction"])
    overall, swapped = result["overall"], mirror["overall"]
    for key in ("kappa_quadratic", "ac2_quadratic"):
        assert swapped[key] == (None if overall[key] is None else pytest.approx(overall[key]))
    exact = {k: v for k, v in overall.items() if k not in ("kappa_quadratic", "ac2_quadratic")}
    assert {k: v for k, v in swapped.items() if k in exact} == exact


@given(ANSWERS, ANSWERS)
def test_it_keeps_indices_within_0_and_100(ceo, ciso):
    result = score(DIMENSIONS, ITEMS, ceo, ciso)

    indices = [d["alignment_index"] for d in result["dimensions"]]
    indices.append(result["overall"]["alignment_index"])
    assert all(0 <= index <= 100 for index in indices if index is not None)
    for key in ("pct_exact", "pct_within_1"):
        value = result["overall"][key]
        assert value is None or 0 <= value <= 1
    ac2 = result["overall"]["ac2_quadratic"]
    assert ac2 is None or -1 <= ac2 <= 1


@given(ANSWERS, ANSWERS, st.sampled_from(ITEMS), st.sampled_from(["ceo", "ciso"]))
def test_it_does_not_let_a_dont_know_change_another_item(ceo, ciso, item, role):
    before = score(DIMENSIONS, ITEMS, ceo, ciso)
    answers = {"ceo": dict(ceo), "ciso": dict(ciso)}
    answers[role][item.code] = DONT_KNOW

    after = score(DIMENSIONS, ITEMS, answers["ceo"], answers["ciso"])

    for old, new in zip(before["items"], after["items"], strict=True):
        if old["code"] != item.code:
            assert new == old
    for old, new in zip(before["dimensions"], after["dimensions"], strict=True):
        if old["code"] != item.dimension:
            assert new == old


@given(NUMBERS, NUMBERS)
def test_it_pairs_every_item_when_both_answer_everything(ceo, ciso):
    overall = score(DIMENSIONS, ITEMS, ceo, ciso)["overall"]

    assert overall["paired_items"] == sum(overall["severity_counts"].values()) == 44
    assert overall["knowledge_gaps"] == 0


def test_it_has_a_label_for_every_code():
    assert set(SEVERITIES) == {"aligned", "minor", "material", "critical"}
    assert set(BANDS) == {
        "strongly_aligned",
        "broadly_aligned",
        "partially_aligned",
        "misaligned",
    }
    assert set(DIRECTIONS) == {"ceo_more_optimistic", "ciso_more_optimistic", "balanced"}
