"""Tests of the recommendations data and prioritisation (pure Python: no Django, no database)."""

import json

import pytest

from alignment import recommendations as rec

# the dimension names of the default question bank
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


@pytest.fixture
def shipped_data():
    return json.loads(rec.DEFAULT_PATH.read_text(encoding="utf-8"))


def _dimension(data, code):
    return next(d for d in data["dimensions"] if d["code"] == code)


def _load_modified(tmp_path, data):
    path = tmp_path / "recommendations.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return rec.load_recommendations(path)


def _score(code, gap, direction="balanced", knowledge_gaps=0):
    index = None if gap is None else 100 * (1 - gap / 4)
    return {
        "code": code,
        "name": NAMES[code],
        "mean_abs_gap": gap,
        "direction": None if gap is None else direction,
        "alignment_index": index,
        "knowledge_gaps": knowledge_gaps,
    }


# --------------------------------------------------------------------------- the shipped file


def test_it_covers_every_dimension_of_the_question_bank_by_name():
    data = rec.load_recommendations()

    assert {code: advice.name for code, advice in data.dimensions.items()} == NAMES


@pytest.mark.parametrize("code", list(NAMES))
def test_it_has_direction_specific_advice_for_material_and_critical_gaps(code):
    advice = rec.load_recommendations().dimensions[code]

    for band in ("material", "critical"):
        entries = advice.bands[band]
        assert {"ceo_more_optimistic", "ciso_more_optimistic", "any"} <= set(entries)
        assert entries["ceo_more_optimistic"].action != entries["ciso_more_optimistic"].action
    for band in ("aligned", "minor"):
        assert advice.bands[band]["any"].action
    assert advice.knowledge_gap.action


def test_it_gives_every_entry_a_lead_references_and_a_reason():
    data = rec.load_recommendations()

    entries = [
        entry
        for advice in data.dimensions.values()
        for by_direction in advice.bands.values()
        for entry in by_direction.values()
    ] + [advice.knowledge_gap for advice in data.dimensions.values()]
    assert len(entries) == 90
    for entry in entries:
        assert entry.lead in {"CEO", "CISO", "CEO and CISO", "Board", "CIO/CTO", "General Counsel"}
        assert entry.references and entry.why
        assert entry.action.endswith(".")


def test_it_documents_the_gap_bands_in_the_file(shipped_data):
    about = shipped_data["gap_bands"]["about"]

    assert "aligned < 0.5" in about and "critical >= 2.0" in about


@pytest.mark.parametrize(
    ("gap", "band"),
    [
        (0.0, "aligned"),
        (0.49, "aligned"),
        (0.5, "minor"),
        (0.99, "minor"),
        (1.0, "material"),
        (1.99, "material"),
        (2.0, "critical"),
        (4.0, "critical"),
    ],
)
def test_it_bands_a_dimension_by_its_mean_absolute_gap(gap, band):
    assert rec.load_recommendations().band_for(gap).name == band


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("D3", "bands", "critical", "any", "lead"), "Janitor", "bands.critical.any.lead"),
        (
            ("D5", "bands", "minor", "any", "references"),
            ["Made-up 1.2"],
            "bands.minor.any.references",
        ),
        (("D5", "bands", "minor", "any", "references"), [], "bands.minor.any.references"),
        (("D2", "bands", "aligned", "any", "action"), "", "bands.aligned.any.action"),
        (("D2", "bands", "aligned", "any", "action"), "x" * 401, "bands.aligned.any.action"),
        (("D9", "knowledge_gap", "why"), None, "knowledge_gap.why"),
        (("D6", "knowledge_gap"), None, "knowledge_gap"),
        (("D7", "bands", "material", "ceo"), {}, "bands.material.ceo"),
        (("D8", "bands", "huge"), {}, "bands.huge"),
        (("D10", "name"), " ", "name"),
    ],
)
def test_it_names_the_dimension_and_the_field_of_a_bad_entry(
    tmp_path, shipped_data, path, value, field
):
    code, *keys = path
    target = _dimension(shipped_data, code)
    for key in keys[:-1]:
        target = target[key]
    target[keys[-1]] = value

    with pytest.raises(ValueError) as error:
        _load_modified(tmp_path, shipped_data)

    assert f"recommendations {code}:" in str(error.value)
    assert f"'{field}'" in str(error.value)


@pytest.mark.parametrize(
    ("band", "direction"), [("material", "any"), ("aligned", "any"), ("critical", None)]
)
def test_it_requires_the_fallback_entry_and_every_band(tmp_path, shipped_data, band, direction):
    bands = _dimension(shipped_data, "D4")["bands"]
    if direction is None:
        del bands[band]
    else:
        del bands[band][direction]

    with pytest.raises(ValueError, match=rf"recommendations D4: field 'bands\.{band}"):
        _load_modified(tmp_path, shipped_data)


def test_it_rejects_a_duplicate_dimension(tmp_path, shipped_data):
    shipped_data["dimensions"].append(_dimension(shipped_data, "D1"))

    with pytest.raises(ValueError, match="recommendations D1: field 'code' is duplicated"):
        _load_modified(tmp_path, shipped_data)


def test_it_rejects_gap_bands_out_of_order(tmp_path, shipped_data):
    shipped_data["gap_bands"]["bands"][2]["below"] = 0.8

    with pytest.raises(ValueError, match=r"field 'gap_bands\.bands\[2\]\.below'"):
        _load_modified(tmp_path, shipped_data)


def test_it_uses_the_fallback_when_a_direction_has_no_entry(tmp_path, shipped_data):
    del _dimension(shipped_data, "D2")["bands"]["critical"]["ciso_more_optimistic"]
    data = _load_modified(tmp_path, shipped_data)

    [result] = rec.recommend([_score("D2", 2.5, "ciso_more_optimistic")], data)

    assert result["action"] == data.dimensions["D2"].bands["critical"]["any"].action


# --------------------------------------------------------------------------- recommend()


def test_it_orders_recommendations_widest_gap_first_with_priorities():
    scores = [
        _score("D1", 0.2),
        _score("D2", 1.4, "ceo_more_optimistic"),
        _score("D3", 2.6, "ciso_more_optimistic"),
        _score("D4", 0.8),
        _score("D5", 2.1, "ceo_more_optimistic"),
        _score("D6", 1.0),
    ]

    result = rec.recommend(scores)

    assert [r["code"] for r in result] == ["D3", "D5", "D2", "D6", "D4", "D1"]
    assert [r["priority"] for r in result] == ["High", "High", "Medium", "Medium", "Low", "Low"]
    assert [r["band"] for r in result] == [
        "critical",
        "critical",
        "material",
        "material",
        "minor",
        "aligned",
    ]
    assert [r["rank"] for r in result] == [1, 2, 3, 4, 5, 6]


def test_it_picks_the_entry_for_the_direction_of_the_gap():
    data = rec.load_recommendations()

    ceo, ciso, balanced = rec.recommend(
        [
            _score("D5", 1.5, "ceo_more_optimistic"),
            _score("D6", 1.4, "ciso_more_optimistic"),
            _score("D7", 1.3, "balanced"),
        ]
    )

    assert ceo["action"] == data.dimensions["D5"].bands["material"]["ceo_more_optimistic"].action
    assert ciso["action"] == data.dimensions["D6"].bands["material"]["ciso_more_optimistic"].action
    assert balanced["action"] == data.dimensions["D7"].bands["material"]["any"].action


def test_it_returns_everything_a_report_row_needs():
    [result] = rec.recommend([_score("D3", 2.0, "ceo_more_optimistic", knowledge_gaps=0)])

    assert result["code"] == "D3" and result["name"] == NAMES["D3"]
    assert result["kind"] == "gap" and result["direction"] == "ceo_more_optimistic"
    assert result["lead"] == "CEO"
    assert "ISO/IEC 42001 5.2" in result["references"]
    assert result["why"] and result["action"]
    assert result["mean_abs_gap"] == 2.0 and result["alignment_index"] == 50.0


def test_it_asks_to_close_the_knowledge_gap_when_no_item_was_paired():
    data = rec.load_recommendations()

    result = rec.recommend([_score("D8", None, knowledge_gaps=3), _score("D9", 0.3)])

    assert [(r["code"], r["kind"], r["priority"]) for r in result] == [
        ("D8", "knowledge_gap", "Medium"),
        ("D9", "gap", "Low"),
    ]
    assert result[0]["action"] == data.dimensions["D8"].knowledge_gap.action
    assert result[0]["band"] is None


def test_it_adds_a_low_priority_knowledge_gap_entry_next_to_a_measured_gap():
    result = rec.recommend([_score("D4", 1.2, "ceo_more_optimistic", knowledge_gaps=2)])

    assert [(r["kind"], r["priority"]) for r in result] == [
        ("gap", "Medium"),
        ("knowledge_gap", "Low"),
    ]


def test_it_ranks_a_measured_gap_before_a_knowledge_gap_of_the_same_priority():
    result = rec.recommend([_score("D1", None, knowledge_gaps=4), _score("D2", 1.1)])

    assert [r["code"] for r in result] == ["D2", "D1"]


def test_it_skips_a_dimension_with_nothing_to_say():
    assert rec.recommend([_score("D1", None, knowledge_gaps=0)]) == []


def test_it_breaks_ties_in_dimension_order():
    result = rec.recommend([_score("D10", 1.5), _score("D2", 1.5), _score("D9", 1.5)])

    assert [r["code"] for r in result] == ["D2", "D9", "D10"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"code": "D11"}, "dimension D11: no recommendations"),
        ({"direction": "sideways"}, "dimension D1: unknown direction"),
        ({"mean_abs_gap": 4.5}, "dimension D1: mean_abs_gap 4.5 is outside"),
        ({"mean_abs_gap": "1.0"}, "dimension D1: mean_abs_gap must be a number"),
        ({"knowledge_gaps": -1}, "dimension D1: knowledge_gaps must be a count"),
    ],
)
def test_it_rejects_a_bad_dimension_score(changes, message):
    with pytest.raises(ValueError, match=message):
        rec.recommend([_score("D1", 1.0) | changes])


def test_it_uses_the_dimension_names_of_the_shipped_question_bank():
    bank_path = rec.DEFAULT_PATH.parents[2] / "assessments/data/question_banks/parley-genai-v1.json"
    if not bank_path.exists():
        pytest.skip("the default question bank is not in this checkout")
    bank = json.loads(bank_path.read_text(encoding="utf-8"))

    names = {d["code"]: d["name"] for d in bank["dimensions"]}

    assert names == {c: a.name for c, a in rec.load_recommendations().dimensions.items()}
