"""Tests of the survey benchmarks data and placement (pure Python: no Django, no database)."""

import copy
import json

import pytest

from alignment import benchmarks as bm

# id: (item, role compared, share) as shipped in alignment/data/benchmarks.json
EXPECTED = {
    "B1": ("1.1", "both", ">= 3"),
    "B2": ("1.1", "ceo", ">= 4"),
    "B3": ("1.2", "ceo", ">= 4"),
    "B4": ("1.4", "ciso", ">= 4"),
    "B5": ("2.3", "ciso", "<= 2"),
    "B6": ("3.2", "separately", "<= 2"),
    "B7": ("4.1", "separately", ">= 4"),
    "B8": ("3.1", "organisation", "<= 2"),
    "B9": ("2.4", "ciso", "== 5"),
    "B10": ("6.1", "ciso", ">= 4"),
    "B11": ("7.1", "ciso", ">= 4"),
    "B12": ("8.1", "ciso", ">= 4"),
    "B13": ("10.1", "ciso", ">= 4"),
    "B14": ("10.2", "ciso", "<= 2"),
    "B15": ("1.5", "ciso", "<= 2"),
    "B16": ("6.2", "ciso", "<= 2"),
    "B17": (None, None, None),
}


@pytest.fixture
def shipped_data():
    return json.loads(bm.DEFAULT_PATH.read_text(encoding="utf-8"))


def _load_modified(tmp_path, data):
    path = tmp_path / "benchmarks.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return bm.load_benchmarks(path)


def _figure(data, figure_id):
    return next(f for f in data["figures"] if f["id"] == figure_id)


def _placement(result, figure_id, role):
    row = next(r for r in result if r["figure_id"] == figure_id)
    return next(p for p in row["placements"] if p["role"] == role)


# --------------------------------------------------------------------------- the shipped file


def test_it_loads_the_shipped_file_with_every_figure_of_the_design():
    data = bm.load_benchmarks()

    assert [f.id for f in data.figures] == list(EXPECTED)
    for fig in data.figures:
        item, role, share = EXPECTED[fig.id]
        assert (fig.item, fig.role, None if fig.share is None else str(fig.share)) == (
            item,
            role,
            share,
        )


def test_it_records_the_survey_percentage_per_population_side():
    data = bm.load_benchmarks()

    assert dict(data.figure("B6").percent) == {"ceo": 20, "ciso": 54}
    assert dict(data.figure("B7").percent) == {"ceo": 51, "ciso": 38}
    assert data.figure("B1").percent_for("ceo") == data.figure("B1").percent_for("ciso") == 99
    assert data.figure("B8").percent_for("ciso") == 72
    assert data.figure("B9").percent_for("ciso") == 24


def test_it_flags_the_figures_to_read_with_care():
    data = bm.load_benchmarks()

    assert "unverified" in data.figure("B3").flags
    assert "population differs" in data.figure("B4").flags
    assert "context only" in data.figure("B17").flags
    assert data.figure("B17").dimension == "D7"
    assert data.figure("B2").flags == ()


def test_it_cites_a_source_for_every_figure():
    data = bm.load_benchmarks()

    ntt = data.citation(data.figure("B6"))
    assert ntt.startswith("NTT DATA, “The AI Security Balancing Act: From Risk to Innovation”")
    assert "18 June 2025" in ntt
    assert "as reported by trade outlets" in ntt
    assert data.citation(data.figure("B12")) == (
        "Expereo / IDC, “Enterprise Horizons 2025 (IDC InfoBrief)”, May 2025"
    )
    assert all(data.citation(fig) for fig in data.figures)


def test_it_finds_the_figures_for_an_item():
    data = bm.load_benchmarks()

    assert [f.id for f in data.for_item("1.1")] == ["B1", "B2"]
    assert data.for_item("9.9") == []


# --------------------------------------------------------------------------- validation


def _mutate_figure(figure_id, field, value):
    def mutate(data):
        if value is _DELETE:
            del _figure(data, figure_id)[field]
        else:
            _figure(data, figure_id)[field] = value

    return mutate


_DELETE = object()


@pytest.mark.parametrize(
    ("mutate", "figure_id", "field"),
    [
        (_mutate_figure("B3", "share", {"op": "=>", "value": 4}), "B3", "share"),
        (_mutate_figure("B3", "share", {"op": ">=", "value": 6}), "B3", "share"),
        (_mutate_figure("B3", "share", {"op": ">=", "value": True}), "B3", "share"),
        (_mutate_figure("B5", "role", "cfo"), "B5", "role"),
        (_mutate_figure("B6", "percent", {"ceo": 120, "ciso": 54}), "B6", "percent"),
        (_mutate_figure("B6", "percent", {"ceo": 20}), "B6", "percent"),
        (_mutate_figure("B6", "percent", {"board": 20}), "B6", "percent"),
        (_mutate_figure("B6", "percent", {"ceo": "20", "ciso": 54}), "B6", "percent"),
        (_mutate_figure("B7", "item", "4"), "B7", "item"),
        (_mutate_figure("B8", "source", "gartner"), "B8", "source"),
        (_mutate_figure("B9", "flags", ["bogus"]), "B9", "flags"),
        (_mutate_figure("B9", "flags", "unverified"), "B9", "flags"),
        (_mutate_figure("B2", "figure", _DELETE), "B2", "figure"),
        (_mutate_figure("B2", "population", ""), "B2", "population"),
        (_mutate_figure("B10", "share", None), "B10", "share"),
        (_mutate_figure("B17", "flags", []), "B17", "flags"),
        (_mutate_figure("B11", "colour", "red"), "B11", "colour"),
        (_mutate_figure("B12", "dimension", "7"), "B12", "dimension"),
    ],
)
def test_it_names_the_figure_and_the_field_of_a_bad_entry(
    tmp_path, shipped_data, mutate, figure_id, field
):
    mutate(shipped_data)

    with pytest.raises(ValueError) as error:
        _load_modified(tmp_path, shipped_data)

    assert f"figure {figure_id}:" in str(error.value)
    assert f"'{field}'" in str(error.value)


def test_it_rejects_a_duplicate_figure_id(tmp_path, shipped_data):
    shipped_data["figures"].append(copy.deepcopy(_figure(shipped_data, "B4")))

    with pytest.raises(ValueError, match="figure B4: field 'id' is duplicated"):
        _load_modified(tmp_path, shipped_data)


def test_it_names_a_figure_without_an_id_by_its_position(tmp_path, shipped_data):
    del shipped_data["figures"][1]["id"]

    with pytest.raises(ValueError, match=r"figure #2: field 'id'"):
        _load_modified(tmp_path, shipped_data)


@pytest.mark.parametrize(
    ("field", "value"), [("date", "June 2025"), ("date", "2025-02-30"), ("secondary", "yes")]
)
def test_it_names_the_source_and_the_field_of_a_bad_source(tmp_path, shipped_data, field, value):
    shipped_data["sources"][0][field] = value

    with pytest.raises(ValueError, match=rf"source ntt-data-2025: field '{field}'"):
        _load_modified(tmp_path, shipped_data)


def test_it_reports_a_file_that_is_not_json(tmp_path):
    path = tmp_path / "benchmarks.json"
    path.write_text("{not json", encoding="utf-8")

    with pytest.raises(ValueError, match="not valid JSON"):
        bm.load_benchmarks(path)


# --------------------------------------------------------------------------- share rules


@pytest.mark.parametrize(
    ("rule", "value", "expected"),
    [
        ({"op": ">=", "value": 4}, 3, False),
        ({"op": ">=", "value": 4}, 4, True),
        ({"op": ">=", "value": 4}, 5, True),
        ({"op": "<=", "value": 2}, 1, True),
        ({"op": "<=", "value": 2}, 2, True),
        ({"op": "<=", "value": 2}, 3, False),
        ({"op": "==", "value": 5}, 5, True),
        ({"op": "==", "value": 5}, 4, False),
        ({"op": ">=", "value": 4}, "5", True),
        ({"op": ">=", "value": 4}, "dk", None),
        ({"op": ">=", "value": 4}, "Don't know", None),
        ({"op": ">=", "value": 4}, None, None),
        ({"op": ">=", "value": 4}, "", None),
    ],
)
def test_it_matches_an_answer_against_a_share_rule(rule, value, expected):
    assert bm.share_matches(rule, value) is expected


@pytest.mark.parametrize("value", [0, 6, "6", "maybe", True, 4.0])
def test_it_rejects_an_answer_that_is_not_on_the_scale(value):
    with pytest.raises(ValueError):
        bm.share_matches({"op": ">=", "value": 4}, value)


@pytest.mark.parametrize(
    "rule", [{"op": "!=", "value": 3}, {"op": ">=", "value": 0}, {"op": ">="}, "x >= 4"]
)
def test_it_rejects_a_malformed_share_rule(rule):
    with pytest.raises(ValueError):
        bm.share_matches(rule, 3)


@pytest.mark.parametrize(
    ("rule", "label"),
    [
        ({"op": ">=", "value": 4}, "answered 4 or 5"),
        ({"op": ">=", "value": 3}, "answered 3 to 5"),
        ({"op": "<=", "value": 2}, "answered 1 or 2"),
        ({"op": "==", "value": 5}, "answered 5"),
    ],
)
def test_it_describes_a_share_rule_in_words(rule, label):
    assert bm.share_rule(rule).label == label


# --------------------------------------------------------------------------- placement


def test_it_places_each_compared_executive_against_their_own_survey_figure():
    result = bm.place_respondents(None, {"3.2": 2}, {"3.2": 4})

    ceo, ciso = _placement(result, "B6", "ceo"), _placement(result, "B6", "ciso")
    assert ceo == {
        "role": "ceo",
        "answer": 2,
        "status": "answered",
        "in_share": True,
        "survey_percent": 20,
    }
    assert ciso["in_share"] is False and ciso["survey_percent"] == 54


def test_it_places_only_the_roles_a_figure_compares():
    result = bm.place_respondents(None, {"1.1": 4, "2.4": 5}, {"1.1": 2, "2.4": 5})

    rows = {r["figure_id"]: r for r in result}
    assert [p["role"] for p in rows["B1"]["placements"]] == ["ceo", "ciso"]
    assert [p["role"] for p in rows["B2"]["placements"]] == ["ceo"]
    assert [p["role"] for p in rows["B9"]["placements"]] == ["ciso"]
    assert _placement(result, "B1", "ciso")["in_share"] is False  # 2 is below ">= 3"
    assert _placement(result, "B9", "ciso")["in_share"] is True  # exactly 5


def test_it_does_not_place_a_dont_know_or_a_missing_answer():
    result = bm.place_respondents(None, {"4.1": "dk"}, {})

    ceo, ciso = _placement(result, "B7", "ceo"), _placement(result, "B7", "ciso")
    assert (ceo["answer"], ceo["status"], ceo["in_share"]) == (None, "dont_know", None)
    assert (ciso["answer"], ciso["status"], ciso["in_share"]) == (None, "unanswered", None)


def test_it_leaves_out_context_only_figures():
    result = bm.place_respondents(None, {}, {})

    assert "B17" not in [r["figure_id"] for r in result]
    assert len(result) == 16


def test_it_carries_the_citation_flags_and_rule_with_each_placement():
    result = bm.place_respondents(None, {"1.2": 5}, {})

    row = next(r for r in result if r["figure_id"] == "B3")
    assert row["flags"] == ["unverified"]
    assert row["share"] == ">= 4" and row["share_label"] == "answered 4 or 5"
    assert row["citation"].startswith("NTT DATA")
    assert row["item"] == "1.2"


@pytest.mark.parametrize(
    ("ceo", "ciso", "disagree", "in_share"),
    [
        (1, 4, True, None),
        (2, 1, False, True),
        (3, 5, False, False),
        ("dk", 2, None, None),
        (None, 2, None, None),
    ],
)
def test_it_flags_when_ceo_and_ciso_disagree_about_the_organisation(ceo, ciso, disagree, in_share):
    result = bm.place_respondents(None, {"3.1": ceo}, {"3.1": ciso})

    row = next(r for r in result if r["figure_id"] == "B8")
    assert row["disagree"] is disagree
    assert row["in_share"] is in_share
    assert [p["survey_percent"] for p in row["placements"]] == [72, 72]


def test_it_only_flags_disagreement_for_organisation_figures():
    result = bm.place_respondents(None, {"3.2": 1}, {"3.2": 5})

    row = next(r for r in result if r["figure_id"] == "B6")
    assert row["disagree"] is None


def test_it_names_the_role_and_item_of_an_invalid_answer():
    with pytest.raises(ValueError, match="ciso answer to item 6.1"):
        bm.place_respondents(None, {}, {"6.1": 9})


def test_it_agrees_with_the_shipped_question_bank():
    bank_path = bm.DEFAULT_PATH.parents[2] / "assessments/data/question_banks/parley-genai-v1.json"
    if not bank_path.exists():
        pytest.skip("the default question bank is not in this checkout")
    bank = json.loads(bank_path.read_text(encoding="utf-8"))
    linked = {
        (figure_id, item["code"], dimension["code"])
        for dimension in bank["dimensions"]
        for item in dimension["items"]
        for figure_id in item["benchmarks"]
    }
    data = bm.load_benchmarks()

    mapped = {(f.id, f.item) for f in data.figures if f.item}
    assert mapped == {(fid, item) for fid, item, _dim in linked if fid != "B17"}
    context = data.figure("B17")
    assert context.dimension in {dim for fid, _item, dim in linked if fid == "B17"}
