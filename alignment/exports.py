"""A stored result as an export document, and the writers that serialise it.

The document is the published shape of `manage.py export_results` (a contract with whoever
reads the files): only the keys listed below, in this order, at full precision, dimensions and
items in questionnaire order (the order the engine stored them in). A new format is a new
writer in WRITERS taking the same document; the command picks one by name.
"""

import json
from collections.abc import Callable
from typing import TextIO

from . import scoring
from .presentation.model import RoundView

OVERALL_KEYS = (
    "alignment_index",
    "band",
    "pct_exact",
    "pct_within_1",
    "kappa_quadratic",
    "ac2_quadratic",
    "paired_items",
    "knowledge_gaps",
    "severity_counts",
)
DIMENSION_KEYS = (
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
)
ITEM_KEYS = (
    "code",
    "dimension",
    "ceo",
    "ciso",
    "ceo_dont_know",
    "ciso_dont_know",
    "gap",
    "severity",
)


# Scoring version 2: how well each executive reads the other (null on a version 1 bank).
PERCEPTION_ITEM_KEYS = (
    "question",
    "ceo_prediction",
    "ciso_prediction",
    "gap",
    "ceo_expected_gap",
    "ciso_expected_gap",
    "ceo_error",
    "ciso_error",
    "ceo_view",
    "ciso_view",
)
PERCEPTION_SIDE_KEYS = (
    "predictions",
    "blind_spots",
    "imagined_gaps",
    "seen_gaps",
    "seen_agreements",
    "understanding_index",
    "felt",
    "felt_index",
    "felt_minus_measured",
    "felt_reading",
    "bias",
    "projection",
)


def _pick(row: dict, keys: tuple[str, ...]) -> dict:
    return {key: row[key] for key in keys}


def result_document(view: RoundView) -> dict:
    """The export of one scored round's read model (the figures at full precision).

    Keys are re-ordered here because PostgreSQL's jsonb does not keep the stored order."""
    result = view.result
    overall = _pick(view.overall.data, OVERALL_KEYS)
    overall["severity_counts"] = {key: view.overall.counts[key] for key in scoring.SEVERITIES}
    return {
        "assessment": view.assessment.code,
        "scoring_version": result.scoring_version,
        "overall": overall,
        "dimensions": [_pick(dimension.row, DIMENSION_KEYS) for dimension in view.dimensions],
        "items": [_pick(row, ITEM_KEYS) for row in result.items],
        "perception": perception_document(view),
    }


def perception_document(view: RoundView) -> dict | None:
    """The `perception` part of the export, from the read model (None without one)."""
    if view.perception is None:
        return None
    data = view.perception.data
    return {
        "items": [_pick(item.row, PERCEPTION_ITEM_KEYS) for item in view.perception.items],
        "ceo": _pick(data["ceo"], PERCEPTION_SIDE_KEYS),
        "ciso": _pick(data["ciso"], PERCEPTION_SIDE_KEYS),
        "mutual_understanding": data["mutual_understanding"],
    }


def write_json(document: dict, stream: TextIO) -> None:
    """Pretty JSON; floats as Python's shortest round-trip repr, so nothing is rounded."""
    stream.write(json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n")


WRITERS: dict[str, Callable[[dict, TextIO], None]] = {"json": write_json}
