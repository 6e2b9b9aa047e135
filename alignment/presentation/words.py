"""The one definition of each meaning a scored round is shown with: an answer in words,
severity words and glyphs, band and direction words, display rounding.

Every reader — the results page, the gap map, the workshop, the PDF, the spreadsheets — gets
these through the read model (`alignment.presentation.model`), never writes its own. Stored
figures keep full precision; only display rounds. Plain Python: the charts use it too.
"""

from decimal import ROUND_HALF_UP, Decimal

from alignment import scoring

MINUS = "\u2212"
NOT_APPLICABLE = "n/a"
ROLE_LABELS = {"ceo": "CEO", "ciso": "CISO"}


def fixed(value: float | None, decimals: int = 0, *, signed: bool = False) -> str:
    """`value` rounded half up for display ("n/a" when undefined), with a real minus sign."""
    if value is None:
        return NOT_APPLICABLE
    quantum = Decimal(1).scaleb(-decimals)
    rounded = Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)
    text = f"{rounded:+}" if signed and rounded else str(rounded)
    return text.replace("-", MINUS)


def percent(fraction: float | None) -> str:
    """A share (0..1) as a whole percentage: "63%", or "n/a"."""
    return NOT_APPLICABLE if fraction is None else fixed(100 * fraction) + "%"


# --- Answers ----------------------------------------------------------------------------

DONT_KNOW_WORDS = "Don\u2019t know"
NOT_ANSWERED_WORDS = "Not answered"


def answer_words(question, value: int | None, dont_know: bool) -> str:
    """An answer as the respondent saw it: "4 – Agree", "Don’t know" or "Not answered"."""
    if dont_know:
        return DONT_KNOW_WORDS
    if value is None:
        return NOT_ANSWERED_WORDS
    anchor = question.anchor(value) if question is not None else ""
    return f"{value} \u2013 {anchor}" if anchor else str(value)


# --- Severity of an item ----------------------------------------------------------------

# Keys beyond the engine's four: "unknown" (someone answered don't know), "none" (not compared).
SEVERITY_GLYPHS = {
    "aligned": "=",
    "minor": "~",
    "material": "!",
    "critical": "!!",
    "unknown": "?",
    "none": "\u2013",
}
SEVERITY_WORDS = {
    **scoring.SEVERITY_LABELS,
    "unknown": "Knowledge gap",
    "none": "Not compared",
}
# How the charts' legends explain each key.
SEVERITY_LEGEND = {
    "aligned": "aligned (same answer)",
    "minor": "minor (1 point apart)",
    "material": "material (2 points apart)",
    "critical": "critical (3+ points apart)",
    "unknown": "knowledge gap (don't know)",
    "none": "not answered",
}
KNOWLEDGE_GAP_WORDS = {
    "ceo": "The CEO does not know",
    "ciso": "The CISO does not know",
    "both": "Neither knows",
}


def severity_key(severity: str | None, knowledge_gap: str | None) -> str:
    if severity:
        return severity
    return "unknown" if knowledge_gap else "none"


def points_apart(abs_gap: int) -> str:
    return "1 point apart" if abs_gap == 1 else f"{abs_gap} points apart"


def severity_detail(abs_gap: int | None, knowledge_gap: str | None) -> str:
    """The line under a severity badge: "same answer", "2 points apart", "CISO answered
    don't know", "both answered don't know" or "not answered"."""
    if abs_gap is not None:
        return "same answer" if abs_gap == 0 else points_apart(abs_gap)
    if knowledge_gap == "both":
        return "both answered don't know"
    if knowledge_gap:
        return f"{ROLE_LABELS[knowledge_gap]} answered don't know"
    return "not answered"


# --- Bands and directions ---------------------------------------------------------------

NO_INDEX_WORDS = "No index"
BAND_MEANINGS = {
    "strongly_aligned": "they see generative AI in much the same way",
    "broadly_aligned": "they agree on most things, with a few differences worth discussing",
    "partially_aligned": "they agree on some things but differ on several that matter",
    "misaligned": "they see generative AI in materially different ways",
}
DIRECTION_SENTENCES = {
    "ceo_more_optimistic": "The CEO is more optimistic",
    "ciso_more_optimistic": "The CISO is more optimistic",
    "balanced": "Neither is consistently more optimistic",
}
NO_DIRECTION_WORDS = "No paired answers"


def band_label(band: str | None) -> str:
    return scoring.BAND_LABELS.get(band or "", NO_INDEX_WORDS)


def direction_label(direction: str | None) -> str:
    return scoring.DIRECTION_LABELS.get(direction or "", NO_DIRECTION_WORDS)


def band_ranges() -> list[tuple[int, int, str]]:
    """(lowest, highest, key) of each band, best first, from the engine's thresholds."""
    floors = [*scoring.BAND_FLOORS, (0, "misaligned")]
    ranges, top = [], 100
    for floor, key in floors:
        ranges.append((floor, top, key))
        top = floor - 1
    return ranges


def band_thresholds_words() -> str:
    """ "55, 70 and 85": the band thresholds, lowest first, for captions."""
    floors = sorted(floor for floor, _ in scoring.BAND_FLOORS)
    return ", ".join(str(f) for f in floors[:-1]) + f" and {floors[-1]}"


# --- Perception (scoring version 2) -----------------------------------------------------

CANT_SAY_WORDS = "Can\u2019t say"
# The four ways one executive can read an item, and what each means, for every reader.
VIEW_WORDS = {
    "blind_spot": "Blind spot",
    "imagined_gap": "Imagined gap",
    "seen_gap": "Seen gap",
    "seen_agreement": "Seen agreement",
}
VIEW_MEANINGS = {
    "blind_spot": "a material gap they did not expect",
    "imagined_gap": "a gap they expected where there is none",
    "seen_gap": "a material gap they expected",
    "seen_agreement": "an agreement they expected",
}
VIEW_GLYPHS = {
    "blind_spot": "\u25cf",
    "imagined_gap": "\u25cb",
    "seen_gap": "\u25a0",
    "seen_agreement": "\u25a1",
}
FELT_READING_WORDS = {
    "overestimates": "feels more aligned than measured",
    "underestimates": "feels less aligned than measured",
    "about_right": "feels about as aligned as measured",
}
NO_VIEW_WORDS = "No reading (a don\u2019t know, or can\u2019t say)"


def prediction_words(question, value: int | None, cant_say: bool) -> str:
    """A prediction (or the felt answer) as the respondent chose it: "2 – Disagree",
    "Can’t say" or "Not answered"."""
    if cant_say:
        return CANT_SAY_WORDS
    return answer_words(question, value, False)


def view_words(view: str | None) -> str:
    return VIEW_WORDS.get(view or "", NOT_APPLICABLE)


def view_sentence(role: str, view: str | None, gap: int | None, expected_gap: int | None) -> str:
    """What one side's reading of an item tells a workshop, e.g. "The CEO expects agreement
    here; the CISO answered 2 points apart."."""
    me, other = ROLE_LABELS[role], ROLE_LABELS["ciso" if role == "ceo" else "ceo"]
    if view is None or gap is None or expected_gap is None:
        return f"The {me} made no prediction that can be compared here."
    apart = "the same" if gap == 0 else points_apart(abs(gap))
    if view == "blind_spot":
        expects = "agreement" if expected_gap == 0 else "at most a point between them"
        return f"The {me} expects {expects} here; the {other} answered {apart}."
    if view == "imagined_gap":
        return (
            f"The {me} expects a gap of {abs(expected_gap)} points here; "
            f"they answered {apart if gap == 0 else 'within a point of each other'}."
        )
    if view == "seen_gap":
        return f"The {me} expected this gap ({apart})."
    return f"The {me} expected this agreement."


def felt_reading_words(reading: str | None) -> str:
    return FELT_READING_WORDS.get(reading or "", NOT_APPLICABLE)


def bias_words(role: str, bias: float | None) -> str:
    """Which way a side misreads the other, from its mean signed error."""
    other = ROLE_LABELS["ciso" if role == "ceo" else "ceo"]
    if bias is None:
        return NOT_APPLICABLE
    if abs(bias) < 0.5:
        return f"no consistent direction (mean error {fixed(bias, 1, signed=True)})"
    higher = "higher" if bias > 0 else "lower"
    return (
        f"expects the {other} to answer {higher} than they do "
        f"(mean error {fixed(bias, 1, signed=True)} points)"
    )


# The 2x2 of one side's views: rows "is there a material gap?", columns "did they expect one?".
VIEW_GRID_COLUMNS = ("Gap expected", "No gap expected")
VIEW_GRID = (
    ("Material gap", ("seen_gap", "blind_spot")),
    ("No material gap", ("imagined_gap", "seen_agreement")),
)
