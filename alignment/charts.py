"""Hand-drawn SVG charts for the PDF report and the web results page.

Pure Python: no Django, no plotting library. Colours come from `alignment.presentation.palette`
and glyphs and legend words from `alignment.presentation.words`, the same the pages and the PDF
use. Each public function returns one standalone SVG
document as a string that

* parses as XML and carries ``xmlns``, a ``viewBox``, ``role="img"``, a ``<title>`` and a
  ``<desc>`` (a text summary of every value, for screen readers and PDF tagging), both referenced
  by ``aria-labelledby``;
* escapes every piece of text that comes from data (and drops characters XML cannot hold);
* prints every number with a fixed number of decimals, so the same input always gives
  byte-identical output;
* never gives colour alone a meaning: series differ by line style and marker shape, bands and
  severities by pattern or lightness plus printed text, and every chart has a text legend.

Element ids (title, desc, fill patterns) start with a short hash of the chart's content, so two
charts inlined in the same HTML page never clash and the output stays deterministic.

Displayed values are rounded half up (72.5 prints as "73"); callers pass full precision.

Missing values (None)
---------------------
* ``radar_chart``: a missing mean is *not* drawn at the centre, which would read as "lowest
  possible". The series' outline is broken at that spoke (no line crosses it, no area fill for
  that series) and the spoke's label prints "n/a" for that role, e.g. "CEO n/a · CISO 3.0".
* ``alignment_bar_chart``: no bar; the row reads "no paired answers".
* ``severity_heatmap``: an item with a knowledge gap shows "?" and which side did not know; an
  item with neither a severity nor a knowledge gap shows "–" ("not answered").
* ``trend_chart``: only the defined marker is drawn and the missing side prints "n/a".
"""

from __future__ import annotations

import hashlib
import html
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from django.utils.text import format_lazy
from django.utils.translation import gettext, ngettext, pgettext

from alignment import scoring
from alignment.presentation import palette, words

# Noto Sans CJK JP draws the Japanese labels (DejaVu Sans has none; left to fontconfig, a
# Chinese or Korean face could be picked).
FONT_FAMILY = "'DejaVu Sans', Arial, 'Noto Sans CJK JP', sans-serif"
CEO_COLOUR = palette.CEO
CISO_COLOUR = palette.CISO
INK = palette.INK
MUTED = palette.MUTED
GRID = palette.GRID
CHAR_WIDTH = 0.58  # average glyph width of DejaVu Sans as a fraction of the font size

BAND_THRESHOLDS = tuple(sorted(floor for floor, _ in scoring.BAND_FLOORS))
# (lower bound, key, label, fill, pattern stroke or None) from the best band down; the label
# is lazy, worded in the language active when a chart is drawn.
BANDS = tuple(
    (
        low,
        key,
        format_lazy("{}\u2013{} {}", low, high, words.BAND_WORDS_LOWER[key]),
        *palette.BAND[key],
    )
    for low, high, key in words.band_ranges()
)
BAR_OUTLINE = palette.BAR_OUTLINE


def _severity_style(key: str) -> tuple[str, str, str, str]:
    swatch = palette.SEVERITY[key]
    return (words.SEVERITY_GLYPHS[key], words.SEVERITY_LEGEND[key], swatch.fill, swatch.text)


# severity -> (glyph, label, fill, text colour)
SEVERITY_STYLES = {key: _severity_style(key) for key in scoring.SEVERITIES}
KNOWLEDGE_GAP_STYLE = _severity_style("unknown")
UNANSWERED_STYLE = _severity_style("none")

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# --------------------------------------------------------------------------- helper layer


def _esc(value: object) -> str:
    """Text or attribute value made safe for XML (escaped, invalid characters dropped)."""
    return html.escape(_INVALID_XML.sub("", str(value)), quote=True)


def _num(value: float) -> str:
    """A coordinate with one fixed decimal (never "-0.0")."""
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


def fmt_index(value: float | None) -> str:
    """An alignment index as printed on the charts: "72", or "n/a"."""
    return words.fixed(value)


def fmt_mean(value: float | None) -> str:
    """A 1..5 mean as printed on the charts: "4.2" ("4,2" in German), or "n/a"."""
    return words.fixed(value, 1)


def _attrs(attrs: Mapping[str, object]) -> str:
    parts = []
    for key, value in attrs.items():
        if value is None:
            continue
        name = key.rstrip("_").replace("_", "-")
        shown = _num(value) if isinstance(value, float) else value
        parts.append(f'{name}="{_esc(shown)}"')
    return " ".join(parts)


def _el(tag: str, **attrs: object) -> str:
    return f"<{tag} {_attrs(attrs)}/>"


def _text(x: float, y: float, content: object, *, size: float = 11, **attrs: object) -> str:
    attrs.setdefault("fill", INK)
    position = {"x": float(x), "y": float(y), "font_size": size}
    return f"<text {_attrs({**position, **attrs})}>{_esc(content)}</text>"


def _points(points: Iterable[tuple[float, float]]) -> str:
    return " ".join(f"{_num(x)},{_num(y)}" for x, y in points)


def _polygon(points: Iterable[tuple[float, float]], **attrs: object) -> str:
    return _el("polygon", points=_points(points), **attrs)


def _polyline(points: Iterable[tuple[float, float]], **attrs: object) -> str:
    return _el("polyline", points=_points(points), **attrs)


def _line(x1: float, y1: float, x2: float, y2: float, **attrs: object) -> str:
    return _el("line", x1=float(x1), y1=float(y1), x2=float(x2), y2=float(y2), **attrs)


def _rect(x: float, y: float, w: float, h: float, **attrs: object) -> str:
    return _el("rect", x=float(x), y=float(y), width=float(w), height=float(h), **attrs)


def _circle(x: float, y: float, r: float, **attrs: object) -> str:
    return _el("circle", cx=float(x), cy=float(y), r=float(r), **attrs)


def _square(x: float, y: float, half: float, **attrs: object) -> str:
    return _rect(x - half, y - half, 2 * half, 2 * half, **attrs)


def _uid(kind: str, *parts: object) -> str:
    digest = hashlib.sha256(repr((kind, parts)).encode()).hexdigest()[:8]
    return f"{kind}-{digest}"


def _document(
    uid: str, width: float, height: float, title: str, desc: str, body: Sequence[str]
) -> str:
    head = _attrs(
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "viewBox": f"0 0 {_num(width)} {_num(height)}",
            "width": float(width),
            "height": float(height),
            "role": "img",
            "aria_labelledby": f"{uid}-title {uid}-desc",
            "font_family": FONT_FAMILY,
        }
    )
    return "\n".join(
        [
            f"<svg {head}>",
            f'<title id="{uid}-title">{_esc(title)}</title>',
            f'<desc id="{uid}-desc">{_esc(desc)}</desc>',
            _rect(0, 0, width, height, fill=palette.WHITE),
            *body,
            "</svg>",
            "",
        ]
    )


# Characters that may not begin a line of Japanese (kinsoku): closing punctuation, the
# prolonged sound mark, small kana.
_NO_LINE_START = frozenset(
    "、。，．・：；？！ー）」』】〕ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"
)


def _cells(text: str) -> int:
    """How wide `text` is in Latin characters: a Japanese (wide) character counts two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pieces(word: str, width: int) -> list[str]:
    """A word of Japanese (written without spaces) cut into pieces a line wide, none starting
    with a character that may not begin a line; a Latin word is kept whole."""
    if _cells(word) <= width or _cells(word) == len(word):
        return [word]
    pieces = [""]
    for ch in word:
        if not pieces[-1] or _cells(pieces[-1] + ch) <= width:
            pieces[-1] += ch
            continue
        # Start a new line with `ch`, taking characters back from the full line until the new
        # one does not begin with a character that may not begin a line.
        line, carried = pieces[-1], ch
        while carried[0] in _NO_LINE_START and len(line) > 1:
            line, carried = line[:-1], line[-1] + carried
        pieces[-1:] = [line, carried]
    return pieces


def _wrap(text: str, width: int, max_lines: int) -> list[str]:
    """Greedy word wrap to `width` cells (Japanese between characters); the last line ends in
    "…" when the text does not fit."""
    lines: list[str] = []
    for word in (piece for part in text.split() for piece in _pieces(part, width)):
        if lines and _cells(lines[-1]) + 1 + _cells(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = _truncate(lines[-1] + " …", width)
    return [_truncate(line, width) for line in lines]


def _truncate(text: str, width: int) -> str:
    if _cells(text) <= width:
        return text
    while text and _cells(text) > width - 1:
        text = text[:-1]
    return text.rstrip() + "…"


def _fit(text: str, px: float, size: float) -> str:
    """``text`` cut with "…" so that it fits in about ``px`` user units at font ``size``."""
    return _truncate(text, max(int(px / (size * CHAR_WIDTH)), 4))


def _natural_key(code: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", str(code)))


def _check_range(value: float | None, low: float, high: float, what: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not low <= float(value) <= high:
        raise ValueError(f"{what}: {value!r} is outside {low}..{high}")
    return float(value)


def _series_legend(x: float, y: float, entries: Sequence[tuple[str, str]]) -> list[str]:
    """Legend rows: a sample mark (pre-rendered SVG drawn around (0, 0)) then a label."""
    out = []
    for i, (mark, label) in enumerate(entries):
        row_y = y + i * 18
        out.append(f'<g transform="translate({_num(x)},{_num(row_y)})">{mark}</g>')
        out.append(_text(x + 34, row_y + 4, label, size=11))
    return out


# --------------------------------------------------------------------------- radar chart

_SERIES = (
    # key, label, colour, dash, marker
    ("ceo_mean", words.ROLE_LABELS["ceo"], CEO_COLOUR, None, "circle"),
    ("ciso_mean", words.ROLE_LABELS["ciso"], CISO_COLOUR, "7 4", "square"),
)


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "circle":
        return _circle(x, y, 4.0, fill=colour, stroke=palette.WHITE, stroke_width=1.0)
    return _square(x, y, 4.0, fill=colour, stroke=palette.WHITE, stroke_width=1.0)


def _legend_mark(colour: str, dash: str | None, marker: str) -> str:
    line = _line(0, 0, 26, 0, stroke=colour, stroke_width=2.5, stroke_dasharray=dash)
    return line + _marker(marker, 13, 0, colour)


def _radar_values(dimensions: Sequence[Mapping]) -> list[dict]:
    rows = []
    for dim in dimensions:
        code = str(dim.get("code", ""))
        row = {"code": code, "name": str(dim.get("name", ""))}
        for key, label, *_ in _SERIES:
            row[key] = _check_range(dim.get(key), 1, 5, f"{code} {label} mean")
        rows.append(row)
    return rows


def _radar_desc(rows: Sequence[Mapping]) -> str:
    parts = [
        gettext("%(code)s %(name)s: CEO %(ceo)s, CISO %(ciso)s")
        % {
            "code": r["code"],
            "name": r["name"],
            "ceo": fmt_mean(r["ceo_mean"]),
            "ciso": fmt_mean(r["ciso_mean"]),
        }
        for r in rows
    ]
    return gettext(
        "Average answers of the CEO and the CISO per dimension on a scale of 1 (low) to 5 "
        "(high); n/a means no answer to compare. %(values)s."
    ) % {"values": "; ".join(parts)}


class _Radar:
    """Geometry of a radar plot: spokes clockwise from the top, values 1..5 out from the centre."""

    def __init__(self, n: int, cx: float, cy: float, radius: float):
        self.n, self.cx, self.cy, self.radius = n, cx, cy, radius

    def angle(self, i: int) -> float:
        return -math.pi / 2 + 2 * math.pi * i / self.n

    def point(self, i: int, value: float) -> tuple[float, float]:
        r = self.radius * value / 5
        return self.cx + r * math.cos(self.angle(i)), self.cy + r * math.sin(self.angle(i))


def _radar_grid(geo: _Radar) -> list[str]:
    out = []
    for ring in range(1, 6):
        pts = [geo.point(i, ring) for i in range(geo.n)]
        width = 1.2 if ring == 5 else 0.8
        out.append(_polygon(pts, fill="none", stroke=GRID, stroke_width=width))
    for i in range(geo.n):
        x, y = geo.point(i, 5)
        out.append(_line(geo.cx, geo.cy, x, y, stroke=GRID, stroke_width=0.8))
    half_step = math.pi / geo.n  # ring numbers sit between the first two spokes
    for ring in range(1, 6):
        r = geo.radius * ring / 5
        x = geo.cx + r * math.cos(-math.pi / 2 + half_step)
        y = geo.cy + r * math.sin(-math.pi / 2 + half_step)
        out.append(_text(x + 2, y + 3, ring, size=9, fill=MUTED))
    return out


def _runs(values: Sequence[float | None]) -> list[list[int]]:
    """Indices of consecutive defined values, wrapping round the radar."""
    n = len(values)
    if all(v is not None for v in values):
        return [list(range(n))]
    start = next(i for i, v in enumerate(values) if v is None)
    runs: list[list[int]] = []
    for step in range(1, n + 1):
        i = (start + step) % n
        if values[i] is None:
            runs.append([])
        elif runs:
            runs[-1].append(i)
        else:
            runs.append([i])
    return [run for run in runs if run]


def _radar_series(geo: _Radar, rows: Sequence[Mapping]) -> list[str]:
    out = []
    for key, _label, colour, dash, marker in _SERIES:
        values = [row[key] for row in rows]
        if all(v is None for v in values):
            continue
        stroke = {"stroke": colour, "stroke_width": 2.2, "stroke_dasharray": dash}
        runs = _runs(values)
        if len(runs[0]) == geo.n:
            pts = [geo.point(i, values[i]) for i in runs[0]]
            out.append(_polygon(pts, fill=colour, fill_opacity=0.08, **stroke))
        else:
            for run in runs:
                pts = [geo.point(i, values[i]) for i in run]
                out.append(_polyline(pts, fill="none", **stroke))
        for i, value in enumerate(values):
            if value is not None:
                out.append(_marker(marker, *geo.point(i, value), colour))
    return out


def _radar_label(geo: _Radar, i: int, row: Mapping) -> list[str]:
    angle = geo.angle(i)
    cos, sin = math.cos(angle), math.sin(angle)
    x = geo.cx + (geo.radius + 12) * cos
    y = geo.cy + (geo.radius + 12) * sin
    anchor = "start" if cos > 0.25 else "end" if cos < -0.25 else "middle"
    values = gettext("CEO %(ceo)s · CISO %(ciso)s") % {
        "ceo": fmt_mean(row["ceo_mean"]),
        "ciso": fmt_mean(row["ciso_mean"]),
    }
    lines = [(row["code"], "bold", INK)]
    lines += [(part, None, INK) for part in _wrap(row["name"], 20, 2)]
    lines.append((values, None, MUTED))
    step = 13.5
    if sin < -0.3:
        top = y - step * (len(lines) - 1) - 2
    elif sin > 0.3:
        top = y + 10
    else:
        top = y - step * (len(lines) - 1) / 2 + 4
    return [
        _text(x, top + k * step, text, size=11, text_anchor=anchor, font_weight=weight, fill=fill)
        for k, (text, weight, fill) in enumerate(lines)
    ]


def radar_chart(
    dimensions: Sequence[Mapping],
    *,
    size: int = 420,
    title: str | None = None,
) -> str:
    """Radar chart of the CEO's and the CISO's mean answer (1..5) per dimension.

    ``dimensions``: dicts with "code", "name", "ceo_mean", "ciso_mean" (1..5 or None), in
    display order. ``size`` is the diameter of the plot area in user units; room for the spoke
    labels and the legend is added around it. CEO: solid line, circles; CISO: dashed line,
    squares. See the module docstring for None handling.
    """
    title = title or gettext("CEO and CISO answers by dimension")
    rows = _radar_values(dimensions)
    desc = _radar_desc(rows)
    uid = _uid("radar", title, desc, size)
    margin_x, margin_top = 150, 80
    width = size + 2 * margin_x
    geo = _Radar(max(len(rows), 1), width / 2, margin_top + size / 2, size / 2)
    body = (
        _radar_grid(geo)
        if rows
        else [_text(width / 2, geo.cy, gettext("No data"), text_anchor="middle")]
    )
    body += _radar_series(geo, rows) if rows else []
    for i, row in enumerate(rows):
        body += _radar_label(geo, i, row)
    legend_y = margin_top + size + 80
    body += _series_legend(
        24,
        legend_y,
        [
            (_legend_mark(c, d, m), gettext("%(role)s (mean answer)") % {"role": label})
            for _, label, c, d, m in _SERIES
        ],
    )
    notes = (
        gettext("Scale: ring 1 (inner) to ring 5 (outer)"),
        gettext("n/a: no answer to compare"),
    )
    for k, note in enumerate(notes):
        body.append(_text(width - 24, legend_y + 4 + 18 * k, note, fill=MUTED, text_anchor="end"))
    return _document(uid, width, legend_y + 40, title, desc, body)


# --------------------------------------------------------------------------- alignment bars


def _band(value: float) -> tuple:
    return next(band for band in BANDS if value >= band[0])


def _band_defs(uid: str) -> str:
    patterns = []
    for _low, key, _label, fill, hatch in BANDS:
        if hatch is None:
            continue
        lines = _line(0, 0, 0, 6, stroke=hatch, stroke_width=1.6)
        if key == "misaligned":  # cross-hatch for the worst band
            lines += _line(0, 3, 6, 3, stroke=hatch, stroke_width=1.0)
        patterns.append(
            f'<pattern id="{uid}-{key}" patternUnits="userSpaceOnUse" width="6" height="6" '
            f'patternTransform="rotate(45)">{_rect(0, 0, 6, 6, fill=fill)}{lines}</pattern>'
        )
    return "<defs>" + "".join(patterns) + "</defs>"


def _band_fill(uid: str, band: tuple) -> str:
    _low, key, _label, fill, hatch = band
    return fill if hatch is None else f"url(#{uid}-{key})"


def _bar_rows(dimensions: Sequence[Mapping]) -> list[dict]:
    rows = []
    for dim in dimensions:
        code = str(dim.get("code", ""))
        value = _check_range(dim.get("alignment_index"), 0, 100, f"{code} alignment index")
        rows.append({"code": code, "name": str(dim.get("name", "")), "value": value})
    return rows


def _bar_desc(rows: Sequence[Mapping]) -> str:
    parts = []
    for row in rows:
        value = row["value"]
        if value is None:
            shown = gettext("no paired answers")
        else:
            shown = f"{fmt_index(value)} ({_band(value)[2]})"
        parts.append(f"{row['code']} {row['name']}: {shown}")
    return gettext(
        "Alignment index per dimension, 0 to 100 (100 means identical answers); bands at "
        "%(thresholds)s. %(values)s."
    ) % {"thresholds": words.band_thresholds_words(), "values": "; ".join(parts)}


def _bar_axis(x0: float, scale: float, top: float, bottom: float) -> list[str]:
    out = [_line(x0, top, x0, bottom, stroke=INK, stroke_width=1.0)]
    for tick in (0, 100):
        x = x0 + tick * scale
        out.append(_text(x, bottom + 14, tick, size=10, fill=MUTED, text_anchor="middle"))
    caption = gettext("Alignment index (0 to 100)")
    out.append(
        _text(x0 + 50 * scale, bottom + 30, caption, size=10, fill=MUTED, text_anchor="middle")
    )
    for threshold in BAND_THRESHOLDS:
        x = x0 + threshold * scale
        out.append(_line(x, top, x, bottom, stroke=MUTED, stroke_width=1.0, stroke_dasharray="3 3"))
        out.append(_text(x, top - 6, threshold, size=10, fill=MUTED, text_anchor="middle"))
        out.append(_text(x, bottom + 14, threshold, size=10, fill=MUTED, text_anchor="middle"))
    return out


def _bar_row(uid: str, row: Mapping, y: float, x0: float, scale: float) -> list[str]:
    out = [_text(8, y + 12, row["code"], size=11, font_weight="bold")]
    out.append(_text(42, y + 12, _fit(row["name"], x0 - 52, 11), size=11))
    if row["value"] is None:
        note = _text(
            x0 + 6, y + 12, gettext("no paired answers"), size=10.5, fill=MUTED, font_style="italic"
        )
        return [*out, note]
    band = _band(row["value"])
    length = row["value"] * scale
    out.append(
        _rect(x0, y, length, 16, fill=_band_fill(uid, band), stroke=BAR_OUTLINE, stroke_width=1.0)
    )
    label = fmt_index(row["value"])
    # A white box keeps the printed value legible where it crosses a reference line.
    out.append(_rect(x0 + length + 3, y, len(label) * 11 * CHAR_WIDTH + 6, 16, fill=palette.WHITE))
    out.append(_text(x0 + length + 6, y + 12, label, size=11, font_weight="bold"))
    return out


def _bar_legend(uid: str, y: float) -> list[str]:
    out = []
    for k, band in enumerate(BANDS):
        x = 8 + (k % 2) * 230
        row_y = y + (k // 2) * 20
        out.append(
            _rect(
                x, row_y, 22, 12, fill=_band_fill(uid, band), stroke=BAR_OUTLINE, stroke_width=1.0
            )
        )
        out.append(_text(x + 30, row_y + 10, band[2], size=10.5))
    return out


def alignment_bar_chart(
    dimensions: Sequence[Mapping],
    *,
    width: int = 640,
    title: str | None = None,
) -> str:
    """Horizontal bars of each dimension's alignment index (0..100, or None).

    ``dimensions``: dicts with "code", "name", "alignment_index", in display order. The value is
    printed at the end of each bar; the bar's fill encodes its band by lightness and hatching
    (the legend names the bands); dashed reference lines mark 55, 70 and 85. A None index prints
    "no paired answers" instead of a bar.
    """
    title = title or gettext("Alignment index by dimension")
    rows = _bar_rows(dimensions)
    desc = _bar_desc(rows)
    uid = _uid("bars", title, desc, width)
    x0, top, row_h = 290.0, 28.0, 26.0
    scale = (width - x0 - 40) / 100
    bottom = top + 6 + row_h * max(len(rows), 1)
    body = [_band_defs(uid)]
    body += _bar_axis(x0, scale, top, bottom)
    for i, row in enumerate(rows):
        body += _bar_row(uid, row, top + 8 + i * row_h, x0, scale)
    body += _bar_legend(uid, bottom + 46)
    return _document(uid, width, bottom + 92, title, desc, body)


# --------------------------------------------------------------------------- severity heatmap


def _cell_style(item: Mapping) -> tuple[str, str, str, str]:
    severity = item.get("severity")
    if severity is not None:
        if severity not in SEVERITY_STYLES:
            raise ValueError(f"item {item.get('code')}: unknown severity {severity!r}")
        return SEVERITY_STYLES[severity]
    if item.get("knowledge_gap"):
        return KNOWLEDGE_GAP_STYLE
    return UNANSWERED_STYLE


def _gap_side(item: Mapping) -> str:
    side = item.get("knowledge_gap")
    if not (isinstance(side, str) and side.strip()):
        return ""
    side = side.strip()
    if side.lower() == "both":
        return pgettext("both executives, in a heatmap cell", "BOTH")
    return str(words.ROLE_LABELS.get(side.lower(), side.upper()))


def _cell_caption(item: Mapping) -> str:
    glyph = _cell_style(item)[0]
    side = _gap_side(item) if glyph == "?" else ""
    return f"{glyph} {side}".strip() if side else glyph


def _heatmap_rows(items: Sequence[Mapping]) -> list[tuple[str, list[Mapping]]]:
    rows: dict[str, list[Mapping]] = {}
    for item in items:
        rows.setdefault(str(item.get("dimension", "")), []).append(item)
    return [
        (dim, sorted(cells, key=lambda it: _natural_key(it.get("code", ""))))
        for dim, cells in sorted(rows.items(), key=lambda kv: _natural_key(kv[0]))
    ]


def _heatmap_desc(rows: Sequence[tuple[str, list[Mapping]]], names: Mapping[str, str]) -> str:
    parts = []
    for dim, cells in rows:
        described = ", ".join(f"{c.get('code')} {_cell_text(c)}" for c in cells)
        parts.append(f"{dim} {names.get(dim, '')}".strip() + f": {described}")
    return gettext(
        "Severity of the gap between the CEO's and the CISO's answer, per item. %(values)s."
    ) % {"values": "; ".join(parts)}


def _cell_key(item: Mapping) -> str:
    """The item's key in words.SEVERITY_GLYPHS ("aligned"…, "unknown", "none")."""
    _cell_style(item)  # rejects an unknown severity
    return words.severity_key(item.get("severity"), item.get("knowledge_gap"))


def _cell_text(item: Mapping) -> str:
    key = _cell_key(item)
    side = _gap_side(item)
    if key == "unknown" and side:
        return gettext("knowledge gap (%(side)s did not know)") % {"side": side}
    return str(words.SEVERITY_SHORT[key])


def _heatmap_cell(item: Mapping, x: float, y: float, w: float, h: float) -> list[str]:
    _glyph, _label, fill, colour = _cell_style(item)
    dashed = "4 3" if _cell_style(item) is KNOWLEDGE_GAP_STYLE else None
    return [
        _rect(x, y, w, h, fill=fill, stroke=MUTED, stroke_width=1.0, stroke_dasharray=dashed),
        _text(x + w / 2, y + 16, item.get("code", ""), size=11, fill=colour, text_anchor="middle"),
        _text(
            x + w / 2,
            y + 33,
            _cell_caption(item),
            size=12,
            fill=colour,
            text_anchor="middle",
            font_weight="bold",
        ),
    ]


def _heatmap_legend(y: float) -> list[str]:
    styles = [*SEVERITY_STYLES.values(), KNOWLEDGE_GAP_STYLE, UNANSWERED_STYLE]
    out = []
    for k, (glyph, label, fill, colour) in enumerate(styles):
        x = 8 + (k % 3) * 210
        row_y = y + (k // 3) * 24
        dashed = "4 3" if glyph == "?" else None
        out.append(
            _rect(
                x, row_y, 26, 18, fill=fill, stroke=MUTED, stroke_width=1.0, stroke_dasharray=dashed
            )
        )
        out.append(
            _text(
                x + 13,
                row_y + 13,
                glyph,
                size=11,
                fill=colour,
                text_anchor="middle",
                font_weight="bold",
            )
        )
        out.append(_text(x + 32, row_y + 13, label, size=10))
    return out


def severity_heatmap(
    items: Sequence[Mapping],
    *,
    dimension_names: Mapping[str, str] | None = None,
    title: str | None = None,
) -> str:
    """Grid of items, one row per dimension, each cell showing the item code and a glyph.

    ``items``: dicts with "code" (e.g. "3.2"), "dimension" (e.g. "D3"), "severity" ("aligned",
    "minor", "material", "critical" or None) and, for a knowledge gap, "knowledge_gap" (truthy;
    a string such as "ceo", "ciso" or "both" is printed in the cell). Glyphs: "=" aligned,
    "~" minor, "!" material, "!!" critical, "?" knowledge gap, "–" not answered; the fill
    darkens with severity.
    """
    title = title or gettext("Gap severity by item")
    names = dimension_names or {}
    rows = _heatmap_rows(items)
    desc = _heatmap_desc(rows, names)
    uid = _uid("heatmap", title, desc)
    label_w, cell_w, cell_h, gap = 230.0, 66.0, 42.0, 6.0
    columns = max((len(cells) for _dim, cells in rows), default=0)
    width = max(label_w + columns * (cell_w + gap) + 8, 640)
    body: list[str] = []
    for r, (dim, cells) in enumerate(rows):
        y = 8 + r * (cell_h + gap)
        body.append(_text(8, y + 18, dim, size=11, font_weight="bold"))
        for k, line in enumerate(_wrap(names.get(dim, ""), 30, 2)):
            body.append(_text(48, y + 18 + k * 14, line, size=10.5))
        for c, item in enumerate(cells):
            body += _heatmap_cell(item, label_w + c * (cell_w + gap), y, cell_w, cell_h)
    if not rows:
        body.append(_text(8, 24, gettext("No items"), size=11, fill=MUTED))
    legend_y = 8 + max(len(rows), 1) * (cell_h + gap) + 14
    body += _heatmap_legend(legend_y)
    return _document(uid, width, legend_y + 56, title, desc, body)


# --------------------------------------------------------------------------- trend chart


def _delta(previous: float | None, current: float | None) -> str:
    if previous is None or current is None:
        return ""
    change = Decimal(fmt_index(current)) - Decimal(fmt_index(previous))
    return f" ({'+' if change > 0 else '−' if change < 0 else '±'}{abs(change)})"


def _trend_rows(previous: Mapping, current: Mapping) -> list[dict]:
    codes = sorted({*previous.keys(), *current.keys()}, key=_natural_key)
    return [
        {
            "code": str(code),
            "previous": _check_range(previous.get(code), 0, 100, f"{code} previous index"),
            "current": _check_range(current.get(code), 0, 100, f"{code} current index"),
        }
        for code in codes
    ]


def _trend_desc(rows: Sequence[Mapping], names: Mapping, labels: tuple[str, str]) -> str:
    parts = [
        f"{r['code']} {names.get(r['code'], '')}".strip()
        + ": "
        + gettext("%(previous)s to %(current)s")
        % {"previous": fmt_index(r["previous"]), "current": fmt_index(r["current"])}
        + _delta(r["previous"], r["current"])
        for r in rows
    ]
    return gettext(
        "Alignment index per dimension, %(previous)s compared with %(current)s (0 to 100). "
        "%(values)s."
    ) % {"previous": labels[0], "current": labels[1], "values": "; ".join(parts)}


def _trend_row(row: Mapping, names: Mapping, y: float, x0: float, scale: float) -> list[str]:
    out = [_text(8, y + 4, row["code"], size=11, font_weight="bold")]
    out.append(_text(42, y + 4, _fit(str(names.get(row["code"], "")), x0 - 52, 11), size=11))
    xs = {k: None if row[k] is None else x0 + row[k] * scale for k in ("previous", "current")}
    if xs["previous"] is not None and xs["current"] is not None:
        out.append(_line(xs["previous"], y, xs["current"], y, stroke=MUTED, stroke_width=3.0))
    if xs["previous"] is not None:
        out.append(
            _circle(xs["previous"], y, 5.0, fill=palette.WHITE, stroke=INK, stroke_width=2.0)
        )
    if xs["current"] is not None:
        out.append(_circle(xs["current"], y, 5.5, fill=BAR_OUTLINE, stroke=BAR_OUTLINE))
    summary = f"{fmt_index(row['previous'])} → {fmt_index(row['current'])}"
    summary += _delta(row["previous"], row["current"])
    out.append(_text(x0 + 100 * scale + 14, y + 4, summary, size=11))
    return out


def trend_chart(
    previous: Mapping[str, float | None],
    current: Mapping[str, float | None],
    *,
    names: Mapping[str, str] | None = None,
    previous_label: str | None = None,
    current_label: str | None = None,
    width: int = 720,
    title: str | None = None,
) -> str:
    """Dumbbell chart of each dimension's alignment index in two rounds.

    ``previous``/``current`` map a dimension code to its index (0..100 or None); rows are the
    union of both, in natural code order (D2 before D10). Previous: hollow circle; current:
    filled circle; each row prints "previous → current (change)".
    """
    previous_label = previous_label or gettext("Previous round")
    current_label = current_label or gettext("This round")
    title = title or gettext("Alignment index: change since the previous round")
    names = names or {}
    rows = _trend_rows(previous, current)
    desc = _trend_desc(rows, names, (previous_label, current_label))
    uid = _uid("trend", title, desc, width, previous_label, current_label)
    x0, top, row_h = 280.0, 26.0, 26.0
    scale = (width - x0 - 140) / 100
    bottom = top + 8 + row_h * max(len(rows), 1)
    body = _bar_axis(x0, scale, top, bottom)
    for i, row in enumerate(rows):
        body += _trend_row(row, names, top + 8 + row_h / 2 + i * row_h, x0, scale)
    previous_mark = _circle(13, 0, 5.0, fill=palette.WHITE, stroke=INK, stroke_width=2.0)
    current_mark = _circle(13, 0, 5.5, fill=BAR_OUTLINE, stroke=BAR_OUTLINE)
    body += _series_legend(
        8, bottom + 52, [(previous_mark, previous_label), (current_mark, current_label)]
    )
    body.append(
        _text(
            width - 8,
            bottom + 56,
            gettext("Dashed lines: band thresholds %(thresholds)s")
            % {"thresholds": " / ".join(str(t) for t in BAND_THRESHOLDS)},
            size=10,
            fill=MUTED,
            text_anchor="end",
        )
    )
    return _document(uid, width, bottom + 88, title, desc, body)


# --------------------------------------------------------------------- felt vs measured


def felt_vs_measured_chart(
    *,
    measured: float | None,
    felt: Mapping[str, int | None],
    width: int = 640,
    title: str | None = None,
) -> str:
    """Felt alignment (each executive's answer to the felt question as an index 0..100) beside
    the measured overall alignment index, as horizontal bars on one 0..100 scale.

    ``felt``: role ("ceo", "ciso") -> felt index or None ("can't say": the row says so). A
    shaded zone marks measured ± the felt reading's margin (scoring.FELT_READING_MARGIN): a
    felt bar ending inside it "feels about right". Bars differ by colour and by fill (solid
    for the CEO, hatched for the CISO, outlined grey for the measured index); each prints its
    value, so no meaning rests on colour.
    """
    title = title or gettext("How aligned they feel, against the measured alignment")
    _check_range(measured, 0, 100, "measured index")
    for role, value in felt.items():
        _check_range(value, 0, 100, f"{role} felt index")
    rows = [(gettext("Measured"), measured, palette.GRID, None)]
    colours = {"ceo": (CEO_COLOUR, None), "ciso": (CISO_COLOUR, CISO_COLOUR)}
    for role, value in felt.items():
        fill, hatch = colours.get(role, (MUTED, None))
        rows.append((_felt_label(role), value, fill, hatch))
    desc = _felt_desc(measured, felt)
    uid = _uid("felt", title, desc, width)
    x0, top, row_h = 130.0, 30.0, 30.0
    scale = (width - x0 - 60) / 100
    bottom = top + 8 + row_h * len(rows)
    body = [_felt_defs(uid)]
    body += _felt_zone(measured, x0, scale, top, bottom)
    body += _bar_axis_plain(x0, scale, top, bottom)
    for i, (label, value, fill, hatch) in enumerate(rows):
        body += _felt_row(uid, label, value, fill, hatch, top + 8 + i * row_h, x0, scale)
    return _document(uid, width, bottom + 40, title, desc, body)


def _felt_label(role: str) -> str:
    """ "CEO feels": a felt bar's label."""
    return gettext("%(role)s feels") % {"role": words.ROLE_LABELS.get(role, role)}


def _felt_desc(measured: float | None, felt: Mapping[str, int | None]) -> str:
    parts = [gettext("measured alignment index %(index)s") % {"index": fmt_index(measured)}]
    for role, value in felt.items():
        shown = gettext("can't say") if value is None else fmt_index(value)
        parts.append(f"{_felt_label(role)} {shown}")
    margin = scoring.FELT_READING_MARGIN
    return ngettext(
        "Felt alignment (answer 1 to 5 as 0 to 100) against the measured alignment index: "
        "%(values)s. Within %(margin)d point of the measured index counts as about right.",
        "Felt alignment (answer 1 to 5 as 0 to 100) against the measured alignment index: "
        "%(values)s. Within %(margin)d points of the measured index counts as about right.",
        margin,
    ) % {"values": "; ".join(parts), "margin": margin}


def _felt_defs(uid: str) -> str:
    return (
        f'<defs><pattern id="{uid}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{palette.WHITE}"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{CISO_COLOUR}" stroke-width="3"/>'
        "</pattern></defs>"
    )


def _felt_zone(measured, x0: float, scale: float, top: float, bottom: float) -> list[str]:
    if measured is None:
        return []
    margin = scoring.FELT_READING_MARGIN
    low, high = max(measured - margin, 0), min(measured + margin, 100)
    return [
        _rect(x0 + low * scale, top, (high - low) * scale, bottom - top, fill="#eef2f5"),
        _text(x0 + measured * scale, top - 8, gettext("about right (±%(margin)s)") % {"margin": margin}, size=10,
              fill=MUTED, text_anchor="middle"),
        _line(x0 + measured * scale, top, x0 + measured * scale, bottom, stroke=INK,
              stroke_width=1.0, stroke_dasharray="4 3"),
    ]  # fmt: skip


def _bar_axis_plain(x0: float, scale: float, top: float, bottom: float) -> list[str]:
    out = [_line(x0, top, x0, bottom, stroke=INK, stroke_width=1.0)]
    for tick in (0, 25, 50, 75, 100):
        x = x0 + tick * scale
        out.append(_text(x, bottom + 14, tick, size=10, fill=MUTED, text_anchor="middle"))
    return out


def _felt_row(uid, label, value, fill, hatch, y, x0, scale) -> list[str]:
    out = [_text(8, y + 14, label, size=11, font_weight="bold")]
    if value is None:
        return [*out, _text(x0 + 6, y + 14, gettext("can't say"), size=10.5, fill=MUTED,
                            font_style="italic")]  # fmt: skip
    paint = f"url(#{uid}-hatch)" if hatch else fill
    out.append(_rect(x0, y + 2, max(value * scale, 1.0), 18, fill=paint, stroke=INK,
                     stroke_width=0.75))  # fmt: skip
    out.append(_text(x0 + value * scale + 6, y + 15, fmt_index(value), size=11))
    return out
