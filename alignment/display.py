"""A stored result as the results pages show it: figures rounded for display (half up, like
the charts), words for the codes, both answers as their anchor labels.

Rounding and answer words are alignment.workshop.display's (fixed, answer_words), shared
with the workshop pages; the stored result keeps full precision.
"""

from dataclasses import dataclass, field

from django.utils.safestring import SafeString, mark_safe

from assessments.models import Question
from reports import charts

from . import scoring
from .models import AlignmentResult
from .workshop.display import KNOWLEDGE_GAP_WORDS, answer_words, fixed


def _percent(fraction: float | None) -> str:
    return "n/a" if fraction is None else fixed(100 * fraction, 0) + "%"


@dataclass(frozen=True)
class ItemRow:
    code: str
    text: str
    ceo_answer: str
    ciso_answer: str
    gap: str
    severity: str | None  # aligned | minor | material | critical, None when not paired
    severity_label: str
    knowledge_gap: str


@dataclass
class DimensionRow:
    code: str
    name: str
    index: str
    has_index: bool
    mean_abs_gap: str
    mean_signed_gap: str
    optimism_gap: str
    direction: str | None
    direction_label: str
    ceo_mean: str
    ciso_mean: str
    paired_items: int
    knowledge_gaps: int
    items: list[ItemRow] = field(default_factory=list)


@dataclass
class ResultsPage:
    result: AlignmentResult
    index: str
    band: str | None
    band_label: str
    pct_exact: str
    pct_within_1: str
    severity_counts: list[tuple[str, str, int]]  # (severity, label, count)
    knowledge_gaps: int
    paired_items: int
    kappa: str | None  # None: undefined, not shown
    ac2: str | None
    dimensions: list[DimensionRow]
    radar_svg: SafeString
    bars_svg: SafeString


def _item(row: dict, question: Question | None) -> ItemRow:
    severity = row["severity"]
    return ItemRow(
        code=row["code"],
        text=question.ceo_text if question is not None else "",
        ceo_answer=answer_words(question, row["ceo"], row["ceo_dont_know"]),
        ciso_answer=answer_words(question, row["ciso"], row["ciso_dont_know"]),
        gap="n/a" if row["gap"] is None else fixed(row["gap"], 0, signed=True),
        severity=severity,
        severity_label=scoring.SEVERITY_LABELS[severity] if severity else "Not compared",
        knowledge_gap=KNOWLEDGE_GAP_WORDS.get(row["knowledge_gap"] or "", ""),
    )


def _dimension(row: dict) -> DimensionRow:
    direction = row["direction"]
    return DimensionRow(
        code=row["code"],
        name=row["name"],
        index=fixed(row["alignment_index"], 0),
        has_index=row["alignment_index"] is not None,
        mean_abs_gap=fixed(row["mean_abs_gap"], 2),
        mean_signed_gap=fixed(row["mean_signed_gap"], 2, signed=True),
        optimism_gap=fixed(row["optimism_gap"], 2, signed=True),
        direction=direction,
        direction_label=scoring.DIRECTION_LABELS.get(direction, "No paired answers"),
        ceo_mean=fixed(row["ceo_mean"], 1),
        ciso_mean=fixed(row["ciso_mean"], 1),
        paired_items=row["paired_items"],
        knowledge_gaps=row["knowledge_gaps"],
    )


def _svg(document: str) -> SafeString:
    """An SVG chart to inline. Safe: reports.charts escapes every piece of text that comes
    from data, and draws the rest itself."""
    return mark_safe(document)  # nosec B308 B703


def results_page(result: AlignmentResult, questions: dict[str, Question]) -> ResultsPage:
    """The page's figures; `questions` by code (for wording and anchor labels)."""
    overall = result.overall
    dimensions = {row["code"]: _dimension(row) for row in result.dimensions}
    for row in result.items:
        dimensions[row["dimension"]].items.append(_item(row, questions.get(row["code"])))
    band, band_label = overall["band"], scoring.BAND_LABELS.get(overall["band"], "No index")
    counts = overall["severity_counts"]
    kappa, ac2 = overall["kappa_quadratic"], overall["ac2_quadratic"]
    return ResultsPage(
        result=result,
        index=fixed(overall["alignment_index"], 0),
        band=band,
        band_label=band_label,
        pct_exact=_percent(overall["pct_exact"]),
        pct_within_1=_percent(overall["pct_within_1"]),
        # In scale order: jsonb (PostgreSQL) does not keep the stored key order.
        severity_counts=[(k, label, counts[k]) for k, label in scoring.SEVERITY_LABELS.items()],
        knowledge_gaps=overall["knowledge_gaps"],
        paired_items=overall["paired_items"],
        kappa=None if kappa is None else fixed(kappa, 2),
        ac2=None if ac2 is None else fixed(ac2, 2),
        dimensions=list(dimensions.values()),
        # The chart functions escape every label themselves (reports.charts).
        radar_svg=_svg(charts.radar_chart(result.dimensions)),
        bars_svg=_svg(charts.alignment_bar_chart(result.dimensions)),
    )
