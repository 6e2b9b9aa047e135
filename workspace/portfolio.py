"""The portfolio: how a consultant's client organisations compare, without naming any.

Each organisation counts once, with the overall index of its latest scored round. Nothing is
shown below MIN_ORGANISATIONS scored organisations, so that no single client can be singled
out from the distribution. A dimension counts as misaligned in an organisation when its index
is below 70 (partially aligned or misaligned, by the bands of the overall index).
"""

import html
import re
from dataclasses import dataclass, field

from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connection
from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    FloatField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Window,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, RowNumber
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from alignment import scoring
from alignment.models import AlignmentResult
from alignment.presentation.words import fixed
from assessments.models import Assessment, Dimension
from organizations.selectors import organizations_managed_by

from .perception_portfolio import PerceptionPortfolio, perception_aggregates, perception_portfolio

MIN_ORGANISATIONS = 5
PICKER_LIMIT = 50  # a select up to this many organisations; a search by name beyond
MISALIGNED_BELOW = 70
TOP_DIMENSIONS = 5


def _natural(code: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", code))


@dataclass(frozen=True)
class DimensionStat:
    code: str
    name: str
    misaligned: int
    organisations: int
    mean_index: str

    @property
    def share(self) -> str:
        return fixed(100 * self.misaligned / self.organisations) + "%"


@dataclass
class Portfolio:
    scored: int
    indices: list[float]
    highlight_index: float | None = None
    percentile: int | None = None
    below: int = 0
    dimensions: list[DimensionStat] = field(default_factory=list)
    histogram_svg: SafeString = SafeString("")
    perception: PerceptionPortfolio | None = None  # scoring version 2

    @property
    def enough(self) -> bool:
        return self.scored >= MIN_ORGANISATIONS

    @property
    def median(self) -> str:
        values = sorted(self.indices)
        n = len(values)
        if not n:
            return gettext("n/a")
        middle = values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2
        return fixed(middle)

    @property
    def highlight(self) -> str:
        return fixed(self.highlight_index)


def _latest_results(user) -> QuerySet[AlignmentResult]:
    """The result of each managed organisation's latest scored round, when it has an index.
    The newest scored round per organisation is picked by a window function over the
    (narrow) rounds; what the portfolio reads of its result (index, dimension indices,
    perception summary) is in the index `result_latest_figures`, never in `data`."""
    current = AlignmentResult.objects.filter(scoring_version=scoring.SCORING_VERSION)
    newest_first = Window(
        RowNumber(),
        partition_by=F("organization_id"),
        order_by=[F("created_at").desc(), F("pk").desc()],
    )
    latest_rounds = (
        Assessment.objects.filter(organization__in=organizations_managed_by(user))
        .filter(Exists(current.filter(assessment=OuterRef("pk"))))
        .annotate(rank=newest_first)
        .filter(rank=1)
        .order_by()
        .values("pk")
    )
    return current.filter(assessment__in=latest_rounds, alignment_index__isnull=False).order_by()


def _dimension_index(code: str) -> Cast:
    """One dimension's index in a result's `dimension_indices` (NULL when it has none).
    Dimension codes look like D1 (the question bank's rule), so they make a plain path."""
    return Cast(KT(f"dimension_indices__{code}"), FloatField())


def _figures(latest: QuerySet[AlignmentResult], codes, highlight) -> dict:
    """The portfolio's figures over the latest results, aggregated by the database in one
    row, so that no result's JSON is decoded in Python: per dimension code (n-th of
    `codes`) the organisations with an index, how many are below MISALIGNED_BELOW and the
    mean; the perception aggregates; the index of `highlight`'s latest result; and the
    overall indices themselves (the median, the percentile and the histogram need them:
    thousands of floats, cheap), as an array on PostgreSQL. SQLite has no exact array
    aggregate, so there they take a second query. Rows are counted by `assessment`, a
    column of the covering index (the primary key is not in it)."""
    values = {f"dimension_{n}": _dimension_index(code) for n, code in enumerate(codes)}
    aggregates = perception_aggregates()
    for alias in values:
        below = Q(**{f"{alias}__lt": MISALIGNED_BELOW})
        aggregates |= {
            f"{alias}_organisations": Count(alias),
            f"{alias}_misaligned": Count("assessment", filter=below),
            f"{alias}_mean": Avg(alias),
        }
    if highlight is not None:
        its_rounds = Assessment.objects.filter(organization=highlight).values("pk")
        aggregates["highlight"] = Max("alignment_index", filter=Q(assessment__in=its_rounds))
    as_array = connection.vendor == "postgresql"
    if as_array:
        aggregates["indices"] = ArrayAgg("alignment_index")
    # Each row's dimension indices are read from its JSON in a subquery, once, and the
    # aggregates read them from there. DISTINCT (a no-op: one row per assessment) is what
    # makes it a subquery that PostgreSQL keeps as such; otherwise it copies each
    # expression into the three aggregates that use it, reading the JSON three times.
    rows = latest.annotate(**values).values("assessment", *values).distinct()
    figures = rows.aggregate(**aggregates)
    if not as_array:
        figures["indices"] = list(latest.values_list("alignment_index", flat=True))
    figures["indices"] = figures["indices"] or []
    return figures


def _dimension_names() -> dict[str, str]:
    """{code: name} of every dimension: the newest questionnaire's name of each code
    (dimensions are matched by code). Every code a result holds is here: a bank with rounds
    cannot be deleted."""
    return dict(Dimension.objects.order_by("questionnaire_id").values_list("code", "name"))


def percentile_rank(value: float, values: list[float]) -> tuple[int, int]:
    """(percentile rank, how many others are lower): (lower + half of the equal) / n."""
    below = sum(1 for v in values if v < value)
    equal = sum(1 for v in values if v == value)
    return round(100 * (below + 0.5 * equal) / len(values)), below


def _dimension_stats(figures: dict, names: dict[str, str]) -> list[DimensionStat]:
    stats = [
        DimensionStat(
            code=code,
            name=name,
            misaligned=figures[f"dimension_{n}_misaligned"],
            organisations=figures[f"dimension_{n}_organisations"],
            mean_index=fixed(figures[f"dimension_{n}_mean"]),
        )
        for n, (code, name) in enumerate(names.items())
        if figures[f"dimension_{n}_organisations"]
    ]
    stats.sort(
        key=lambda s: (-s.misaligned / s.organisations, float(s.mean_index), _natural(s.code))
    )
    return stats[:TOP_DIMENSIONS]


def client_portfolio(user, *, highlight=None) -> Portfolio:
    """The distribution across the user's client organisations (and where `highlight`
    falls, when it is one of them and scored). Two queries, whatever the number of
    organisations and rounds (three on SQLite)."""
    names = _dimension_names()
    figures = _figures(_latest_results(user), names, highlight)
    indices = figures["indices"]
    portfolio = Portfolio(scored=len(indices), indices=indices)
    if not portfolio.enough:
        return portfolio
    if figures.get("highlight") is not None:
        portfolio.highlight_index = figures["highlight"]
        portfolio.percentile, portfolio.below = percentile_rank(portfolio.highlight_index, indices)
    portfolio.dimensions = _dimension_stats(figures, names)
    portfolio.histogram_svg = index_histogram(indices, highlight=portfolio.highlight_index)
    portfolio.perception = perception_portfolio(figures, minimum=MIN_ORGANISATIONS)
    return portfolio


@dataclass
class Picker:
    """How the page offers to place one organisation: a select of every managed
    organisation when there are at most PICKER_LIMIT, else a search by name whose first
    PICKER_LIMIT matches are listed (`more` when there are others)."""

    query: str
    matches: list[dict]
    search: bool
    more: bool


def portfolio_picker(user, *, query: str = "") -> Picker | None:
    """None when the user manages no organisation. One query (two with a search), at most
    PICKER_LIMIT + 1 rows each, whatever the number of organisations."""
    query = (query or "").strip()[:100]
    managed = organizations_managed_by(user).order_by("name", "pk")
    first = list(managed.values("slug", "name")[: PICKER_LIMIT + 1])
    if not first:
        return None
    search = len(first) > PICKER_LIMIT
    if not query:
        return Picker(query="", matches=[] if search else first, search=search, more=False)
    matches = list(managed.filter(name__icontains=query).values("slug", "name")[: PICKER_LIMIT + 1])
    return Picker(
        query=query, matches=matches[:PICKER_LIMIT], search=True, more=len(matches) > PICKER_LIMIT
    )


# --- The histogram ----------------------------------------------------------------------

_INK, _MUTED, _GRID = "#1a1a1a", "#595959", "#b3b3b3"
_BAR, _HIGHLIGHT = "#7fa898", "#1f4e79"


def _bins(indices: list[float]) -> list[int]:
    """Ten bins of 10 points (the last one holds 100)."""
    counts = [0] * 10
    for value in indices:
        counts[min(int(value // 10), 9)] += 1
    return counts


def _t(
    x: float, y: float, text: str, size: int = 11, anchor: str = "middle", weight: str = "normal"
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'font-weight="{weight}" fill="{_INK}">{html.escape(text)}</text>'
    )


def index_histogram(indices: list[float], *, highlight: float | None = None) -> SafeString:
    """An SVG histogram of overall indices in bins of 10 points, band thresholds dashed, and
    the highlighted organisation's index marked with a triangle and its value (never colour
    alone: its bin is also hatched). Text is escaped; numbers are fixed-format."""
    counts = _bins(indices)
    width, height, left, right, top, bottom = 640, 250, 24, 24, 44, 196
    scale_x = (width - left - right) / 100
    tallest = max(counts) or 1
    scale_y = (bottom - top) / tallest
    marked = None if highlight is None else min(int(highlight // 10), 9)
    parts = [
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
        '<defs><pattern id="portfolio-hatch" patternUnits="userSpaceOnUse" width="6" height="6" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{_BAR}"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{_HIGHLIGHT}" stroke-width="2"/></pattern></defs>',
    ]
    for threshold in (55, 70, 85):
        x = left + threshold * scale_x
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 8}" x2="{x:.1f}" y2="{bottom}" stroke="{_MUTED}" '
            'stroke-dasharray="3 3"/>'
        )
    for k, count in enumerate(counts):
        x = left + 10 * k * scale_x + 2
        h = count * scale_y
        fill = "url(#portfolio-hatch)" if k == marked else _BAR
        if count:
            parts.append(
                f'<rect x="{x:.1f}" y="{bottom - h:.1f}" width="{10 * scale_x - 4:.1f}" '
                f'height="{h:.1f}" fill="{fill}" stroke="#2e5e4e"/>'
            )
            label_x = x + 5 * scale_x - 2
            parts.append(
                f'<rect x="{label_x - 9:.1f}" y="{bottom - h - 18:.1f}" width="18" height="15" '
                'fill="#ffffff"/>'
            )
            parts.append(_t(label_x, bottom - h - 6, str(count), weight="bold"))
    parts.append(
        f'<line x1="{left}" y1="{bottom}" x2="{width - right}" y2="{bottom}" stroke="{_INK}"/>'
    )
    for tick in range(0, 101, 10):
        x = left + tick * scale_x
        parts.append(_t(x, bottom + 16, str(tick), size=10))
    parts.append(
        _t(left + 50 * scale_x, bottom + 34, gettext("Overall alignment index (0 to 100)"), 11)
    )
    if highlight is not None:
        x = left + highlight * scale_x
        parts.append(
            f'<line x1="{x:.1f}" y1="8" x2="{x:.1f}" y2="{bottom}" '
            f'stroke="{_HIGHLIGHT}" stroke-width="3"/>'
        )
        anchor = "start" if highlight < 50 else "end"
        nudge = 6 if highlight < 50 else -6
        label = gettext("This organisation: %(index)s") % {"index": fixed(highlight)}
        parts.append(_t(x + nudge, 18, label, 12, anchor=anchor, weight="bold"))
    desc = "; ".join(
        gettext("%(low)d to %(high)d: %(count)d")
        % {"low": 10 * k, "high": 10 * k + 9 if k < 9 else 100, "count": count}
        for k, count in enumerate(counts)
    )
    if highlight is not None:
        desc += ". " + gettext("This organisation: %(index)s.") % {"index": fixed(highlight)}
    title = gettext("Overall alignment index across client organisations")
    per_band = gettext("Organisations per band of 10 points: %(bands)s") % {"bands": desc}
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height + 16}" '
        f'width="{width}" height="{height + 16}" role="img" '
        'aria-labelledby="portfolio-title portfolio-desc" '
        "font-family=\"'DejaVu Sans', Arial, sans-serif\">"
        f'<title id="portfolio-title">{html.escape(title)}</title>'
        f'<desc id="portfolio-desc">{html.escape(per_band)}</desc>' + "".join(parts) + "</svg>"
    )
    # Every piece of text above is escaped; numbers are formatted here.
    return mark_safe(svg)  # nosec B308 B703
