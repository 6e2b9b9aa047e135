"""What the PDF report says: the template context built from a stored alignment result.

The scores are read from the stored result (``AlignmentResult.data``, the engine's output), never
recomputed; the answers are read only for their wording (anchor labels) and the comments. The
whole context costs seven queries (four, two for the workshop's agreed positions and
actions, one to look for a previous round) whatever the size of the question bank.

Everything here is plain data for the template. Text typed by users (organisation name, round
title, names, comments) is passed through as-is and escaped by the template's autoescaping.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from alignment import benchmarks, recommendations, scoring
from alignment.models import AlignmentResult
from assessments.models import Answer, Assessment, Question, Respondent

from . import charts

# The benchmark and recommendation files are written for the items and dimensions of the
# default question bank; another bank gets neither rather than figures tied to the wrong items.
ADVISED_BANKS = frozenset({"parley-genai"})
ROLES = ("ceo", "ciso")
ROLE_LABELS = {"ceo": "CEO", "ciso": "CISO"}
WIDEST_GAPS = 3
# Two rows whose comments total this much are still well under half a page tall.
KEEP_TOGETHER_MAX_COMMENT_CHARS = 1200

# severity -> (glyph printed in the badge, words)
SEVERITY_WORDS = {
    "aligned": ("=", "Aligned"),
    "minor": ("~", "Minor gap"),
    "material": ("!", "Material gap"),
    "critical": ("!!", "Critical gap"),
}
DIRECTION_WORDS = {
    "ceo_more_optimistic": "The CEO is more optimistic",
    "ciso_more_optimistic": "The CISO is more optimistic",
    "balanced": "Neither is consistently more optimistic",
}
BAND_MEANINGS = {
    "strongly_aligned": "they see generative AI in much the same way",
    "broadly_aligned": "they agree on most things, with a few differences worth discussing",
    "partially_aligned": "they agree on some things but differ on several that matter",
    "misaligned": "they see generative AI in materially different ways",
}


@dataclass(frozen=True)
class _Answer:
    value: int | None
    dont_know: bool
    comment: str


def _points(gap: int) -> str:
    return "1 point apart" if gap == 1 else f"{gap} points apart"


def answer_words(question: Question, answer: _Answer | None) -> str:
    """An answer as the respondent saw it: the anchor label and its number."""
    if answer is None or (answer.value is None and not answer.dont_know):
        return "Not answered"
    if answer.dont_know:
        return "Don't know"
    # A no-break space keeps the number with the last word of the label.
    return f"{question.anchor(answer.value)}\u00a0({answer.value})"


def _severity(row: Mapping) -> dict:
    """The gap of one item in words, with the glyph its badge prints (never colour alone)."""
    if row["severity"] is not None:
        glyph, words = SEVERITY_WORDS[row["severity"]]
        detail = "same answer" if row["abs_gap"] == 0 else _points(row["abs_gap"])
        return {"key": row["severity"], "glyph": glyph, "words": words, "detail": detail}
    side = row["knowledge_gap"]
    if side:
        who = "both answered" if side == "both" else f"{ROLE_LABELS[side]} answered"
        return {
            "key": "unknown",
            "glyph": "?",
            "words": "Knowledge gap",
            "detail": f"{who} don't know",
        }
    return {"key": "none", "glyph": "–", "words": "Not compared", "detail": "not answered"}


def _load(result: AlignmentResult) -> tuple[Assessment, list[Question], dict, dict]:
    """The assessment, its questions and answers, and its respondents: four queries."""
    assessment = Assessment.objects.select_related(
        "organization", "questionnaire", "created_by"
    ).get(pk=result.assessment_id)
    questions = list(
        Question.objects.filter(questionnaire_id=assessment.questionnaire_id)
        .select_related("dimension")
        .order_by("order")
    )
    answers: dict[str, dict[int, _Answer]] = {role: {} for role in ROLES}
    rows = Answer.objects.filter(respondent__assessment=assessment).values_list(
        "respondent__role", "question_id", "value", "dont_know", "comment"
    )
    for role, question_id, value, dont_know, comment in rows:
        answers[role][question_id] = _Answer(value, dont_know, comment.strip())
    respondents = {r.role: r for r in Respondent.objects.filter(assessment=assessment)}
    return assessment, questions, answers, respondents


def _item(question: Question, row: Mapping, answers: Mapping) -> dict:
    ceo, ciso = answers["ceo"].get(question.pk), answers["ciso"].get(question.pk)
    return {
        "code": question.code,
        "ceo_text": question.ceo_text,
        "ciso_text": question.ciso_text,
        "same_wording": question.ciso_text.strip() == question.ceo_text.strip(),
        "reverse": question.reverse,
        "references": question.references,
        "ceo_answer": answer_words(question, ceo),
        "ciso_answer": answer_words(question, ciso),
        "ceo_comment": ceo.comment if ceo else "",
        "ciso_comment": ciso.comment if ciso else "",
        "severity": _severity(row),
        "abs_gap": row["abs_gap"],
        "knowledge_gap": row["knowledge_gap"],
        "dimension": row["dimension"],
        "dimension_name": question.dimension.name,
        "order": question.order,
    }


def _keep_last_rows_together(items: list[dict]) -> None:
    """Flag the last item of a dimension to stay on the page of the one before it, so a table
    never ends with a lone row on a new page. Only for short rows: asking WeasyPrint to keep
    rows taller than a page together leaves it no place to break."""
    comments = sum(len(item["ceo_comment"]) + len(item["ciso_comment"]) for item in items[-2:])
    if len(items) >= 2 and comments <= KEEP_TOGETHER_MAX_COMMENT_CHARS:
        items[-1]["keep_with_previous"] = True


def _dimension(row: Mapping, question: Question, items: list[dict]) -> dict:
    band = scoring.band(row["alignment_index"])
    _keep_last_rows_together(items)
    return {
        "code": row["code"],
        "name": row["name"],
        "description": question.dimension.description,
        "index": charts.fmt_index(row["alignment_index"]),
        "has_index": row["alignment_index"] is not None,
        "band": scoring.BAND_LABELS[band].lower() if band else "",
        "direction": row["direction"],
        "direction_words": DIRECTION_WORDS.get(row["direction"], ""),
        "ceo_mean": charts.fmt_mean(row["ceo_mean"]),
        "ciso_mean": charts.fmt_mean(row["ciso_mean"]),
        "paired_items": row["paired_items"],
        "knowledge_gaps": row["knowledge_gaps"],
        "items": items,
        "commented": sum(1 for item in items if item["ceo_comment"] or item["ciso_comment"]),
    }


def _widest_gaps(items: Sequence[dict]) -> tuple[list[dict], int]:
    """The widest gaps in questionnaire order at equal width, and how many tie with the last."""
    paired = [item for item in items if item["abs_gap"]]
    paired.sort(key=lambda item: (-item["abs_gap"], item["order"]))
    shown = paired[:WIDEST_GAPS]
    if not shown:
        return [], 0
    also = sum(1 for item in paired[WIDEST_GAPS:] if item["abs_gap"] == shown[-1]["abs_gap"])
    return shown, also


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value:g}%"


def _placement_words(placement: Mapping) -> str:
    """Where one executive's answer falls against a survey figure, in words."""
    percent = placement["survey_percent"]
    if placement["in_share"] is True:
        return f"Among the {_percent(percent)}"
    if placement["in_share"] is False:
        return f"Among the other {_percent(100 - percent)}" if percent is not None else "Outside"
    if placement["status"] == "dont_know":
        return "Not placed: answered don't know"
    return "Not placed: not answered"


def _wording_compared(item: Mapping | None, placements: Sequence[Mapping]) -> str:
    """The item as the executive compared with the figure was asked it (the CEO's wording
    when both are compared)."""
    if item is None:
        return ""
    roles = [p["role"] for p in placements]
    return item["ciso_text"] if roles == ["ciso"] else item["ceo_text"]


def _benchmarks(items_by_code: Mapping[str, dict], answers_by_code: Mapping) -> list[dict]:
    """Each published figure, and on which side of it each executive's answer falls."""
    placed = benchmarks.place_respondents(None, answers_by_code["ceo"], answers_by_code["ciso"])
    rows = []
    for figure in placed:
        item = items_by_code.get(figure["item"])
        by_role = {
            p["role"]: {
                "answer": item[f"{p['role']}_answer"] if item else "Not answered",
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


def _answers_by_code(questions: Sequence[Question], answers: Mapping) -> dict:
    out = {role: {} for role in ROLES}
    for role in ROLES:
        for question in questions:
            answer = answers[role].get(question.pk)
            if answer is None:
                continue
            out[role][question.code] = "dk" if answer.dont_know else answer.value
    return out


def _recommendations(dimension_rows: Sequence[Mapping]) -> list[dict]:
    known = recommendations.load_recommendations().dimensions
    found = recommendations.recommend([row for row in dimension_rows if row["code"] in known])
    for rec in found:
        rec["direction_words"] = scoring.DIRECTION_LABELS.get(rec["direction"] or "", "")
        rec["index"] = charts.fmt_index(rec["alignment_index"])
    return found


def _agreed_actions(assessment: Assessment) -> list:
    """What the executives agreed in the workshop, for the "Agreed actions" section: per
    dimension (questionnaire order) its agreed position (the consensus answer, with the notes)
    and then its action items, each with "dimension", "description", "owner" (role label),
    "due" (a date or None) and "status" (words). [] without a workshop: the section is left
    out. Two queries (alignment.workshop.selectors.report_agreements)."""
    from alignment.workshop.selectors import report_agreements

    return report_agreements(assessment)


def _overall(result: AlignmentResult) -> dict:
    overall = result.overall
    band = overall["band"]
    pct = {
        key: None if overall[key] is None else round(100 * overall[key])
        for key in ("pct_exact", "pct_within_1")
    }
    return {
        "index": charts.fmt_index(overall["alignment_index"]),
        "has_index": overall["alignment_index"] is not None,
        "band": scoring.BAND_LABELS[band] if band else "No index",
        "band_key": band or "none",
        "band_meaning": BAND_MEANINGS.get(band, ""),
        "pct_exact": pct["pct_exact"],
        "pct_within_1": pct["pct_within_1"],
        "paired_items": overall["paired_items"],
        "knowledge_gaps": overall["knowledge_gaps"],
        "severity_counts": overall["severity_counts"],
        "kappa": _coefficient(overall.get("kappa_quadratic")),
        "ac2": _coefficient(overall.get("ac2_quadratic")),
    }


def _coefficient(value: float | None) -> str | None:
    return None if value is None else f"{value:.2f}".replace("-", "−")


def _trend(assessment: Assessment, result: AlignmentResult):
    """The change since the organisation's previous scored round, or None (one query when
    there is none, three or four when there is)."""
    from alignment.workshop.rounds import round_comparison

    return round_comparison(assessment, result)


def report_context(result: AlignmentResult, *, generated_at: datetime | None = None) -> dict:
    """Everything the report template needs for one stored result."""
    assessment, questions, answers, respondents = _load(result)
    rows_by_code = {row["code"]: row for row in result.items}
    items = [_item(q, rows_by_code[q.code], answers) for q in questions if q.code in rows_by_code]
    items_by_code = {item["code"]: item for item in items}
    first_question = {}
    for question in questions:
        first_question.setdefault(question.dimension.code, question)
    dimensions = [
        _dimension(
            row, first_question[row["code"]], [i for i in items if i["dimension"] == row["code"]]
        )
        for row in result.dimensions
        if row["code"] in first_question
    ]
    widest, widest_also = _widest_gaps(items)
    by_direction = {
        key: [d for d in dimensions if d["direction"] == key]
        for key in ("ceo_more_optimistic", "ciso_more_optimistic", "balanced")
    }
    answers_by_code = _answers_by_code(questions, answers)
    advised = assessment.questionnaire.slug in ADVISED_BANKS
    return {
        "assessment": assessment,
        "organization": assessment.organization,
        "questionnaire": assessment.questionnaire,
        "respondents": {role: respondents.get(role) for role in ROLES},
        "result": result,
        "scoring_version": result.scoring_version,
        "generated_at": generated_at or timezone.now(),
        "overall": _overall(result),
        "dimensions": dimensions,
        "items": items,
        "widest_gaps": widest,
        "widest_also": widest_also,
        "ceo_more_optimistic": by_direction["ceo_more_optimistic"],
        "ciso_more_optimistic": by_direction["ciso_more_optimistic"],
        "balanced": by_direction["balanced"],
        "no_index": [d for d in dimensions if not d["has_index"]],
        "knowledge_gap_items": [item for item in items if item["knowledge_gap"]],
        "benchmarks": _benchmarks(items_by_code, answers_by_code) if advised else [],
        "recommendations": _recommendations(result.dimensions) if advised else [],
        "actions": _agreed_actions(assessment),
        "trend": _trend(assessment, result),
        "radar_svg": charts.radar_chart(result.dimensions, size=300),
        "bars_svg": charts.alignment_bar_chart(result.dimensions),
    }
