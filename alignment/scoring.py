"""Alignment scoring, version 2: how far apart the CEO's and the CISO's answers are (the
figures of version 1, unchanged) and how well each reads the other (``perception``).

The rules are written out in docs/scoring.md (version 1's figures) and
docs/perceived-alignment.md (what version 2 adds); any change to them is a new
``SCORING_VERSION``. This module is pure Python on plain data and imports nothing from Django,
so the same code scores in a Celery task, a test or a benchmark, and a stored result can always
be recomputed from the stored answers. It uses no numpy: a 44-item questionnaire is tiny and
plain Python scores it in a fraction of a millisecond without numpy's import and array costs.

Decisions where the spec is silent (kept here so the methodology appendix can cite them):

- ``ceo_mean`` and ``ciso_mean`` are means of the raw answers (1..5) over the paired items, not
  reverse-coded: they describe what each executive answered. Direction across reverse items is
  what ``optimism_gap`` is for.
- A knowledge gap is any item where at least one side answered "don't know", whatever the other
  side did (a number, "don't know" or nothing). An item nobody answered is simply missing.
- Answers for item codes that are not in ``items`` are ignored (the caller may pass every answer
  it has); the questionnaire defines what is scored.
- The dimension index is computed as ``(100 n - 25 sum|d|) / n`` (one rounding), and the overall
  index and its band from exact fractions, so that an index that is exactly 85, 70 or 55 gets
  the higher band instead of falling below the threshold through float rounding.
- Cohen's kappa is ``None`` when chance-expected disagreement is zero (both raters used one and
  the same category); Gwet's AC2 stays defined there (it is 1.0), which is the point of AC2.

Perception (version 2), decisions where the spec is silent:

- ``perception`` is computed only when the caller passes ``perceived`` (the questionnaire asks
  for predictions or the felt question); a version 1 bank gives ``perception: None``.
- "Can't say" (a prediction or the felt question) is passed as ``CANT_SAY``, the same token
  as "don't know"; an unanswered prediction (None) is treated like "can't say": no view.
- An item with no number from one side (unanswered as well as "don't know") gives both sides
  no expected gap, error or view: there is nothing true to predict or to compare against.
- Understanding, bias, projection, mutual understanding and the felt-minus-measured reading are
  computed from exact fractions (the reading's 15-point thresholds are compared exactly).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

SCORING_VERSION = "2"
DONT_KNOW = "dk"
# "Can't say" (a prediction, the felt question): the same token as "don't know".
CANT_SAY = DONT_KNOW
SCALE = (1, 2, 3, 4, 5)

Weights = Literal["linear", "quadratic"] | None
Answer = int | str | None

# The engine's keys; their words, in the reader's language, are in
# alignment/presentation/words.py (the one wording).
BANDS = ("strongly_aligned", "broadly_aligned", "partially_aligned", "misaligned")
SEVERITIES = ("aligned", "minor", "material", "critical")
DIRECTIONS = ("ceo_more_optimistic", "ciso_more_optimistic", "balanced")

# Lower bounds of the bands, highest first; below the last one is "misaligned".
BAND_FLOORS = (
    (85, "strongly_aligned"),
    (70, "broadly_aligned"),
    (55, "partially_aligned"),
)
_SEVERITIES = ("aligned", "minor", "material", "critical")
_DIMENSION_FIGURES = (
    "alignment_index",
    "mean_abs_gap",
    "mean_signed_gap",
    "optimism_gap",
    "direction",
    "ceo_mean",
    "ciso_mean",
)


@dataclass(frozen=True)
class DimensionSpec:
    code: str
    name: str


@dataclass(frozen=True)
class ItemSpec:
    code: str
    dimension: str
    reverse: bool = False
    predict: bool = False  # version 2: each side also predicts the other's answer


@dataclass(frozen=True)
class Perceived:
    """What each executive expects of the other (bank version 2): predictions of the other's
    answer by item code (1..5, CANT_SAY or None) and the felt alignment (1..5, CANT_SAY or
    None)."""

    ceo_predictions: Mapping[str, Answer]
    ciso_predictions: Mapping[str, Answer]
    ceo_felt: Answer = None
    ciso_felt: Answer = None


# --- agreement coefficients -------------------------------------------------------------------


def _disagreement(q: int, weights: Weights) -> list[list[int]]:
    """Integer disagreement weights v[i][j] for q ordered categories.

    Kappa is invariant to scaling v, so integers (|i-j|, (i-j)^2, or 0/1) keep the sums exact;
    the agreement weights of the literature are ``1 - v / max(v)``.
    """
    if weights is None:
        return [[int(i != j) for j in range(q)] for i in range(q)]
    if weights == "linear":
        return [[abs(i - j) for j in range(q)] for i in range(q)]
    if weights == "quadratic":
        return [[(i - j) ** 2 for j in range(q)] for i in range(q)]
    raise ValueError(f"weights must be None, 'linear' or 'quadratic', not {weights!r}")


def _check_table(table: Sequence[Sequence[int | float]]) -> None:
    """Reject tables that are not square or hold negative counts: they have no kappa."""
    q = len(table)
    if any(len(row) != q for row in table):
        raise ValueError("contingency table must be square (categories x categories)")
    if any(cell < 0 for row in table for cell in row):
        raise ValueError("contingency table counts must not be negative")


def _table(a: Sequence[int], b: Sequence[int], categories: Sequence[int]) -> list[list[int]]:
    """Cross-tabulate two raters' ratings (rows: a, columns: b) over the given categories."""
    if len(a) != len(b):
        raise ValueError(f"raters rated different numbers of items ({len(a)} and {len(b)})")
    index = {category: i for i, category in enumerate(categories)}
    if len(index) != len(categories):
        raise ValueError("categories must be distinct")
    table = [[0] * len(categories) for _ in categories]
    for x, y in zip(a, b, strict=True):
        if x not in index or y not in index:
            raise ValueError(f"rating pair ({x!r}, {y!r}) is outside categories {categories!r}")
        table[index[x]][index[y]] += 1
    return table


def _margins(table: Sequence[Sequence[int | float]]) -> tuple[list, list, int | float]:
    """Row totals, column totals and grand total of a square table."""
    rows = [sum(row) for row in table]
    cols = [sum(column) for column in zip(*table, strict=True)] if table else []
    return rows, cols, sum(rows)


def _weighted_sum(weights: Sequence[Sequence[int | float]], table: Sequence[Sequence]) -> float:
    """Sum of weight x cell over two matrices of the same shape."""
    return sum(
        w * cell
        for w_row, row in zip(weights, table, strict=True)
        for w, cell in zip(w_row, row, strict=True)
    )


def cohen_kappa_from_table(
    table: Sequence[Sequence[int | float]], weights: Weights = None
) -> float | None:
    """Cohen's (weighted) kappa of a contingency table: rows rater A, columns rater B.

    ``kappa = 1 - n * sum(v * observed) / sum(v * row_total * col_total)``. Returns None when
    that is undefined (no ratings, or no disagreement is expected by chance because both raters
    used one and the same category) rather than raising or returning NaN: "no coefficient" is
    an answer the report can show.
    """
    _check_table(table)
    v = _disagreement(len(table), weights)
    rows, cols, n = _margins(table)
    expected = _weighted_sum(v, [[r * c for c in cols] for r in rows])
    if n == 0 or expected == 0:
        return None
    observed = _weighted_sum(v, table)
    return (expected - n * observed) / expected


def cohen_kappa(
    a: Sequence[int], b: Sequence[int], categories: Sequence[int], weights: Weights = None
) -> float | None:
    """Cohen's kappa of two raters' paired ratings; categories fix the scale (and its order).

    Fixing the categories (1..5 for Parley) matters for weighted kappa: the distance between
    two answers depends on the whole scale, not only on the values this pair happened to use.
    """
    return cohen_kappa_from_table(_table(a, b, categories), weights)


def gwet_ac2_from_table(
    table: Sequence[Sequence[int | float]], weights: Weights = "quadratic"
) -> float | None:
    """Gwet's AC2 (AC1 when weights is None) for two raters from a contingency table.

    Gwet (2008; Handbook of Inter-Rater Reliability, 2014): ``pa = sum w_kl p_kl``,
    ``pe = T_w / (q (q - 1)) * sum pi_k (1 - pi_k)`` with ``pi_k = (p_k+ + p_+k) / 2`` and
    ``T_w`` the sum of all agreement weights; ``AC2 = (pa - pe) / (1 - pe)``. Unlike kappa it
    stays stable when both raters mostly use the same category. None when undefined (no
    ratings, or fewer than two categories).
    """
    _check_table(table)
    q = len(table)
    rows, cols, n = _margins(table)
    if n == 0 or q < 2:
        return None
    v = _disagreement(q, weights)
    v_max = max(max(row) for row in v)
    w = [[1 - cell / v_max for cell in row] for row in v]
    pa = _weighted_sum(w, table) / n
    pi = [(r + c) / (2 * n) for r, c in zip(rows, cols, strict=True)]
    t_w = sum(map(sum, w))
    pe = t_w / (q * (q - 1)) * sum(p * (1 - p) for p in pi)
    if pe == 1:
        return None
    return (pa - pe) / (1 - pe)


def gwet_ac2(
    a: Sequence[int], b: Sequence[int], categories: Sequence[int], weights: Weights = "quadratic"
) -> float | None:
    """Gwet's AC2 of two raters' paired ratings over fixed, ordered categories."""
    return gwet_ac2_from_table(_table(a, b, categories), weights)


# --- scoring ----------------------------------------------------------------------------------


def _answer(answers: Mapping[str, Answer], code: str, role: str) -> Answer:
    """One validated answer: an int 1..5, DONT_KNOW or None (unanswered).

    Anything else is a bug upstream (bool is an int in Python, hence the explicit check), and
    scoring it silently would publish a wrong report, so it raises naming item and role.
    """
    value = answers.get(code)
    if value is None or value == DONT_KNOW:
        return value
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5:
        return value
    raise ValueError(
        f"invalid {role} answer for item {code}: {value!r} "
        f"(expected an integer 1..5, {DONT_KNOW!r} or None)"
    )


def _knowledge_gap(ceo_dont_know: bool, ciso_dont_know: bool) -> str | None:
    """Who answered "don't know": None, "ceo", "ciso" or "both"."""
    if ceo_dont_know and ciso_dont_know:
        return "both"
    if ceo_dont_know:
        return "ceo"
    return "ciso" if ciso_dont_know else None


def _item_row(item: ItemSpec, ceo: Answer, ciso: Answer) -> dict:
    """The figures of one item; gap figures only when both sides answered a number."""
    ceo_number = ceo if isinstance(ceo, int) else None
    ciso_number = ciso if isinstance(ciso, int) else None
    paired = ceo_number is not None and ciso_number is not None
    gap = ceo_number - ciso_number if paired else None
    return {
        "code": item.code,
        "dimension": item.dimension,
        "reverse": item.reverse,
        "ceo": ceo_number,
        "ciso": ciso_number,
        "ceo_dont_know": ceo == DONT_KNOW,
        "ciso_dont_know": ciso == DONT_KNOW,
        "gap": gap,
        "abs_gap": abs(gap) if paired else None,
        "severity": _SEVERITIES[min(abs(gap), 3)] if paired else None,
        "optimism_gap": (-gap if item.reverse else gap) if paired else None,
        "knowledge_gap": _knowledge_gap(ceo == DONT_KNOW, ciso == DONT_KNOW),
    }


def _direction(optimism_sum: int, n: int) -> str:
    """Direction from the mean optimism gap, compared in integers so 0.5 is exactly 0.5."""
    if 2 * optimism_sum >= n:
        return "ceo_more_optimistic"
    if 2 * optimism_sum <= -n:
        return "ciso_more_optimistic"
    return "balanced"


def _paired_figures(paired: list[dict]) -> dict:
    """Gap figures over a non-empty list of paired item rows."""
    n = len(paired)
    abs_sum = sum(row["abs_gap"] for row in paired)
    optimism_sum = sum(row["optimism_gap"] for row in paired)
    return {
        "alignment_index": (100 * n - 25 * abs_sum) / n,
        "mean_abs_gap": abs_sum / n,
        "mean_signed_gap": sum(row["gap"] for row in paired) / n,
        "optimism_gap": optimism_sum / n,
        "direction": _direction(optimism_sum, n),
        "ceo_mean": sum(row["ceo"] for row in paired) / n,
        "ciso_mean": sum(row["ciso"] for row in paired) / n,
    }


def _dimension_row(dimension: DimensionSpec, rows: list[dict]) -> tuple[dict, Fraction | None]:
    """The figures of one dimension over its paired items, and its exact index for the overall.

    A dimension with no paired item has no figures (None), not zeros: "unknown" must not read
    as "perfectly aligned" or "no gap".
    """
    paired = [row for row in rows if row["gap"] is not None]
    n = len(paired)
    figures = _paired_figures(paired) if n else dict.fromkeys(_DIMENSION_FIGURES)
    abs_sum = sum(row["abs_gap"] for row in paired)
    exact_index = Fraction(100 * n - 25 * abs_sum, n) if n else None
    row = {"code": dimension.code, "name": dimension.name} | figures
    row |= {"paired_items": n, "knowledge_gaps": sum(1 for r in rows if r["knowledge_gap"])}
    return row, exact_index


def band(index: Fraction | float | None) -> str | None:
    """Band of an index by the thresholds of the overall index (None when there is none);
    the pages, the workbook and the PDF band dimensions' indices by the same thresholds."""
    if index is None:
        return None
    return next((band for floor, band in BAND_FLOORS if index >= floor), "misaligned")


def _overall_index(exact_indices: list[Fraction]) -> Fraction | None:
    """The overall index, exactly: the mean of the dimensions' indices that are defined."""
    return sum(exact_indices, Fraction(0)) / len(exact_indices) if exact_indices else None


def _overall(item_rows: list[dict], exact_indices: list[Fraction]) -> dict:
    """Questionnaire-wide figures: index (each dimension counts once), agreement, counts."""
    paired = [row for row in item_rows if row["gap"] is not None]
    n = len(paired)
    index = _overall_index(exact_indices)
    table = [[0] * len(SCALE) for _ in SCALE]
    for row in paired:
        table[row["ceo"] - 1][row["ciso"] - 1] += 1
    severity_counts = dict.fromkeys(_SEVERITIES, 0)
    for row in paired:
        severity_counts[row["severity"]] += 1
    return {
        "alignment_index": float(index) if index is not None else None,
        "band": band(index),
        "pct_exact": severity_counts["aligned"] / n if n else None,
        "pct_within_1": (severity_counts["aligned"] + severity_counts["minor"]) / n if n else None,
        "kappa_quadratic": cohen_kappa_from_table(table, "quadratic"),
        "ac2_quadratic": gwet_ac2_from_table(table, "quadratic"),
        "paired_items": n,
        "knowledge_gaps": sum(1 for row in item_rows if row["knowledge_gap"]),
        "severity_counts": severity_counts,
    }


def _check_structure(dimensions: Sequence[DimensionSpec], items: Sequence[ItemSpec]) -> None:
    """Duplicate codes or an item in an unknown dimension would silently skew every figure."""
    dimension_codes = [dimension.code for dimension in dimensions]
    if len(set(dimension_codes)) != len(dimension_codes):
        raise ValueError("dimension codes must be unique")
    if len({item.code for item in items}) != len(items):
        raise ValueError("item codes must be unique")
    known = set(dimension_codes)
    for item in items:
        if item.dimension not in known:
            raise ValueError(f"item {item.code} belongs to unknown dimension {item.dimension}")


def score(
    dimensions: Sequence[DimensionSpec],
    items: Sequence[ItemSpec],
    ceo: Mapping[str, Answer],
    ciso: Mapping[str, Answer],
    perceived: Perceived | None = None,
) -> dict:
    """Score one assessment: the CEO's and the CISO's answers, item code -> 1..5, "dk" or None,
    and (bank version 2) what each expects of the other.

    Returns plain, JSON-ready data in questionnaire order and at full precision (round only for
    display): ``scoring_version``, ``overall``, ``dimensions``, ``items`` and ``perception``
    (None without ``perceived``).
    """
    _check_structure(dimensions, items)
    item_rows = [
        _item_row(item, _answer(ceo, item.code, "ceo"), _answer(ciso, item.code, "ciso"))
        for item in items
    ]
    by_dimension: dict[str, list[dict]] = {dimension.code: [] for dimension in dimensions}
    for row in item_rows:
        by_dimension[row["dimension"]].append(row)
    dimension_rows, exact_indices = [], []
    for dimension in dimensions:
        row, exact_index = _dimension_row(dimension, by_dimension[dimension.code])
        dimension_rows.append(row)
        if exact_index is not None:
            exact_indices.append(exact_index)
    return {
        "scoring_version": SCORING_VERSION,
        "overall": _overall(item_rows, exact_indices),
        "dimensions": dimension_rows,
        "items": item_rows,
        "perception": (
            perception(items, item_rows, perceived, _overall_index(exact_indices))
            if perceived is not None
            else None
        ),
    }


# --- perception (version 2) -------------------------------------------------------------------

SIDES = ("ceo", "ciso")
VIEWS = ("blind_spot", "imagined_gap", "seen_gap", "seen_agreement")
_VIEW_COUNTS = {
    "blind_spot": "blind_spots",
    "imagined_gap": "imagined_gaps",
    "seen_gap": "seen_gaps",
    "seen_agreement": "seen_agreements",
}
MATERIAL = 2  # an absolute gap of 2 or more is material
FELT_READING_MARGIN = 15  # felt minus measured, in index points


def view(gap: int, expected_gap: int) -> str:
    """How one side sees an item: the true gap against the gap it expected."""
    material, expected_material = abs(gap) >= MATERIAL, abs(expected_gap) >= MATERIAL
    if material:
        return "seen_gap" if expected_material else "blind_spot"
    return "imagined_gap" if expected_material else "seen_agreement"


def felt_reading(felt_minus_measured: Fraction | float | None) -> str | None:
    """overestimates (>= 15 points), underestimates (<= -15), about_right, or None."""
    if felt_minus_measured is None:
        return None
    if felt_minus_measured >= FELT_READING_MARGIN:
        return "overestimates"
    if felt_minus_measured <= -FELT_READING_MARGIN:
        return "underestimates"
    return "about_right"


def _perception_item(item_row: dict, p: Answer, q: Answer) -> dict:
    """The figures of one predicted item: c, s the answers, p the CEO's prediction of s, q the
    CISO's prediction of c."""
    c, s, d = item_row["ceo"], item_row["ciso"], item_row["gap"]
    row = {
        "question": item_row["code"],
        "ceo_prediction": p if isinstance(p, int) else None,
        "ciso_prediction": q if isinstance(q, int) else None,
        "gap": d,
    }
    ceo_known = d is not None and isinstance(p, int)
    ciso_known = d is not None and isinstance(q, int)
    row["ceo_expected_gap"] = c - p if ceo_known else None
    row["ciso_expected_gap"] = q - s if ciso_known else None
    row["ceo_error"] = p - s if ceo_known else None
    row["ciso_error"] = q - c if ciso_known else None
    row["ceo_view"] = view(d, row["ceo_expected_gap"]) if ceo_known else None
    row["ciso_view"] = view(d, row["ciso_expected_gap"]) if ciso_known else None
    return row


def _mean(values: list[int]) -> Fraction | None:
    return Fraction(sum(values), len(values)) if values else None


def _as_float(value: Fraction | None) -> float | None:
    return float(value) if value is not None else None


def _side(side: str, rows: list[dict], answers: dict, felt: Answer, measured) -> dict:
    """One side's summary over its predicted items with a view, and its felt alignment."""
    seen = [row for row in rows if row[f"{side}_view"] is not None]
    errors = [row[f"{side}_error"] for row in seen]
    mean_abs_error = _mean([abs(error) for error in errors])
    understanding = 100 - 25 * mean_abs_error if mean_abs_error is not None else None
    own = [answers[row["question"]] for row in seen]
    predicted = [row[f"{side}_prediction"] for row in seen]
    matches = [int(a == b) for a, b in zip(own, predicted, strict=True)]
    felt_value = felt if isinstance(felt, int) else None
    felt_index = 25 * (felt_value - 1) if felt_value is not None else None
    difference = felt_index - measured if felt_index is not None and measured is not None else None
    summary = {"predictions": len(seen)}
    summary |= {
        _VIEW_COUNTS[name]: sum(1 for row in seen if row[f"{side}_view"] == name) for name in VIEWS
    }
    return summary | {
        "understanding_index": _as_float(understanding),
        "felt": felt_value,
        "felt_index": felt_index,
        "felt_minus_measured": _as_float(difference),
        "felt_reading": felt_reading(difference),
        "bias": _as_float(_mean(errors)),
        "projection": _as_float(_mean(matches)),
    }, understanding


def perception(
    items: Sequence[ItemSpec],
    item_rows: list[dict],
    perceived: Perceived,
    measured: Fraction | None,
) -> dict:
    """Perception figures (version 2) from the version 1 item rows, the predictions and the
    felt question; `measured` is the overall alignment index, exactly."""
    by_code = {row["code"]: row for row in item_rows}
    rows = [
        _perception_item(
            by_code[item.code],
            _answer(perceived.ceo_predictions, item.code, "ceo prediction"),
            _answer(perceived.ciso_predictions, item.code, "ciso prediction"),
        )
        for item in items
        if item.predict
    ]
    answers = {
        "ceo": {code: row["ceo"] for code, row in by_code.items()},
        "ciso": {code: row["ciso"] for code, row in by_code.items()},
    }
    felt = {"ceo": perceived.ceo_felt, "ciso": perceived.ciso_felt}
    result: dict = {"items": rows}
    understandings = []
    for side in SIDES:
        felt_answer = _answer({"felt": felt[side]}, "felt", f"{side} felt")
        summary, understanding = _side(side, rows, answers[side], felt_answer, measured)
        result[side] = summary
        if understanding is not None:
            understandings.append(understanding)
    result["mutual_understanding"] = _as_float(_mean_fraction(understandings))
    return result


def _mean_fraction(values: list[Fraction]) -> Fraction | None:
    return sum(values, Fraction(0)) / len(values) if values else None
