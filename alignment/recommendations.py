"""Prioritised, framework-referenced recommendations per dimension, as validated data.

The content lives in ``alignment/data/recommendations.json``: for every dimension of the default
question bank, one entry per *gap band* and *direction*, plus a "close the knowledge gap" entry.

* Gap band, from the dimension's mean absolute gap (MAD, 0..4 scale points): aligned < 0.5,
  minor < 1.0, material < 2.0, critical >= 2.0 (the thresholds are read from the file).
* Direction, from scoring version 1: ``ceo_more_optimistic``, ``ciso_more_optimistic`` or
  ``balanced``. A band without an entry for the direction falls back to its ``any`` entry
  (which is also what ``balanced`` uses in the shipped file).
* Priority: critical → High, material → Medium, minor and aligned → Low (also from the file).
  A dimension with no paired item but with knowledge gaps gets its knowledge-gap entry at
  Medium; a dimension with both a gap and knowledge gaps also gets that entry, at Low.
  A dimension with neither paired items nor knowledge gaps gets nothing.

The advice (each entry's ``action`` and ``why``) is translated: ``recommendations.<lang>.json``
beside the file holds those texts per language (docs/translations.md), and
:func:`load_recommendations` returns the active language's, each text falling back to English.
Used by the PDF; its only Django import is the active language.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from numbers import Real
from pathlib import Path
from types import MappingProxyType
from typing import Any

from alignment import data_translations

logger = logging.getLogger(__name__)

DEFAULT_PATH = Path(__file__).parent / "data" / "recommendations.json"

DIRECTIONS = ("ceo_more_optimistic", "ciso_more_optimistic", "balanced")
FALLBACK = "any"
PRIORITIES = ("High", "Medium", "Low")  # in display order
MAX_ACTION_CHARS = 400

_DIMENSION_CODE = re.compile(r"^D\d+$")


@dataclass(frozen=True)
class Entry:
    action: str
    lead: str
    references: tuple[str, ...]
    why: str


@dataclass(frozen=True)
class GapBand:
    name: str
    below: float | None  # exclusive upper bound of the mean absolute gap; None: no bound
    priority: str


@dataclass(frozen=True)
class DimensionAdvice:
    code: str
    name: str
    knowledge_gap: Entry
    bands: Mapping[str, Mapping[str, Entry]]

    def entry(self, band: str, direction: str | None) -> Entry:
        by_direction = self.bands[band]
        return by_direction.get(direction or FALLBACK) or by_direction[FALLBACK]


@dataclass(frozen=True)
class Recommendations:
    bands: tuple[GapBand, ...]
    knowledge_gap_priority: Mapping[str, str]  # "no_paired_items", "with_paired_items"
    dimensions: Mapping[str, DimensionAdvice]

    def band_for(self, mean_abs_gap: float) -> GapBand:
        for band in self.bands:
            if band.below is None or mean_abs_gap < band.below:
                return band
        raise AssertionError("the last band is unbounded")  # guaranteed by validation


# --------------------------------------------------------------------------- loading


def load_recommendations(path: str | Path | None = None) -> Recommendations:
    """Load and validate the recommendations file: the shipped one by default, in the active
    language (cached per language), or the English file at ``path``.

    A bad entry raises ValueError naming the dimension code and the field path, e.g.
    ``recommendations D3: field 'bands.critical.any.lead' ...``.
    """
    if path is None:
        return _load_default(data_translations.active_language(DEFAULT_PATH))
    return parse_recommendations(_read_json(Path(path)))


@cache  # one entry per language that has a file, plus English
def _load_default(language: str) -> Recommendations:
    return data_translations.in_language(
        DEFAULT_PATH, language, _english(), translate, parse_recommendations, logger
    )


@lru_cache(maxsize=1)
def _english() -> Any:
    return _read_json(DEFAULT_PATH)


def _read_json(path: Path) -> Any:
    return data_translations.read_json(path, "recommendations")


def text_template(data: Mapping) -> dict[str, Any]:
    """The texts of the English file a translation holds: per dimension (by ``code``), the
    knowledge-gap entry's and every band × direction entry's ``action`` and ``why``."""

    def texts(entry: Mapping) -> dict[str, str]:
        return {"action": entry["action"], "why": entry["why"]}

    return {
        "dimensions": [
            {
                "code": dimension["code"],
                "knowledge_gap": texts(dimension["knowledge_gap"]),
                "bands": {
                    band: {direction: texts(entry) for direction, entry in by_direction.items()}
                    for band, by_direction in dimension["bands"].items()
                },
            }
            for dimension in data["dimensions"]
        ]
    }


def translate(
    english: Any, overlay: Any, language: str, *, label: str | None = None
) -> data_translations.Merged:
    """The English file's data with a translation's texts in place (validated both ways: the
    English first, so the template is sound; the result by :func:`parse_recommendations`)."""
    parse_recommendations(english)
    label = label or f"recommendations.{language}.json"
    merged = data_translations.merge(english, text_template(english), overlay, language, label)
    parse_recommendations(merged.data)
    return merged


def _err(label: str, field: str, problem: str) -> ValueError:
    return ValueError(f"recommendations {label}: field '{field}' {problem}")


def parse_recommendations(data: Any) -> Recommendations:
    """Validate already-decoded JSON and build :class:`Recommendations`."""
    if not isinstance(data, Mapping):
        raise ValueError("recommendations: the top level must be an object")
    bands = _parse_bands(data.get("gap_bands"))
    kg_priority = _parse_kg_priority(data.get("knowledge_gap_priority"))
    leads = _string_list(data, "leads")
    prefixes = _string_list(data, "reference_prefixes")
    rules = _Rules(tuple(b.name for b in bands), frozenset(leads), tuple(prefixes))
    raw = data.get("dimensions")
    if not isinstance(raw, list) or not raw:
        raise _err("file", "dimensions", "must be a non-empty list")
    dimensions: dict[str, DimensionAdvice] = {}
    for index, entry in enumerate(raw):
        advice = _parse_dimension(entry, index, rules)
        if advice.code in dimensions:
            raise _err(advice.code, "code", "is duplicated")
        dimensions[advice.code] = advice
    return Recommendations(bands, kg_priority, MappingProxyType(dimensions))


def _string_list(data: Mapping, field: str) -> list[str]:
    value = data.get(field)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise _err("file", field, "must be a non-empty list of strings")
    return value


def _parse_bands(value: Any) -> tuple[GapBand, ...]:
    raw = value.get("bands") if isinstance(value, Mapping) else None
    if not isinstance(raw, list) or not raw:
        raise _err("file", "gap_bands.bands", "must be a non-empty list")
    bands, previous = [], -math.inf
    for index, band in enumerate(raw):
        field = f"gap_bands.bands[{index}]"
        if not isinstance(band, Mapping) or not isinstance(band.get("name"), str):
            raise _err("file", f"{field}.name", "must be a string")
        below = band.get("below")
        last = index == len(raw) - 1
        if last != (below is None):
            raise _err("file", f"{field}.below", "must be null for the last band only")
        if below is not None and (not isinstance(below, int | float) or below <= previous):
            raise _err("file", f"{field}.below", "must be a number above the previous band's")
        if band.get("priority") not in PRIORITIES:
            raise _err("file", f"{field}.priority", f"must be one of {', '.join(PRIORITIES)}")
        previous = below if below is not None else previous
        bands.append(GapBand(band["name"], below, band["priority"]))
    return tuple(bands)


def _parse_kg_priority(value: Any) -> Mapping[str, str]:
    keys = ("no_paired_items", "with_paired_items")
    for key in keys:
        if not isinstance(value, Mapping) or value.get(key) not in PRIORITIES:
            raise _err("file", f"knowledge_gap_priority.{key}", "must be High, Medium or Low")
    return MappingProxyType({key: value[key] for key in keys})


@dataclass(frozen=True)
class _Rules:
    bands: tuple[str, ...]
    leads: frozenset[str]
    prefixes: tuple[str, ...]


def _parse_dimension(entry: Any, index: int, rules: _Rules) -> DimensionAdvice:
    code = entry.get("code") if isinstance(entry, Mapping) else None
    if not isinstance(code, str) or not _DIMENSION_CODE.match(code):
        raise _err(f"#{index + 1}", "code", f"must be a dimension code like D1, not {code!r}")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _err(code, "name", "must be a non-empty string")
    knowledge_gap = _parse_entry(entry.get("knowledge_gap"), code, "knowledge_gap", rules)
    raw_bands = entry.get("bands")
    if not isinstance(raw_bands, Mapping):
        raise _err(code, "bands", "must be an object keyed by gap band")
    unknown = sorted(set(raw_bands) - set(rules.bands))
    if unknown:
        raise _err(code, f"bands.{unknown[0]}", "is not a gap band")
    bands = {
        band: _parse_band_entries(raw_bands.get(band), code, band, rules) for band in rules.bands
    }
    return DimensionAdvice(code, name.strip(), knowledge_gap, MappingProxyType(bands))


def _parse_band_entries(value: Any, code: str, band: str, rules: _Rules) -> Mapping[str, Entry]:
    field = f"bands.{band}"
    if not isinstance(value, Mapping):
        raise _err(code, field, "is missing (an object keyed by direction)")
    if FALLBACK not in value:
        raise _err(code, f"{field}.{FALLBACK}", "is missing (the fallback for any direction)")
    unknown = sorted(set(value) - {*DIRECTIONS, FALLBACK})
    if unknown:
        raise _err(code, f"{field}.{unknown[0]}", "is not a direction")
    entries = {
        direction: _parse_entry(raw, code, f"{field}.{direction}", rules)
        for direction, raw in value.items()
    }
    return MappingProxyType(entries)


def _parse_entry(value: Any, code: str, field: str, rules: _Rules) -> Entry:
    if not isinstance(value, Mapping):
        raise _err(code, field, "must be an object with action, lead, references and why")
    for key in ("action", "why"):
        text = value.get(key)
        if not isinstance(text, str) or not text.strip():
            raise _err(code, f"{field}.{key}", "must be a non-empty string")
    if len(value["action"]) > MAX_ACTION_CHARS:
        raise _err(code, f"{field}.action", f"is longer than {MAX_ACTION_CHARS} characters")
    if value.get("lead") not in rules.leads:
        raise _err(code, f"{field}.lead", f"must be one of {sorted(rules.leads)}")
    return Entry(
        action=value["action"].strip(),
        lead=value["lead"],
        references=_parse_references(value.get("references"), code, field, rules),
        why=value["why"].strip(),
    )


def _parse_references(value: Any, code: str, field: str, rules: _Rules) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise _err(code, f"{field}.references", "must be a non-empty list")
    for ref in value:
        if not isinstance(ref, str) or not ref.startswith(rules.prefixes):
            raise _err(code, f"{field}.references", f"has an unrecognised reference {ref!r}")
    if len(set(value)) != len(value):
        raise _err(code, f"{field}.references", "repeats a reference")
    return tuple(value)


# --------------------------------------------------------------------------- recommending


def _score_fields(score: Mapping[str, Any]) -> tuple[str, float | None, str | None, int]:
    code = str(score.get("code", ""))
    gap = score.get("mean_abs_gap")
    if gap is not None and (isinstance(gap, bool) or not isinstance(gap, Real)):
        raise ValueError(f"dimension {code}: mean_abs_gap must be a number or None")
    if gap is not None and not 0 <= gap <= 4:
        raise ValueError(f"dimension {code}: mean_abs_gap {gap} is outside 0..4")
    direction = score.get("direction")
    if direction is not None and direction not in DIRECTIONS:
        raise ValueError(f"dimension {code}: unknown direction {direction!r}")
    knowledge_gaps = score.get("knowledge_gaps") or 0
    if (
        isinstance(knowledge_gaps, bool)
        or not isinstance(knowledge_gaps, int)
        or knowledge_gaps < 0
    ):
        raise ValueError(f"dimension {code}: knowledge_gaps must be a count")
    return code, gap, direction, knowledge_gaps


def _item(
    score: Mapping[str, Any], advice: DimensionAdvice, entry: Entry, **extra: Any
) -> dict[str, Any]:
    return {
        "code": advice.code,
        "name": score.get("name") or advice.name,
        **extra,
        "action": entry.action,
        "lead": entry.lead,
        "references": list(entry.references),
        "why": entry.why,
        "mean_abs_gap": score.get("mean_abs_gap"),
        "alignment_index": score.get("alignment_index"),
        "knowledge_gaps": score.get("knowledge_gaps") or 0,
    }


def _for_dimension(score: Mapping[str, Any], data: Recommendations) -> list[dict[str, Any]]:
    code, gap, direction, knowledge_gaps = _score_fields(score)
    advice = data.dimensions.get(code)
    if advice is None:
        raise ValueError(f"dimension {code}: no recommendations for this dimension")
    found = []
    if gap is not None:
        band = data.band_for(gap)
        entry = advice.entry(band.name, direction)
        found.append(
            _item(
                score,
                advice,
                entry,
                kind="gap",
                band=band.name,
                direction=direction,
                priority=band.priority,
            )
        )
    if knowledge_gaps:
        key = "with_paired_items" if gap is not None else "no_paired_items"
        found.append(
            _item(
                score,
                advice,
                advice.knowledge_gap,
                kind="knowledge_gap",
                band=None,
                direction=direction,
                priority=data.knowledge_gap_priority[key],
            )
        )
    return found


def _natural_key(code: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", code))


def _sort_key(rec: Mapping[str, Any]) -> tuple:
    return (
        PRIORITIES.index(rec["priority"]),
        rec["kind"] != "gap",  # at equal priority a measured gap before a knowledge gap
        -(rec["mean_abs_gap"] or 0.0),
        -rec["knowledge_gaps"],
        _natural_key(rec["code"]),
    )


def recommend(
    dimension_scores: Sequence[Mapping[str, Any]],
    recommendations: Recommendations | None = None,
) -> list[dict[str, Any]]:
    """Prioritised recommendations for a scored assessment, widest gap first.

    ``dimension_scores``: dicts with "code", "name", "mean_abs_gap" (or None when the dimension
    has no paired item), "direction", "alignment_index" and "knowledge_gaps" (a count). Returns
    dicts with "rank" (1..n), "code", "name", "kind" ("gap" or "knowledge_gap"), "band",
    "direction", "priority" ("High", "Medium", "Low"), "action", "lead", "references", "why",
    "mean_abs_gap", "alignment_index" and "knowledge_gaps". Order: priority, then measured gaps
    before knowledge gaps, then widest gap, then most knowledge gaps, then dimension order.
    A dimension code absent from the recommendations file raises ValueError.
    """
    data = recommendations or load_recommendations()
    found = [rec for score in dimension_scores for rec in _for_dimension(score, data)]
    found.sort(key=_sort_key)
    return [{"rank": rank, **rec} for rank, rec in enumerate(found, start=1)]
