"""Tests of the hand-drawn SVG charts (pure Python: no Django, no database)."""

import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alignment import charts

SVG = "{http://www.w3.org/2000/svg}"
EVIL = "<script>alert(1)</script> & co"

NAMES = {
    "D1": "AI ambition & investment",
    "D2": "Risk appetite",
    "D3": "Governance, policy & accountability",
    "D4": "Security integration in AI projects",
    "D5": "Data protection & privacy",
    "D6": "Infrastructure & legacy readiness",
    "D7": "Third-party & partner strategy",
    "D8": "Ethics & regulation",
    "D9": "Incident readiness",
    "D10": "Skills, culture & collaboration",
}


def _dimensions(**overrides):
    rows = []
    for i, (code, name) in enumerate(NAMES.items()):
        rows.append(
            {
                "code": code,
                "name": name,
                "ceo_mean": 1.0 + (i * 0.37) % 4,
                "ciso_mean": 1.0 + (i * 0.61) % 4,
                "alignment_index": 40.0 + i * 6,
            }
        )
    for code, changes in overrides.items():
        rows[list(NAMES).index(code)].update(changes)
    return rows


def _items():
    severities = ["aligned", "minor", "material", "critical"]
    items = []
    for d, code in enumerate(NAMES, start=1):
        for k in range(1, 5):
            items.append({"code": f"{d}.{k}", "dimension": code, "severity": severities[k - 1]})
    return items


def _all_charts(dimensions=None, items=None, names=None):
    dimensions = dimensions if dimensions is not None else _dimensions()
    items = items if items is not None else _items()
    names = names if names is not None else NAMES
    previous = {d["code"]: d["alignment_index"] for d in dimensions}
    current = {code: (v + 5 if v is not None and v <= 95 else v) for code, v in previous.items()}
    return {
        "radar": charts.radar_chart(dimensions),
        "bars": charts.alignment_bar_chart(dimensions),
        "heatmap": charts.severity_heatmap(items, dimension_names=names),
        "trend": charts.trend_chart(previous, current, names=names),
    }


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def _texts(root: ET.Element) -> list[str]:
    return ["".join(el.itertext()) for el in root.iter(f"{SVG}text")]


def _relative_luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast_with_white(hex_colour: str) -> float:
    return 1.05 / (_relative_luminance(hex_colour) + 0.05)


# --------------------------------------------------------------------------- every chart


@pytest.mark.parametrize("kind", ["radar", "bars", "heatmap", "trend"])
def test_it_produces_a_standalone_accessible_svg(kind):
    root = _parse(_all_charts()[kind])

    assert root.tag == f"{SVG}svg"
    assert re.fullmatch(r"0 0 \d+\.\d \d+\.\d", root.get("viewBox"))
    assert root.get("role") == "img"
    assert "DejaVu Sans" in root.get("font-family")
    assert root.get("font-family").endswith("sans-serif")
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text and desc.text
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


@pytest.mark.parametrize("kind", ["radar", "bars", "heatmap", "trend"])
def test_it_escapes_markup_from_the_data_and_still_parses(kind):
    dimensions = _dimensions(D10={"name": EVIL})
    names = dict(NAMES, D10=EVIL)

    svg = _all_charts(dimensions, names=names)[kind]
    root = _parse(svg)

    assert "<script" not in svg
    assert not list(root.iter(f"{SVG}script"))
    assert "&lt;script&gt;" in svg
    assert EVIL in root.find(f"{SVG}desc").text  # the full name reaches screen readers


@pytest.mark.parametrize("kind", ["radar", "bars", "heatmap", "trend"])
def test_it_drops_characters_that_xml_cannot_hold(kind):
    names = dict(NAMES, D1="Bell\x07 and\x00 null")
    dimensions = _dimensions(D1={"name": names["D1"]})

    root = _parse(_all_charts(dimensions, names=names)[kind])

    assert "Bell and null" in root.find(f"{SVG}desc").text


@pytest.mark.parametrize("kind", ["radar", "bars", "heatmap", "trend"])
def test_it_is_deterministic(kind):
    assert _all_charts()[kind] == _all_charts()[kind]


def test_it_gives_each_chart_its_own_element_ids():
    first = _all_charts()
    second = _all_charts(_dimensions(D1={"alignment_index": 99.0, "ceo_mean": 5.0}))
    ids = [
        el.get("id")
        for svg in [*first.values(), second["radar"], second["bars"]]
        for el in _parse(svg).iter()
        if el.get("id")
    ]

    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("kind", ["radar", "bars", "heatmap", "trend"])
def test_it_draws_an_empty_chart_without_failing(kind):
    svgs = {
        "radar": charts.radar_chart([]),
        "bars": charts.alignment_bar_chart([]),
        "heatmap": charts.severity_heatmap([]),
        "trend": charts.trend_chart({}, {}),
    }

    root = _parse(svgs[kind])

    assert root.find(f"{SVG}desc").text


def test_it_prints_numbers_with_a_fixed_number_of_decimals():
    svg = _all_charts()["radar"]

    coordinates = re.findall(r'\s(?:x|y|cx|cy|x1|y1|x2|y2|width|height|r)="([^"]+)"', svg)
    assert coordinates
    assert all(re.fullmatch(r"-?\d+\.\d", value) for value in coordinates)


def test_it_rounds_displayed_values_half_up():
    assert charts.fmt_index(72.5) == "73"
    assert charts.fmt_index(72.49) == "72"
    assert charts.fmt_index(None) == "n/a"
    assert charts.fmt_mean(2.25) == "2.3"
    assert charts.fmt_mean(4.0) == "4.0"


@pytest.mark.parametrize("colour", [charts.CEO_COLOUR, charts.CISO_COLOUR, charts.MUTED])
def test_it_uses_text_colours_with_enough_contrast_on_white(colour):
    assert _contrast_with_white(colour) >= 4.5


@settings(max_examples=60, deadline=None)
@given(
    names=st.lists(st.text(max_size=40), min_size=1, max_size=10),
    means=st.lists(st.one_of(st.none(), st.floats(1, 5)), min_size=20, max_size=20),
)
def test_it_always_produces_parseable_xml(names, means):
    dimensions = [
        {
            "code": f"D{i + 1}",
            "name": name,
            "ceo_mean": means[2 * i],
            "ciso_mean": means[2 * i + 1],
            "alignment_index": None if means[2 * i] is None else (means[2 * i] - 1) * 25,
        }
        for i, name in enumerate(names)
    ]

    for svg in _all_charts(dimensions, names={d["code"]: d["name"] for d in dimensions}).values():
        _parse(svg)


# --------------------------------------------------------------------------- radar


def test_it_labels_every_spoke_with_code_name_and_both_means():
    dimensions = _dimensions(D3={"ceo_mean": 4.25, "ciso_mean": 2.0})

    texts = _texts(_parse(charts.radar_chart(dimensions)))

    for code in NAMES:
        assert code in texts
    assert "Risk appetite" in texts
    assert "CEO 4.3 · CISO 2.0" in texts


def test_it_labels_the_rings_one_to_five():
    texts = _texts(_parse(charts.radar_chart(_dimensions())))

    for ring in ["1", "2", "3", "4", "5"]:
        assert ring in texts


def test_it_tells_the_series_apart_by_line_style_and_marker_shape():
    root = _parse(charts.radar_chart(_dimensions()))
    polygons = [p for p in root.iter(f"{SVG}polygon") if p.get("stroke") != charts.GRID]

    ceo = next(p for p in polygons if p.get("stroke") == charts.CEO_COLOUR)
    ciso = next(p for p in polygons if p.get("stroke") == charts.CISO_COLOUR)
    assert ceo.get("stroke-dasharray") is None
    assert ciso.get("stroke-dasharray")
    circles = [c for c in root.iter(f"{SVG}circle") if c.get("fill") == charts.CEO_COLOUR]
    squares = [r for r in root.iter(f"{SVG}rect") if r.get("fill") == charts.CISO_COLOUR]
    assert len(circles) == len(NAMES) + 1  # one per spoke plus the legend's sample
    assert len(squares) == len(NAMES) + 1
    texts = _texts(root)
    assert "CEO (mean answer)" in texts and "CISO (mean answer)" in texts


def test_it_breaks_the_outline_at_a_missing_mean_instead_of_drawing_it_at_the_centre():
    dimensions = _dimensions(D5={"ciso_mean": None})

    root = _parse(charts.radar_chart(dimensions))

    ciso_shapes = [
        el for el in root.iter() if el.get("stroke") == charts.CISO_COLOUR and el.get("points")
    ]
    assert [el.tag for el in ciso_shapes] == [f"{SVG}polyline"]  # open, not a closed polygon
    assert len(ciso_shapes[0].get("points").split()) == len(NAMES) - 1
    squares = [r for r in root.iter(f"{SVG}rect") if r.get("fill") == charts.CISO_COLOUR]
    assert len(squares) == len(NAMES) - 1 + 1  # no marker for D5, plus the legend's
    assert "CEO" in _texts(root)[_texts(root).index("D5") + 3]
    assert "CISO n/a" in " ".join(_texts(root))
    assert "D5 Data protection & privacy: CEO" in root.find(f"{SVG}desc").text
    assert "CISO n/a" in root.find(f"{SVG}desc").text


def test_it_splits_the_outline_into_runs_around_several_gaps():
    dimensions = _dimensions(D2={"ceo_mean": None}, D6={"ceo_mean": None})

    root = _parse(charts.radar_chart(dimensions))

    runs = [
        el.get("points")
        for el in root.iter(f"{SVG}polyline")
        if el.get("stroke") == charts.CEO_COLOUR
    ]
    assert sorted(len(points.split()) for points in runs) == [3, 5]  # D3-D5 and D7-D1


def test_it_skips_a_series_with_no_values_at_all():
    dimensions = [dict(d, ciso_mean=None) for d in _dimensions()]

    root = _parse(charts.radar_chart(dimensions))

    assert not [
        el for el in root.iter() if el.get("stroke") == charts.CISO_COLOUR and el.get("points")
    ]


@pytest.mark.parametrize("bad", [0.5, 5.01, float("nan"), True])
def test_it_rejects_a_mean_outside_one_to_five(bad):
    with pytest.raises(ValueError, match="D1 CEO mean"):
        charts.radar_chart(_dimensions(D1={"ceo_mean": bad}))


# --------------------------------------------------------------------------- alignment bars


def test_it_prints_the_index_and_labels_each_bar():
    dimensions = _dimensions(D1={"alignment_index": 72.4}, D2={"alignment_index": 90.0})

    texts = _texts(_parse(charts.alignment_bar_chart(dimensions)))

    for code, name in NAMES.items():
        assert code in texts
        assert name in texts
    assert "72" in texts and "90" in texts


def test_it_draws_labelled_reference_lines_at_the_band_thresholds():
    root = _parse(charts.alignment_bar_chart(_dimensions()))

    dashed = [line for line in root.iter(f"{SVG}line") if line.get("stroke-dasharray")]
    assert len(dashed) == 3
    texts = _texts(root)
    for threshold in ["55", "70", "85"]:
        assert texts.count(threshold) >= 2  # above and below the plot
    for band in ["85–100 strongly aligned", "70–84 broadly aligned", "0–54 misaligned"]:
        assert band in texts


def test_it_encodes_the_band_in_the_bar_fill_not_just_colour():
    dimensions = _dimensions(
        D1={"alignment_index": 90.0},
        D2={"alignment_index": 75.0},
        D3={"alignment_index": 60.0},
        D4={"alignment_index": 30.0},
    )

    root = _parse(charts.alignment_bar_chart(dimensions))

    bars = [
        r
        for r in root.iter(f"{SVG}rect")
        if r.get("height") == "16.0" and r.get("stroke") == charts.BAR_OUTLINE
    ]
    fills = [bar.get("fill") for bar in bars[:4]]
    assert len(set(fills)) == 4
    assert fills[2].startswith("url(#") and fills[3].startswith("url(#")  # hatched bands
    pattern_ids = {p.get("id") for p in root.iter(f"{SVG}pattern")}
    assert {fill[5:-1] for fill in fills[2:]} <= pattern_ids


def test_it_says_no_paired_answers_instead_of_drawing_a_bar():
    dimensions = _dimensions(D4={"alignment_index": None})

    root = _parse(charts.alignment_bar_chart(dimensions))

    assert "no paired answers" in _texts(root)
    assert "D4 Security integration in AI projects: no paired answers" in (
        root.find(f"{SVG}desc").text
    )


def test_it_rejects_an_index_outside_zero_to_one_hundred():
    with pytest.raises(ValueError, match="D2 alignment index"):
        charts.alignment_bar_chart(_dimensions(D2={"alignment_index": 101}))


# --------------------------------------------------------------------------- severity heatmap


def test_it_draws_one_row_per_dimension_with_a_glyph_in_each_cell():
    items = [
        {"code": "10.1", "dimension": "D10", "severity": "critical"},
        {"code": "2.2", "dimension": "D2", "severity": "minor"},
        {"code": "2.1", "dimension": "D2", "severity": "aligned"},
        {"code": "2.3", "dimension": "D2", "severity": "material"},
    ]

    texts = _texts(_parse(charts.severity_heatmap(items, dimension_names=NAMES)))

    assert texts.index("D2") < texts.index("D10")  # natural order, not "D10" < "D2"
    assert texts[texts.index("2.1") + 1] == "="
    assert texts[texts.index("2.2") + 1] == "~"
    assert texts[texts.index("2.3") + 1] == "!"
    assert texts[texts.index("10.1") + 1] == "!!"
    assert texts.index("2.1") < texts.index("2.2") < texts.index("2.3")
    assert "Skills, culture &" in texts


def test_it_marks_knowledge_gaps_and_unanswered_items():
    items = [
        {"code": "5.1", "dimension": "D5", "severity": None, "knowledge_gap": "ciso"},
        {"code": "5.2", "dimension": "D5", "severity": None, "knowledge_gap": True},
        {"code": "5.3", "dimension": "D5", "severity": None, "knowledge_gap": None},
    ]

    root = _parse(charts.severity_heatmap(items))

    texts = _texts(root)
    assert texts[texts.index("5.1") + 1] == "? CISO"
    assert texts[texts.index("5.2") + 1] == "?"
    assert texts[texts.index("5.3") + 1] == "–"
    desc = root.find(f"{SVG}desc").text
    assert "5.1 knowledge gap (CISO did not know)" in desc
    assert "5.3 not answered" in desc


def test_it_explains_every_glyph_in_the_legend():
    texts = _texts(_parse(charts.severity_heatmap(_items())))

    for label in [
        "aligned (same answer)",
        "minor (1 point apart)",
        "material (2 points apart)",
        "critical (3+ points apart)",
        "knowledge gap (don't know)",
        "not answered",
    ]:
        assert label in texts


def test_it_rejects_an_unknown_severity():
    with pytest.raises(ValueError, match="item 1.1"):
        charts.severity_heatmap([{"code": "1.1", "dimension": "D1", "severity": "huge"}])


# --------------------------------------------------------------------------- trend


def test_it_prints_both_rounds_and_the_change_per_dimension():
    previous = {"D1": 58.0, "D2": 80.0, "D10": 70.0}
    current = {"D1": 72.0, "D2": 75.0, "D10": 70.2}

    root = _parse(charts.trend_chart(previous, current, names=NAMES))

    texts = _texts(root)
    assert "58 → 72 (+14)" in texts
    assert "80 → 75 (−5)" in texts
    assert "70 → 70 (±0)" in texts
    assert texts.index("D2") < texts.index("D10")
    assert "Previous round" in texts and "This round" in texts


def test_it_shows_n_a_for_a_round_without_an_index():
    previous = {"D1": None, "D2": 60.0}
    current = {"D1": 72.0}

    root = _parse(charts.trend_chart(previous, current))

    texts = _texts(root)
    assert "n/a → 72" in texts
    assert "60 → n/a" in texts
    hollow = [c for c in root.iter(f"{SVG}circle") if c.get("fill") == "#ffffff"]
    assert len(hollow) == 1 + 1  # D2's previous marker, plus the legend's


def test_it_labels_the_rounds_as_asked():
    svg = charts.trend_chart({"D1": 50.0}, {"D1": 60.0}, previous_label="Q1", current_label="Q3")

    texts = _texts(_parse(svg))

    assert "Q1" in texts and "Q3" in texts
