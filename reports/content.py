"""What the PDF report says: the template context built from the read model of a round
(alignment.presentation.model), which every other reader of a scored round formats too.

The scores are the stored result's (never recomputed); answers, words, severities and
comments come from the read model. Add the workshop's agreed positions and actions (two
queries) and the previous round for the trend.

Everything here is plain data for the template. Text typed by users (organisation name, round
title, names, comments) is passed through as-is and escaped by the template's autoescaping.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from alignment import benchmarks, recommendations
from alignment.models import AlignmentResult
from alignment.presentation import words
from alignment.presentation.agreements import report_agreements
from alignment.presentation.model import DimensionView, ItemView, RoundView, round_view
from alignment.presentation.trend import round_comparison
from assessments.models import Assessment

from .layout import dimensions_moved_whole
from .packs import RenderOptions

# The benchmark and recommendation files are written for the items and dimensions of the
# default question bank; another bank gets neither rather than figures tied to the wrong items.
ADVISED_BANKS = frozenset({"parley-genai"})
# A recommendation's priority (alignment.recommendations.PRIORITIES, English keys in the file)
# in the reader's language.
PRIORITY_WORDS = {
    "High": pgettext_lazy("recommendation priority", "High"),
    "Medium": pgettext_lazy("recommendation priority", "Medium"),
    "Low": pgettext_lazy("recommendation priority", "Low"),
}
# Who should lead a recommendation (the file's closed list of leads).
LEAD_WORDS = {
    "CEO": words.ROLE_LABELS["ceo"],
    "CISO": words.ROLE_LABELS["ciso"],
    "CEO and CISO": _("CEO and CISO"),
    "Board": pgettext_lazy("recommendation lead", "Board"),
    "CIO/CTO": pgettext_lazy("recommendation lead", "CIO/CTO"),
    "General Counsel": pgettext_lazy("recommendation lead", "General Counsel"),
}
ROLES = ("ceo", "ciso")
WIDEST_GAPS = 3
# The board brief lists the dimensions that moved most since the last round, no more.
BOARD_TREND_DIMENSIONS = 3
# A one-pager lists at most this many blind spots and knowledge gaps (a page is a page).
EXECUTIVE_LIST_MAX = 3
# The board brief and the one-pagers keep their page count whatever was typed: a comment is
# cut at this length (the full report has it whole) and the actions listed are capped.
BRIEF_COMMENT_CHARS = 300
BRIEF_ACTION_CHARS = 200
BOARD_ACTIONS_MAX = 10
EXECUTIVE_COMMENT_CHARS = 110
EXECUTIVE_ACTION_CHARS = 100
EXECUTIVE_ACTIONS_MAX = 3
# Two rows whose comments total this much are still well under half a page tall.
KEEP_TOGETHER_MAX_COMMENT_CHARS = 1200


def _comment_chars(item: ItemView) -> int:
    return len(item.ceo.comment) + len(item.ciso.comment)


def _kept_with_previous(dimensions: Sequence[DimensionView]) -> set[str]:
    """The codes of the last item of each dimension that should stay on the page of the one
    before it, so a table never ends with a lone row on a new page. Only for short rows:
    asking WeasyPrint to keep rows taller than a page together leaves it no place to break."""
    kept = set()
    for dimension in dimensions:
        items = dimension.items
        if len(items) >= 2 and sum(map(_comment_chars, items[-2:])) <= (
            KEEP_TOGETHER_MAX_COMMENT_CHARS
        ):
            kept.add(items[-1].code)
    return kept


def _widest_gaps(items: Sequence[ItemView]) -> tuple[list[ItemView], int]:
    """The widest gaps in questionnaire order at equal width, and how many tie with the last."""
    paired = sorted((i for i in items if i.abs_gap), key=lambda i: (-i.abs_gap, i.order))
    shown = paired[:WIDEST_GAPS]
    if not shown:
        return [], 0
    also = sum(1 for item in paired[WIDEST_GAPS:] if item.abs_gap == shown[-1].abs_gap)
    return shown, also


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value:g}%"


def _placement_words(placement: Mapping) -> str:
    """Where one executive's answer falls against a survey figure, in words."""
    percent = placement["survey_percent"]
    if placement["in_share"] is True:
        return gettext("Among the %(percent)s") % {"percent": _percent(percent)}
    if placement["in_share"] is False:
        if percent is None:
            return gettext("Outside")
        return gettext("Among the other %(percent)s") % {"percent": _percent(100 - percent)}
    if placement["status"] == "dont_know":
        return gettext("Not placed: answered don't know")
    return gettext("Not placed: not answered")


def _wording_compared(item: ItemView | None, placements: Sequence[Mapping]) -> str:
    """The item as the executive compared with the figure was asked it (the CEO's wording
    when both are compared)."""
    if item is None:
        return ""
    roles = [p["role"] for p in placements]
    return item.ciso_text if roles == ["ciso"] else item.ceo_text


def _benchmarks(view: RoundView) -> list[dict]:
    """Each published figure, and on which side of it each executive's answer falls."""
    answers = view.answers_by_code()
    placed = benchmarks.place_respondents(None, answers["ceo"], answers["ciso"])
    rows = []
    for figure in placed:
        item = view.items_by_code.get(figure["item"])
        by_role = {
            p["role"]: {
                "answer": item.side(p["role"]).words if item else words.NOT_ANSWERED_WORDS,
                "words": _placement_words(p),
                "in_share": p["in_share"],
            }
            for p in figure["placements"]
        }
        rows.append(
            {
                **figure,
                "item_text": _wording_compared(item, figure["placements"]),
                "unverified": "unverified" in figure["flags"],
                "population_differs": "population differs" in figure["flags"],
                "sides": [by_role.get(role) for role in ROLES],
            }
        )
    return rows


def _recommendations(view: RoundView) -> list[dict]:
    """The recommendations in the reader's language: the advice from the file's translation
    (alignment/data/recommendations.<lang>.json), its keys (priority, gap band, lead) worded by
    the catalog, the dimension's name from the bank."""
    known = recommendations.load_recommendations().dimensions
    names = view.dimension_names()
    rows = [row for row in view.result.dimensions if row["code"] in known]
    found = recommendations.recommend(rows)
    for rec in found:
        rec["direction_words"] = words.direction_label(rec["direction"]) if rec["direction"] else ""
        rec["index"] = words.fixed(rec["alignment_index"])
        rec["name"] = names.get(rec["code"], rec["name"])
        rec["priority_words"] = str(PRIORITY_WORDS.get(rec["priority"], rec["priority"]))
        rec["lead_words"] = str(LEAD_WORDS.get(rec["lead"], rec["lead"]))
        band = rec.get("band") or ""
        rec["band_words"] = str(words.SEVERITY_SHORT.get(band, band))
    return found


def _knowledge_gap_side(items: Sequence[ItemView]) -> str:
    """Who answered "don't know" across the knowledge gaps: "the CEO", "the CISO", or "one
    or both of them" when it differs from item to item."""
    sides = {item.knowledge_gap for item in items}
    if sides == {"ceo"}:
        return gettext("the CEO")
    if sides == {"ciso"}:
        return gettext("the CISO")
    if sides == {"both"}:
        return gettext("both of them")
    return gettext("one or both of them")


def _common(
    result: AlignmentResult, generated_at, options: RenderOptions
) -> tuple[dict, RoundView]:
    """What every pack shows: the round, the overall figures, the widest gaps, the perceived
    alignment, the workshop's outcome and the trend."""
    assessment = Assessment.objects.select_related(
        "organization", "questionnaire", "created_by"
    ).get(pk=result.assessment_id)
    view = round_view(assessment, result)
    widest, widest_also = _widest_gaps(view.items)
    return {
        "pack": options.pack,
        "include_comments": options.include_comments,
        "view": view,
        "assessment": assessment,
        "organization": assessment.organization,
        "questionnaire": assessment.questionnaire,
        "respondents": {role: view.respondents.get(role) for role in ROLES},
        "result": result,
        "scoring_version": result.scoring_version,
        "generated_at": generated_at or timezone.now(),
        "overall": view.overall,
        "dimensions": view.dimensions,
        "items": view.items,
        "widest_gaps": widest,
        "widest_also": widest_also,
        # What the executives agreed in the workshop, per dimension (questionnaire order):
        # its agreed position and then its actions; [] without a workshop (section left out).
        "actions": report_agreements(assessment),
        "trend": round_comparison(assessment, result),
        # Scoring version 2 on a bank with predictions (None otherwise: section left out).
        "perception": view.perception,
    }, view


def _full(ctx: dict, view: RoundView, result: AlignmentResult) -> dict:
    """The whole report: every item, the charts, benchmarks, recommendations, methodology."""
    dimensions = view.dimensions
    by_direction = {
        key: [d for d in dimensions if d.direction == key]
        for key in ("ceo_more_optimistic", "ciso_more_optimistic", "balanced")
    }
    knowledge_gap_items = [item for item in view.items if item.knowledge_gap]
    advised = ctx["questionnaire"].slug in ADVISED_BANKS
    return {
        # Without comments a row is short whatever was written: nothing to keep together.
        "keep_with_previous": _kept_with_previous(dimensions) if ctx["include_comments"] else set(),
        "moved_whole": dimensions_moved_whole(dimensions),
        "ceo_more_optimistic": by_direction["ceo_more_optimistic"],
        "ciso_more_optimistic": by_direction["ciso_more_optimistic"],
        "balanced": by_direction["balanced"],
        "no_index": [d for d in dimensions if not d.has_index],
        "knowledge_gap_items": knowledge_gap_items,
        "knowledge_gap_side": _knowledge_gap_side(knowledge_gap_items),
        "band_thresholds": words.band_thresholds_words(),
        "band_ranges": [
            (low, high, words.band_phrase(key)) for low, high, key in words.band_ranges()
        ],
        "benchmarks": _benchmarks(view) if advised else [],
        "recommendations": _recommendations(view) if advised else [],
        "radar_svg": view.radar_svg(size=300),
        "bars_svg": view.bars_svg(),
    }


def _board(ctx: dict, view: RoundView) -> dict:
    """The board brief: the agreed actions only (the positions stay in the full report), and
    the dimensions that moved most since the last round."""
    trend = ctx["trend"]
    moved = []
    if trend is not None:
        moved = sorted(
            (c for c in trend.dimensions if c.direction in ("up", "down")),
            key=lambda c: -abs(float(c.delta.replace(words.MINUS, "-"))),
        )[:BOARD_TREND_DIMENSIONS]
    actions = [row for row in ctx["actions"] if row["kind"] == "action"]
    return {
        "board_actions": actions[:BOARD_ACTIONS_MAX],
        "actions_more": max(0, len(actions) - BOARD_ACTIONS_MAX),
        "comment_limit": BRIEF_COMMENT_CHARS,
        "action_limit": BRIEF_ACTION_CHARS,
        "trend_moved": moved,
    }


def _position(dimension: DimensionView, role: str) -> dict:
    """One dimension as one executive reads it: their mean against the other's."""
    other = "ciso" if role == "ceo" else "ceo"
    return {
        "dimension": dimension,
        "mine": getattr(dimension, f"{role}_mean"),
        "theirs": getattr(dimension, f"{other}_mean"),
        # Who rates the organisation's position more favourably, from this reader's side.
        "leaning": {
            f"{role}_more_optimistic": "me",
            f"{other}_more_optimistic": "them",
        }.get(dimension.direction or "", "even"),
    }


def _wording(item: ItemView, role: str) -> str:
    """The item as this executive was asked it."""
    return item.ceo_text if role == "ceo" else item.ciso_text


def _executive(ctx: dict, view: RoundView, role: str) -> dict:
    """An executive's one-pager: their position against the other's, the items they did not
    see coming (blind spots) or did not know, and the actions they own."""
    other = "ciso" if role == "ceo" else "ceo"
    perception = view.perception
    blind_spots = []
    if perception is not None:
        blind_spots = [item for item, who in perception.blind_spots if who == role]
    mine = [
        row
        for row in ctx["actions"]
        if row["kind"] == "action" and row["owner_role"] in (role, "both")
    ]
    return {
        "role": role,
        "role_label": words.ROLE_LABELS[role],
        "other": other,
        "other_label": words.ROLE_LABELS[other],
        "me": ctx["respondents"][role],
        "positions": [_position(d, role) for d in view.dimensions],
        "gaps": [
            {
                "item": item,
                "text": _wording(item, role),
                "mine": item.side(role),
                "theirs": item.side(other),
            }
            for item in ctx["widest_gaps"]
        ],
        "blind_spots": [
            {"perceived": perceived, "text": _wording(perceived.item, role)}
            for perceived in blind_spots[:EXECUTIVE_LIST_MAX]
        ],
        "blind_spots_more": max(0, len(blind_spots) - EXECUTIVE_LIST_MAX),
        "own_knowledge_gaps": [
            {"item": item, "text": _wording(item, role)}
            for item in view.items
            if item.knowledge_gap in (role, "both")
        ][:EXECUTIVE_LIST_MAX],
        "my_actions": mine[:EXECUTIVE_ACTIONS_MAX],
        "actions_more": max(0, len(mine) - EXECUTIVE_ACTIONS_MAX),
        "comment_limit": EXECUTIVE_COMMENT_CHARS,
        "action_limit": EXECUTIVE_ACTION_CHARS,
    }


def report_context(
    result: AlignmentResult,
    *,
    generated_at: datetime | None = None,
    options: RenderOptions | None = None,
) -> dict:
    """Everything the template of the chosen pack needs for one stored result."""
    options = options or RenderOptions()
    ctx, view = _common(result, generated_at, options)
    if options.pack == "full":
        ctx |= _full(ctx, view, result)
    elif options.pack == "board":
        ctx |= _board(ctx, view)
    else:
        ctx |= _executive(ctx, view, options.pack)
    return ctx
