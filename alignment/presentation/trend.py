"""Comparing a round with the previous one.

The previous round of an assessment is the organisation's most recent other assessment,
created before it, that has a current result: rounds are the organisation's assessments in
the order they were created (one CEO and one CISO per organisation). Dimensions and items are
matched by code across questionnaire versions; an item that exists in only one of the two
rounds is listed as such, never silently dropped.

Two rounds on different banks (another slug) share only the items with the same code and
the same CEO and CISO wording: both rounds are scored again on those items alone (by the
scoring engine, so the figures mean what they always mean), every figure of the comparison
is over them, and the comparison says so (`shared_only`).
"""

import re
from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from alignment import charts, scoring
from alignment.models import AlignmentResult
from alignment.presentation import words
from alignment.presentation.words import band_label, fixed
from assessments.models import Assessment
from assessments.selectors import questionnaire_layout


def _natural(code: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", code))


def previous_result(assessment: Assessment) -> AlignmentResult | None:
    """The current result of the round before this one (one query), or None."""
    return (
        AlignmentResult.objects.filter(
            scoring_version=scoring.SCORING_VERSION,
            assessment__organization_id=assessment.organization_id,
            assessment__created_at__lt=assessment.created_at,
        )
        .exclude(assessment_id=assessment.pk)
        .select_related("assessment__questionnaire", "assessment__organization")
        .order_by("-assessment__created_at", "-assessment_id")
        .first()
    )


def _delta(previous: float | None, current: float | None) -> float | None:
    return None if previous is None or current is None else current - previous


@dataclass(frozen=True)
class DimensionChange:
    code: str
    name: str
    previous: str
    current: str
    delta: str
    direction: str  # up | down | same | none
    note: str  # "only in this round" / "only in the previous round" / ""


@dataclass(frozen=True)
class ItemChange:
    code: str
    text: str
    previous_gap: str
    current_gap: str
    previous_severity: str
    current_severity: str
    direction: str  # narrower | wider | same | none


@dataclass
class Comparison:
    previous: Assessment
    current: Assessment
    previous_index: str
    current_index: str
    previous_band: str
    current_band: str
    delta: str
    direction: str
    dimensions: list[DimensionChange] = field(default_factory=list)
    items: list[ItemChange] = field(default_factory=list)
    only_previous: list[tuple[str, str]] = field(default_factory=list)  # (code, wording)
    only_current: list[tuple[str, str]] = field(default_factory=list)
    trend_svg: SafeString = SafeString("")
    # Rounds on different banks: every figure is over the items both share, and this says so.
    shared_only: bool = False
    shared_note: str = ""


def _direction(delta: float | None) -> str:
    if delta is None:
        return "none"
    rounded = fixed(delta)
    if rounded in ("0", "\u22120"):
        return "same"
    return "up" if delta > 0 else "down"


def _dimension_names(*assessments: Assessment) -> dict[str, str]:
    """code -> the dimension's name in the reader's language (the stored results keep the
    English names they were scored with); the later round's bank has the last word."""
    names: dict[str, str] = {}
    for assessment in assessments:
        layout = questionnaire_layout(assessment.questionnaire)
        names |= {dimension.code: dimension.name for dimension in layout.dimensions}
    return names


def _dimension_changes(
    previous: AlignmentResult, current: AlignmentResult, names: dict[str, str] | None = None
):
    names = names or {}
    before = {row["code"]: row for row in previous.dimensions}
    after = {row["code"]: row for row in current.dimensions}
    changes = []
    for code in sorted(before.keys() | after.keys(), key=_natural):
        old, new = before.get(code), after.get(code)
        old_index = old["alignment_index"] if old else None
        new_index = new["alignment_index"] if new else None
        delta = _delta(old_index, new_index)
        note = (
            ""
            if old and new
            else gettext("only in this round")
            if new
            else gettext("only in the previous round")
        )
        changes.append(
            DimensionChange(
                code=code,
                name=names.get(code, (new or old)["name"]),
                previous=fixed(old_index) if old else "\u2013",
                current=fixed(new_index) if new else "\u2013",
                delta="" if delta is None else fixed(delta, signed=True),
                direction=_direction(delta),
                note=note,
            )
        )
    return changes


def _severity(row: dict) -> str:
    return str(words.SEVERITY_WORDS[words.severity_key(row["severity"], row["knowledge_gap"])])


def _item_changes(previous, current, texts: dict[str, str], shared: set[str]):
    before = {row["code"]: row for row in previous.items}
    after = {row["code"]: row for row in current.items}
    changes = []
    for code in sorted(shared, key=_natural):
        old, new = before[code], after[code]
        if old["abs_gap"] is None or new["abs_gap"] is None:
            direction = "none"
        else:
            direction = (
                "narrower"
                if new["abs_gap"] < old["abs_gap"]
                else "wider"
                if new["abs_gap"] > old["abs_gap"]
                else "same"
            )
        changes.append(
            ItemChange(
                code=code,
                text=texts.get(code, ""),
                previous_gap=str(words.NOT_APPLICABLE)
                if old["gap"] is None
                else fixed(old["gap"], signed=True),
                current_gap=str(words.NOT_APPLICABLE)
                if new["gap"] is None
                else fixed(new["gap"], signed=True),
                previous_severity=_severity(old),
                current_severity=_severity(new),
                direction=direction,
            )
        )
    return changes


def _texts(previous: Assessment, current: Assessment) -> dict[str, str]:
    """Item wording by code; the current round's words win where both have the item. The
    banks' layouts are read once per process (assessments.selectors.questionnaire_layout)."""
    texts: dict[str, str] = {}
    for assessment in (previous, current):
        for question in questionnaire_layout(assessment.questionnaire).questions:
            texts[question.code] = question.ceo_text
    return texts


@dataclass(frozen=True)
class _Figures:
    """A result's figures as compare_rounds reads them (a stored result, or one scored
    again on the items two banks share)."""

    assessment: Assessment
    overall: dict
    dimensions: list
    items: list


def _same_wording(previous: Assessment, current: Assessment) -> set[str]:
    """The item codes two banks share: the same code worded the same for both executives."""
    words = [
        {q.code: (q.ceo_text, q.ciso_text) for q in questionnaire_layout(a.questionnaire).questions}
        for a in (previous, current)
    ]
    return {code for code, wording in words[0].items() if words[1].get(code) == wording}


def _rescored(result: AlignmentResult, shared: set[str]) -> _Figures:
    """The result scored again on the shared items alone, from its own stored answers."""
    rows = [row for row in result.items if row["code"] in shared]
    used = {row["dimension"] for row in rows}
    dimensions = [
        scoring.DimensionSpec(d["code"], d["name"]) for d in result.dimensions if d["code"] in used
    ]
    items = [scoring.ItemSpec(row["code"], row["dimension"], row["reverse"]) for row in rows]

    def answers(side: str) -> dict:
        return {
            row["code"]: scoring.DONT_KNOW if row[f"{side}_dont_know"] else row[side]
            for row in rows
        }

    data = scoring.score(dimensions, items, answers("ceo"), answers("ciso"))
    return _Figures(result.assessment, data["overall"], data["dimensions"], data["items"])


def _shared_note(previous: Assessment, current: Assessment, count: int) -> str:
    return ngettext(
        "These rounds used different question banks (%(previous)s and %(current)s): every "
        "figure here compares only the %(count)d item they share.",
        "These rounds used different question banks (%(previous)s and %(current)s): every "
        "figure here compares only the %(count)d items they share.",
        count,
    ) % {
        "previous": previous.questionnaire.title,
        "current": current.questionnaire.title,
        "count": count,
    }


def _label(assessment: Assessment) -> str:
    # The round's month in the active language's own order ("December 2026", "2026年12月").
    return gettext("%(title)s (%(month)s)") % {
        "title": assessment.title,
        "month": date_format(assessment.created_at, "YEAR_MONTH_FORMAT"),
    }


def compare_rounds(
    previous: AlignmentResult, current: AlignmentResult, *, texts: dict[str, str] | None = None
) -> Comparison:
    """What changed between two scored rounds; `texts` (item wording by code) is read in one
    query when not given. `previous.assessment` and `current.assessment` should be loaded."""
    before, after = previous.assessment, current.assessment
    texts = _texts(before, after) if texts is None else texts
    shared_only = before.questionnaire.slug != after.questionnaire.slug
    codes = ({row["code"] for row in previous.items}, {row["code"] for row in current.items})
    if shared_only:
        shared = _same_wording(before, after)
        previous, current = _rescored(previous, shared), _rescored(current, shared)
    else:
        shared = codes[0] & codes[1]
    old_index = previous.overall["alignment_index"]
    new_index = current.overall["alignment_index"]
    delta = _delta(old_index, new_index)
    items = _item_changes(previous, current, texts, shared)
    # On another bank the same code may be worded otherwise: its own words, not this round's.
    before_texts = _texts(before, before) if shared_only else texts
    only_previous = [
        (code, before_texts.get(code, "")) for code in sorted(codes[0] - shared, key=_natural)
    ]
    only_current = [(code, texts.get(code, "")) for code in sorted(codes[1] - shared, key=_natural)]
    dimensions = _dimension_changes(previous, current, _dimension_names(before, after))
    names = {change.code: change.name for change in dimensions}
    svg = charts.trend_chart(
        {row["code"]: row["alignment_index"] for row in previous.dimensions},
        {row["code"]: row["alignment_index"] for row in current.dimensions},
        names=names,
        previous_label=_label(before),
        current_label=_label(after),
    )
    return Comparison(
        previous=before,
        current=after,
        previous_index=fixed(old_index),
        current_index=fixed(new_index),
        previous_band=band_label(previous.overall["band"]),
        current_band=band_label(current.overall["band"]),
        delta="" if delta is None else fixed(delta, signed=True),
        direction=_direction(delta),
        dimensions=dimensions,
        items=items,
        only_previous=only_previous,
        only_current=only_current,
        # alignment.charts escapes every label it draws.
        trend_svg=mark_safe(svg),  # nosec B308 B703
        shared_only=shared_only,
        shared_note=_shared_note(before, after, len(shared)) if shared_only else "",
    )


def round_comparison(assessment: Assessment, result: AlignmentResult | None) -> Comparison | None:
    """This round against the previous scored one (two or three queries), or None when there
    is no previous scored round or this one is not scored."""
    if result is None:
        return None
    previous = previous_result(assessment)
    if previous is None:
        return None
    result.assessment = assessment
    return compare_rounds(previous, result)
