"""Rounding and words for the results and workshop pages; stored figures keep full precision."""

from decimal import ROUND_HALF_UP, Decimal

from alignment import scoring

MINUS = "\u2212"


def fixed(value: float | None, decimals: int = 0, *, signed: bool = False) -> str:
    """`value` rounded half up for display ("n/a" when undefined), with a real minus sign."""
    if value is None:
        return "n/a"
    quantum = Decimal(1).scaleb(-decimals)
    rounded = Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)
    text = f"{rounded:+}" if signed and rounded else str(rounded)
    return text.replace("-", MINUS)


def band_label(band: str | None) -> str:
    return scoring.BAND_LABELS.get(band or "", "No index")


def answer_words(question, value: int | None, dont_know: bool) -> str:
    """An answer as the respondent saw it: "4 – Agree", "Don’t know" or "Not answered"."""
    if dont_know:
        return "Don\u2019t know"
    if value is None:
        return "Not answered"
    anchor = question.anchor(value) if question is not None else ""
    return f"{value} \u2013 {anchor}" if anchor else str(value)


KNOWLEDGE_GAP_WORDS = {
    "ceo": "The CEO does not know",
    "ciso": "The CISO does not know",
    "both": "Neither knows",
}
SEVERITY_GLYPHS = {"aligned": "=", "minor": "~", "material": "!", "critical": "!!"}


def severity_words(row: dict) -> tuple[str, str, str]:
    """(key, glyph, words) of one item row of a result: never colour alone."""
    severity = row.get("severity")
    if severity:
        return severity, SEVERITY_GLYPHS[severity], scoring.SEVERITY_LABELS[severity]
    if row.get("knowledge_gap"):
        return "unknown", "?", "Knowledge gap"
    return "none", "\u2013", "Not compared"


def heatmap_svg(result):
    """The heatmap of a result's items by severity (reports.charts, which escapes every
    label it draws), ready to inline."""
    from django.utils.safestring import mark_safe

    from reports import charts

    names = {row["code"]: row["name"] for row in result.dimensions}
    return mark_safe(charts.severity_heatmap(result.items, dimension_names=names))  # nosec B308 B703
