"""The one definition of each meaning a scored round is shown with: an answer in words,
severity words and glyphs, band and direction words, display rounding.

Every reader — the results page, the gap map, the workshop, the PDF, the spreadsheets — gets
these through the read model (`alignment.presentation.model`), never writes its own. Stored
figures keep full precision; only display rounds. Plain Python: the charts use it too.

Every word here is marked for translation: the constants are lazy (`gettext_lazy`, resolved in
the language active when shown; they hash and compare as their text, so they work as dict
keys), the functions return plain strings in the active language. Keys ("aligned",
"blind_spot"…) stay English codes: JSON exports and the API carry codes, never these words.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from alignment import scoring

MINUS = "\u2212"
NOT_APPLICABLE = _("n/a")
ROLE_LABELS = {"ceo": _("CEO"), "ciso": _("CISO")}


def fixed(value: float | None, decimals: int = 0, *, signed: bool = False) -> str:
    """`value` rounded half up for display ("n/a" when undefined), with a real minus sign and
    the active language's decimal separator ("0.45", "0,45" in German). For people only:
    exports and the API carry the numbers themselves."""
    if value is None:
        return str(NOT_APPLICABLE)
    quantum = Decimal(1).scaleb(-decimals)
    rounded = Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP)
    text = formats.number_format(abs(rounded), decimal_pos=decimals)
    if rounded < 0:
        return MINUS + text
    return "+" + text if signed and rounded else text


def percent(fraction: float | None) -> str:
    """A share (0..1) as a whole percentage: "63%", or "n/a"."""
    if fraction is None:
        return str(NOT_APPLICABLE)
    return gettext("%(percent)s%%") % {"percent": fixed(100 * fraction)}


# --- Answers ----------------------------------------------------------------------------

DONT_KNOW_WORDS = _("Don’t know")
NOT_ANSWERED_WORDS = _("Not answered")


def answer_words(question, value: int | None, dont_know: bool) -> str:
    """An answer as the respondent saw it: "4 – Agree", "Don’t know" or "Not answered"."""
    if dont_know:
        return str(DONT_KNOW_WORDS)
    if value is None:
        return str(NOT_ANSWERED_WORDS)
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
# The engine's four severity keys (scoring.SEVERITIES), and the two the read model adds, in
# the reader's language: the one place severities are worded.
SEVERITY_WORDS = {
    "aligned": _("Aligned"),
    "minor": _("Minor gap"),
    "material": _("Material gap"),
    "critical": _("Critical gap"),
    "unknown": _("Knowledge gap"),
    "none": _("Not compared"),
}
# How the charts' legends explain each key.
SEVERITY_LEGEND = {
    "aligned": _("aligned (same answer)"),
    "minor": _("minor (1 point apart)"),
    "material": _("material (2 points apart)"),
    "critical": _("critical (3+ points apart)"),
    "unknown": _("knowledge gap (don't know)"),
    "none": _("not answered"),
}
# A severity in the middle of a sentence (the charts' text for screen readers).
SEVERITY_SHORT = {
    "aligned": _("aligned"),
    "minor": _("minor"),
    "material": _("material"),
    "critical": _("critical"),
    "unknown": _("knowledge gap"),
    "none": _("not answered"),
}
KNOWLEDGE_GAP_WORDS = {
    "ceo": _("The CEO does not know"),
    "ciso": _("The CISO does not know"),
    "both": _("Neither knows"),
}


def severity_key(severity: str | None, knowledge_gap: str | None) -> str:
    if severity:
        return severity
    return "unknown" if knowledge_gap else "none"


def points_apart(abs_gap: int) -> str:
    return ngettext("%(count)d point apart", "%(count)d points apart", abs_gap) % {"count": abs_gap}


def severity_detail(abs_gap: int | None, knowledge_gap: str | None) -> str:
    """The line under a severity badge: "same answer", "2 points apart", "CISO answered
    don't know", "both answered don't know" or "not answered"."""
    if abs_gap is not None:
        return gettext("same answer") if abs_gap == 0 else points_apart(abs_gap)
    if knowledge_gap == "both":
        return gettext("both answered don't know")
    if knowledge_gap:
        return gettext("%(role)s answered don't know") % {"role": ROLE_LABELS[knowledge_gap]}
    return gettext("not answered")


# --- Bands and directions ---------------------------------------------------------------

NO_INDEX_WORDS = _("No index")
# The engine's band and direction keys (scoring.BANDS, scoring.DIRECTIONS) in the reader's
# language: the one place they are worded.
BAND_WORDS = {
    "strongly_aligned": _("Strongly aligned"),
    "broadly_aligned": _("Broadly aligned"),
    "partially_aligned": _("Partially aligned"),
    "misaligned": _("Misaligned"),
}
# A band in the middle of a sentence or a chart's legend ("85–100 strongly aligned").
BAND_WORDS_LOWER = {
    "strongly_aligned": _("strongly aligned"),
    "broadly_aligned": _("broadly aligned"),
    "partially_aligned": _("partially aligned"),
    "misaligned": _("misaligned"),
}
BAND_MEANINGS = {
    "strongly_aligned": _("they see generative AI in much the same way"),
    "broadly_aligned": _("they agree on most things, with a few differences worth discussing"),
    "partially_aligned": _("they agree on some things but differ on several that matter"),
    "misaligned": _("they see generative AI in materially different ways"),
}
DIRECTION_WORDS = {
    "ceo_more_optimistic": _("CEO more optimistic"),
    "ciso_more_optimistic": _("CISO more optimistic"),
    "balanced": _("Balanced"),
}
DIRECTION_SENTENCES = {
    "ceo_more_optimistic": _("The CEO is more optimistic"),
    "ciso_more_optimistic": _("The CISO is more optimistic"),
    "balanced": _("Neither is consistently more optimistic"),
}
NO_DIRECTION_WORDS = _("No paired answers")


def band_label(band: str | None) -> str:
    return str(BAND_WORDS.get(band or "", NO_INDEX_WORDS))


def band_phrase(band: str | None) -> str:
    """A band in the middle of a sentence ("broadly aligned"): its own translation, never a
    lower-cased label (German capitalises its nouns)."""
    return str(BAND_WORDS_LOWER.get(band or "", NO_INDEX_WORDS))


def lower_first(text: str) -> str:
    """A label put in the middle of a sentence: its first letter lower-cased, the rest as
    written ("Blinder Fleck" -> "blinder Fleck", "Material gap" -> "material gap")."""
    return text[:1].lower() + text[1:]


def direction_label(direction: str | None) -> str:
    return str(DIRECTION_WORDS.get(direction or "", NO_DIRECTION_WORDS))


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
    floors = sorted(floor for floor, _key in scoring.BAND_FLOORS)
    return gettext("%(first)s and %(last)s") % {
        "first": ", ".join(str(f) for f in floors[:-1]),
        "last": floors[-1],
    }


# --- Perception (scoring version 2) -----------------------------------------------------

CANT_SAY_WORDS = _("Can’t say")
# The four ways one executive can read an item, and what each means, for every reader.
VIEW_WORDS = {
    "blind_spot": _("Blind spot"),
    "imagined_gap": _("Imagined gap"),
    "seen_gap": _("Seen gap"),
    "seen_agreement": _("Seen agreement"),
}
VIEW_MEANINGS = {
    "blind_spot": _("a material gap they did not expect"),
    "imagined_gap": _("a gap they expected where there is none"),
    "seen_gap": _("a material gap they expected"),
    "seen_agreement": _("an agreement they expected"),
}
VIEW_GLYPHS = {
    "blind_spot": "\u25cf",
    "imagined_gap": "\u25cb",
    "seen_gap": "\u25a0",
    "seen_agreement": "\u25a1",
}
FELT_READING_WORDS = {
    "overestimates": _("feels more aligned than measured"),
    "underestimates": _("feels less aligned than measured"),
    "about_right": _("feels about as aligned as measured"),
}
NO_VIEW_WORDS = _("No reading (a don’t know, or can’t say)")


def prediction_words(question, value: int | None, cant_say: bool) -> str:
    """A prediction (or the felt answer) as the respondent chose it: "2 – Disagree",
    "Can’t say" or "Not answered"."""
    if cant_say:
        return str(CANT_SAY_WORDS)
    return answer_words(question, value, False)


def view_words(view: str | None) -> str:
    return str(VIEW_WORDS.get(view or "", NOT_APPLICABLE))


def view_sentence(role: str, view: str | None, gap: int | None, expected_gap: int | None) -> str:
    """What one side's reading of an item tells a workshop, e.g. "The CEO expects agreement
    here; the CISO answered 2 points apart."."""
    names = {"me": ROLE_LABELS[role], "other": ROLE_LABELS["ciso" if role == "ceo" else "ceo"]}
    if view is None or gap is None or expected_gap is None:
        return gettext("The %(me)s made no prediction that can be compared here.") % names
    names["apart"] = points_apart(abs(gap))
    if view == "blind_spot":
        return _blind_spot_sentence(gap, expected_gap) % names
    if view == "imagined_gap":
        names["expected"] = abs(expected_gap)
        if gap == 0:
            return (
                gettext(
                    "The %(me)s expects a gap of %(expected)s points here; they answered the same."
                )
                % names
            )
        return (
            gettext(
                "The %(me)s expects a gap of %(expected)s points here; "
                "they answered within a point of each other."
            )
            % names
        )
    if view == "seen_gap":
        if gap == 0:
            return gettext("The %(me)s expected this gap (the same).") % names
        return gettext("The %(me)s expected this gap (%(apart)s).") % names
    return gettext("The %(me)s expected this agreement.") % names


def _blind_spot_sentence(gap: int, expected_gap: int) -> str:
    """A blind spot's sentence, one whole sentence per case (translators see each whole)."""
    if expected_gap == 0:
        if gap == 0:
            return gettext("The %(me)s expects agreement here; the %(other)s answered the same.")
        return gettext("The %(me)s expects agreement here; the %(other)s answered %(apart)s.")
    if gap == 0:
        return gettext(
            "The %(me)s expects at most a point between them here; the %(other)s answered the same."
        )
    return gettext(
        "The %(me)s expects at most a point between them here; the %(other)s answered %(apart)s."
    )


def felt_reading_words(reading: str | None) -> str:
    return str(FELT_READING_WORDS.get(reading or "", NOT_APPLICABLE))


def bias_words(role: str, bias: float | None) -> str:
    """Which way a side misreads the other, from its mean signed error."""
    if bias is None:
        return str(NOT_APPLICABLE)
    names = {"other": ROLE_LABELS["ciso" if role == "ceo" else "ceo"]}
    names["error"] = fixed(bias, 1, signed=True)
    if abs(bias) < 0.5:
        return gettext("no consistent direction (mean error %(error)s)") % names
    if bias > 0:
        return (
            gettext(
                "expects the %(other)s to answer higher than they do (mean error %(error)s points)"
            )
            % names
        )
    return (
        gettext("expects the %(other)s to answer lower than they do (mean error %(error)s points)")
        % names
    )


# The 2x2 of one side's views: rows "is there a material gap?", columns "did they expect one?".
VIEW_GRID_COLUMNS = (_("Gap expected"), _("No gap expected"))
VIEW_GRID = (
    (_("Material gap"), ("seen_gap", "blind_spot")),
    (_("No material gap"), ("imagined_gap", "seen_agreement")),
)
