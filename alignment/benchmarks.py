"""Published survey benchmarks ("respondents like yours") as validated data.

The figures live in ``alignment/data/benchmarks.json``, each with its published source
(docs/report.md, "Benchmarks"). Each figure mapped to a questionnaire item carries a *share
rule*: which answers to that item count toward the survey's percentage (``{"op": ">=",
"value": 4}`` means "answered 4 or 5"). :func:`place_respondents` says, per figure, on which
side of that line each executive's own answer falls. The surveys worded their questions
differently from ours, so the report must present the result as context, never as a
statistical norm, and print the citation under every figure.

Answers: an integer 1..5 (or its string form "4"), a "don't know" marker (``"dk"``,
``"dont_know"``, ``"don't know"``) or None / absent for unanswered. Only a number can be placed:
"in_share" is None for don't know and unanswered.

The text the report writes about a figure (its ``figure`` statement, ``population`` and
``note``) is translated: ``benchmarks.<lang>.json`` beside the file holds it per language
(docs/translations.md), and :func:`load_benchmarks` returns the active language's, each text
falling back to English. A survey's title and publisher are cited as published.
"""

from __future__ import annotations

import logging
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext

from alignment import data_translations

logger = logging.getLogger(__name__)

DEFAULT_PATH = Path(__file__).parent / "data" / "benchmarks.json"

OPS: Mapping[str, Callable[[int, int], bool]] = MappingProxyType(
    {">=": operator.ge, "<=": operator.le, "==": operator.eq}
)
# role compared -> the executives whose answers are placed
ROLE_COMPARED: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "ceo": ("ceo",),
        "ciso": ("ciso",),
        "both": ("ceo", "ciso"),
        "separately": ("ceo", "ciso"),
        "organisation": ("ceo", "ciso"),
    }
)
FLAGS = frozenset({"unverified", "population differs", "context only"})
PERCENT_KEYS = frozenset({"ceo", "ciso", "organisation", "all"})
DONT_KNOW = frozenset({"dk", "dont_know", "don't know", "dont know", "don’t know"})

_FIGURE_FIELDS = {
    "id", "figure", "percent", "population", "source", "item", "role", "share", "flags", "note",
    "dimension",
}  # fmt: skip
_SOURCE_FIELDS = {"id", "title", "publisher", "date", "population", "secondary", "note"}
_ITEM_CODE = re.compile(r"^\d+\.\d+$")
_FIGURE_ID = re.compile(r"^B\d+$")
_DIMENSION = re.compile(r"^D\d+$")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


# --------------------------------------------------------------------------- data types


@dataclass(frozen=True)
class ShareRule:
    """Which answers (1..5) count toward a survey figure."""

    op: str
    value: int

    def matches(self, answer: int) -> bool:
        return OPS[self.op](answer, self.value)

    def __str__(self) -> str:
        return f"{self.op} {self.value}"

    @property
    def answers(self) -> tuple[int, ...]:
        """The answers that count, e.g. (4, 5) for ">= 4"."""
        return tuple(a for a in range(1, 6) if self.matches(a))

    @property
    def label(self) -> str:
        """In words: "answered 4 or 5", "answered 3 to 5", "answered 5"."""
        counted = {"first": self.answers[0], "last": self.answers[-1]}
        if len(self.answers) == 1:
            return gettext("answered %(first)s") % counted
        if len(self.answers) == 2:
            return gettext("answered %(first)s or %(last)s") % counted
        return gettext("answered %(first)s to %(last)s") % counted


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    publisher: str
    date: str  # ISO: YYYY, YYYY-MM or YYYY-MM-DD
    population: str
    secondary: bool
    note: str

    @property
    def date_label(self) -> str:
        parts = [int(p) for p in self.date.split("-")]
        if len(parts) == 1:
            return str(parts[0])
        day = date(parts[0], parts[1], parts[2] if len(parts) == 3 else 1)
        # The active language's formats (strftime's %B would follow the process's C locale).
        if len(parts) == 3:
            return date_format(day, "DATE_FORMAT")
        return date_format(day, "YEAR_MONTH_FORMAT")

    @property
    def citation(self) -> str:
        names = {"publisher": self.publisher, "title": self.title, "date": self.date_label}
        if self.secondary:
            return (
                gettext(
                    "%(publisher)s, “%(title)s”, %(date)s "
                    "(as reported by trade outlets; no primary copy available)"
                )
                % names
            )
        return gettext("%(publisher)s, “%(title)s”, %(date)s") % names


@dataclass(frozen=True)
class Figure:
    id: str
    figure: str
    percent: Mapping[str, float]
    population: str
    source: str
    item: str | None
    role: str | None
    share: ShareRule | None
    flags: tuple[str, ...]
    note: str = ""
    dimension: str | None = None

    @property
    def compared_roles(self) -> tuple[str, ...]:
        return ROLE_COMPARED.get(self.role, ()) if self.role else ()

    def percent_for(self, role: str) -> float | None:
        """The survey percentage an executive in ``role`` is compared with."""
        if self.role == "organisation":
            return self.percent.get("organisation")
        return self.percent.get(role, self.percent.get("all"))


@dataclass(frozen=True)
class Benchmarks:
    sources: Mapping[str, Source]
    figures: tuple[Figure, ...]

    def figure(self, figure_id: str) -> Figure:
        for fig in self.figures:
            if fig.id == figure_id:
                return fig
        raise KeyError(figure_id)

    def for_item(self, item_code: str) -> list[Figure]:
        return [fig for fig in self.figures if fig.item == item_code]

    def citation(self, fig: Figure) -> str:
        return self.sources[fig.source].citation


# --------------------------------------------------------------------------- loading


def load_benchmarks(path: str | Path | None = None) -> Benchmarks:
    """Load and validate the benchmark file: the shipped one by default, in the active
    language (cached per language), or the English file at ``path``.

    A bad entry raises ValueError naming the figure (or source) id and the field.
    """
    if path is None:
        return _load_default(data_translations.active_language(DEFAULT_PATH))
    return parse_benchmarks(_read_json(Path(path)))


@cache  # one entry per language that has a file, plus English
def _load_default(language: str) -> Benchmarks:
    return data_translations.in_language(
        DEFAULT_PATH, language, _english(), translate, parse_benchmarks, logger
    )


@lru_cache(maxsize=1)
def _english() -> Any:
    return _read_json(DEFAULT_PATH)


def _read_json(path: Path) -> Any:
    return data_translations.read_json(path, "benchmarks")


def text_template(data: Mapping) -> dict[str, Any]:
    """The texts of the English file a translation holds: per figure (by ``id``), its
    ``figure``, its ``population`` and its ``note`` where it has one. Sources have none: a
    survey is cited by its own title and publisher."""
    return {
        "figures": [
            {
                "id": fig["id"],
                "figure": fig["figure"],
                "population": fig["population"],
                **({"note": fig["note"]} if fig.get("note") else {}),
            }
            for fig in data["figures"]
        ]
    }


def translate(
    english: Any, overlay: Any, language: str, *, label: str | None = None
) -> data_translations.Merged:
    """The English file's data with a translation's texts in place (the English validated
    first, so the template is sound; the result by :func:`parse_benchmarks`)."""
    parse_benchmarks(english)
    label = label or f"benchmarks.{language}.json"
    merged = data_translations.merge(english, text_template(english), overlay, language, label)
    parse_benchmarks(merged.data)
    return merged


def parse_benchmarks(data: Any) -> Benchmarks:
    """Validate already-decoded JSON and build :class:`Benchmarks`."""
    if not isinstance(data, Mapping):
        raise ValueError("benchmarks: the top level must be an object")
    for key in ("sources", "figures"):
        if not isinstance(data.get(key), list) or not data[key]:
            raise ValueError(f"benchmarks: field '{key}' must be a non-empty list")
    sources: dict[str, Source] = {}
    for index, entry in enumerate(data["sources"]):
        source = _parse_source(entry, index)
        if source.id in sources:
            raise ValueError(f"benchmark source {source.id}: field 'id' is duplicated")
        sources[source.id] = source
    figures: list[Figure] = []
    for index, entry in enumerate(data["figures"]):
        fig = _parse_figure(entry, index, sources)
        if any(f.id == fig.id for f in figures):
            raise ValueError(f"benchmark figure {fig.id}: field 'id' is duplicated")
        figures.append(fig)
    return Benchmarks(MappingProxyType(sources), tuple(figures))


def _label(kind: str, entry: Any, index: int) -> str:
    ident = entry.get("id") if isinstance(entry, Mapping) else None
    return f"benchmark {kind} {ident if isinstance(ident, str) and ident else f'#{index + 1}'}"


def _err(label: str, field: str, problem: str) -> ValueError:
    return ValueError(f"{label}: field '{field}' {problem}")


def _text_field(entry: Mapping, field: str, label: str, *, required: bool = True) -> str:
    value = entry.get(field, None if required else "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise _err(label, field, "must be a non-empty string" if required else "must be a string")
    return value.strip()


def _check_fields(entry: Any, allowed: set[str], label: str) -> Mapping:
    if not isinstance(entry, Mapping):
        raise ValueError(f"{label}: must be an object")
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise _err(label, unknown[0], "is not a known field")
    return entry


def _parse_source(entry: Any, index: int) -> Source:
    label = _label("source", entry, index)
    entry = _check_fields(entry, _SOURCE_FIELDS, label)
    when = _text_field(entry, "date", label)
    if not _DATE.match(when):
        raise _err(label, "date", f"must be YYYY, YYYY-MM or YYYY-MM-DD, not {when!r}")
    secondary = entry.get("secondary", False)
    if not isinstance(secondary, bool):
        raise _err(label, "secondary", "must be true or false")
    source = Source(
        id=_text_field(entry, "id", label),
        title=_text_field(entry, "title", label),
        publisher=_text_field(entry, "publisher", label),
        date=when,
        population=_text_field(entry, "population", label),
        secondary=secondary,
        note=_text_field(entry, "note", label, required=False),
    )
    try:
        source.date_label  # noqa: B018 -- a real calendar date, not just the right shape
    except ValueError as exc:
        raise _err(label, "date", f"is not a calendar date ({exc})") from exc
    return source


def _parse_figure(entry: Any, index: int, sources: Mapping[str, Source]) -> Figure:
    label = _label("figure", entry, index)
    entry = _check_fields(entry, _FIGURE_FIELDS, label)
    fig_id = _text_field(entry, "id", label)
    if not _FIGURE_ID.match(fig_id):
        raise _err(label, "id", f"must look like B1, not {fig_id!r}")
    source = _text_field(entry, "source", label)
    if source not in sources:
        raise _err(label, "source", f"names an unknown source {source!r}")
    fig = Figure(
        id=fig_id,
        figure=_text_field(entry, "figure", label),
        percent=_parse_percent(entry.get("percent"), label),
        population=_text_field(entry, "population", label),
        source=source,
        item=_parse_item(entry.get("item"), label),
        role=_parse_role(entry.get("role"), label),
        share=_parse_share(entry.get("share"), label),
        flags=_parse_flags(entry.get("flags", []), label),
        note=_text_field(entry, "note", label, required=False),
        dimension=_parse_dimension(entry.get("dimension"), label),
    )
    _check_consistency(fig, label)
    return fig


def _parse_percent(value: Any, label: str) -> Mapping[str, float]:
    if not isinstance(value, Mapping) or not value:
        raise _err(label, "percent", 'must be a non-empty object such as {"ciso": 54}')
    for key, number in value.items():
        if key not in PERCENT_KEYS:
            raise _err(label, "percent", f"has an unknown side {key!r}")
        if isinstance(number, bool) or not isinstance(number, int | float):
            raise _err(label, "percent", f"{key!r} must be a number")
        if not 0 <= number <= 100:
            raise _err(label, "percent", f"{key!r} must be between 0 and 100, not {number}")
    return MappingProxyType(dict(value))


def _parse_item(value: Any, label: str) -> str | None:
    if value is not None and not (isinstance(value, str) and _ITEM_CODE.match(value)):
        raise _err(label, "item", f'must be an item code like "3.2" or null, not {value!r}')
    return value


def _parse_role(value: Any, label: str) -> str | None:
    if value is not None and value not in ROLE_COMPARED:
        raise _err(label, "role", f"must be one of {sorted(ROLE_COMPARED)} or null")
    return value


def _parse_share(value: Any, label: str) -> ShareRule | None:
    if value is None:
        return None
    try:
        return share_rule(value)
    except ValueError as exc:
        raise _err(label, "share", str(exc)) from exc


def _parse_flags(value: Any, label: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(f, str) for f in value):
        raise _err(label, "flags", "must be a list of strings")
    unknown = sorted(set(value) - FLAGS)
    if unknown:
        raise _err(label, "flags", f"has an unknown flag {unknown[0]!r}")
    if len(set(value)) != len(value):
        raise _err(label, "flags", "repeats a flag")
    return tuple(value)


def _parse_dimension(value: Any, label: str) -> str | None:
    if value is not None and not (isinstance(value, str) and _DIMENSION.match(value)):
        raise _err(label, "dimension", f'must be a dimension code like "D7", not {value!r}')
    return value


def _check_consistency(fig: Figure, label: str) -> None:
    mapped = [fig.item is not None, fig.role is not None, fig.share is not None]
    if any(mapped) and not all(mapped):
        missing = ("item", "role", "share")[mapped.index(False)]
        raise _err(label, missing, "is required when the figure is mapped to an item")
    if fig.item is None and "context only" not in fig.flags:
        raise _err(label, "flags", "must include 'context only' when 'item' is null")
    for role in fig.compared_roles:
        if fig.percent_for(role) is None:
            raise _err(label, "percent", f"has no figure for the compared role {role!r}")


# --------------------------------------------------------------------------- placing answers


def share_rule(rule: ShareRule | Mapping[str, Any]) -> ShareRule:
    """A :class:`ShareRule` from ``{"op": ">=", "value": 4}`` (validated)."""
    if isinstance(rule, ShareRule):
        return rule
    if not isinstance(rule, Mapping) or set(rule) != {"op", "value"}:
        raise ValueError('must be an object with exactly "op" and "value"')
    if rule["op"] not in OPS:
        raise ValueError(f"op must be one of {', '.join(OPS)}, not {rule['op']!r}")
    value = rule["value"]
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise ValueError(f"value must be an integer 1..5, not {value!r}")
    return ShareRule(rule["op"], value)


def answer_value(value: int | str | None) -> int | str | None:
    """Normalise an answer: an int 1..5, ``"dk"`` for don't know, or None for unanswered."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip().lower()
        if text in DONT_KNOW:
            return "dk"
        if not text:
            return None
        if text.isdigit():
            value = int(text)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise ValueError(f"an answer must be 1..5, don't know or None, not {value!r}")
    return value


def share_matches(rule: ShareRule | Mapping[str, Any], value: int | str | None) -> bool | None:
    """Whether an answer falls in the survey's counted share; None for don't know/unanswered."""
    answer = answer_value(value)
    if answer is None or answer == "dk":
        return None
    return share_rule(rule).matches(answer)


def _status(answer: int | str | None) -> str:
    return "unanswered" if answer is None else "dont_know" if answer == "dk" else "answered"


def _placement(fig: Figure, role: str, answers: Mapping[str, Any]) -> dict[str, Any]:
    try:
        answer = answer_value(answers.get(fig.item))
    except ValueError as exc:
        raise ValueError(f"{role} answer to item {fig.item}: {exc}") from exc
    assert fig.share is not None  # only mapped figures are placed
    return {
        "role": role,
        "answer": answer if isinstance(answer, int) else None,
        "status": _status(answer),
        "in_share": share_matches(fig.share, answer),
        "survey_percent": fig.percent_for(role),
    }


def _disagree(fig: Figure, placements: list[dict[str, Any]]) -> bool | None:
    if fig.role != "organisation":
        return None
    in_share = [p["in_share"] for p in placements]
    if None in in_share:
        return None
    return in_share[0] != in_share[1]


def place_respondents(
    benchmarks: Benchmarks | None,
    ceo_answers: Mapping[str, int | str | None],
    ciso_answers: Mapping[str, int | str | None],
) -> list[dict[str, Any]]:
    """For each figure mapped to an item, where each compared executive's answer falls.

    Answers are keyed by item code ("3.2"). Returns one dict per mapped figure, in file order:
    ``figure_id``, ``figure``, ``item``, ``role``, ``share`` (e.g. ">= 4"), ``share_label``
    ("answered 4 or 5"), ``population``, ``flags``, ``note``, ``citation`` and ``placements``
    (one per compared role: ``role``, ``answer`` (int or None), ``status`` ("answered",
    "dont_know", "unanswered"), ``in_share`` (True/False, None unless answered) and
    ``survey_percent``). For an organisation-level figure (B8) ``disagree`` is True when one
    executive's answer falls in the share and the other's does not (None when either gave no
    number) and ``in_share`` is the organisation's placement when they agree; for other
    figures both are None. Context-only figures (no item) are left out.
    """
    benchmarks = benchmarks or load_benchmarks()
    answers = {"ceo": ceo_answers, "ciso": ciso_answers}
    results = []
    for fig in benchmarks.figures:
        if fig.item is None or fig.share is None:
            continue
        placements = [_placement(fig, role, answers[role]) for role in fig.compared_roles]
        disagree = _disagree(fig, placements)
        results.append(
            {
                "figure_id": fig.id,
                "figure": fig.figure,
                "item": fig.item,
                "role": fig.role,
                "share": str(fig.share),
                "share_label": fig.share.label,
                "population": fig.population,
                "flags": list(fig.flags),
                "note": fig.note,
                "citation": benchmarks.citation(fig),
                "placements": placements,
                "disagree": disagree,
                "in_share": placements[0]["in_share"] if disagree is False else None,
            }
        )
    return results
