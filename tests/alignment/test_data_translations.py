"""The recommendations' advice and the benchmark figures in every language: the overlay files
beside the English ones (docs/translations.md), checked against the English structure, and
applied by load_recommendations / load_benchmarks in the active language.

The shipped-languages tests run over settings.LANGUAGES minus English, so a language's files
are checked as soon as they land; a missing file fails in CI (CI=true) and is skipped elsewhere.
"""

import copy
import json

import pytest
from django.conf import settings
from django.utils import translation

from alignment import benchmarks as bm
from alignment import data_translations
from alignment import recommendations as rec
from tests.services import missing

TRANSLATED = [code for code, _name in settings.LANGUAGES if code != "en"]
MODULES = {"recommendations": rec, "benchmarks": bm}


def _english(module) -> dict:
    return json.loads(module.DEFAULT_PATH.read_text(encoding="utf-8"))


def _shipped(module, language: str) -> dict:
    path = data_translations.overlay_path(module.DEFAULT_PATH, language)
    if not path.is_file():
        missing(f"{path.name} has not landed")
    return json.loads(path.read_text(encoding="utf-8"))


def _texts(template) -> list[str]:
    """Every text of a text template (or an overlay of the same shape), in order."""
    if isinstance(template, str):
        return [template]
    if isinstance(template, list):
        return [text for entry in template for text in _texts(entry)]
    return [
        text
        for key, value in template.items()
        if key not in data_translations.ID_KEYS | {"language"}
        for text in _texts(value)
    ]


# --------------------------------------------------------------------------- shipped files


@pytest.mark.parametrize("language", TRANSLATED)
@pytest.mark.parametrize("kind", sorted(MODULES))
def test_the_shipped_translation_has_every_displayed_text(kind, language):
    module = MODULES[kind]
    english, overlay = _english(module), _shipped(module, language)
    merged = module.translate(english, overlay, language)  # refuses an unknown key or id
    assert merged.missing == ()
    # Exactly the English structure's displayed texts, each translated, not the English
    # copied: a short one may read the same ("CEOs", "CISOs"), a sentence may not.
    template = module.text_template(english)
    ours, theirs = _texts(overlay), _texts(template)
    assert len(ours) == len(theirs)
    copied = [
        text
        for text, source in zip(ours, theirs, strict=True)
        if text == source and len(text.split()) > 3
    ]
    assert copied == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_translated_advice_keeps_the_framework_references_and_leads(language):
    """References are not in the overlay: the translated data has the English ones."""
    _shipped(rec, language)
    with translation.override("en"):
        english = rec.load_recommendations()
    with translation.override(language):
        translated = rec.load_recommendations()
    for code, advice in english.dimensions.items():
        other = translated.dimensions[code]
        assert other.knowledge_gap.references == advice.knowledge_gap.references
        for band, entries in advice.bands.items():
            for direction, entry in entries.items():
                theirs = other.bands[band][direction]
                assert (theirs.references, theirs.lead) == (entry.references, entry.lead)
                assert theirs.action != entry.action


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_translated_figures_keep_the_numbers_and_the_citation(language):
    _shipped(bm, language)
    with translation.override("en"):
        english = bm.load_benchmarks()
        english_citations = [english.citation(fig) for fig in english.figures]
    with translation.override(language):
        translated = bm.load_benchmarks()
        # The survey's title and publisher as published, the frame in the language.
        for fig, source in zip(translated.figures, english.figures, strict=True):
            assert (fig.id, fig.percent, fig.share, fig.flags) == (
                source.id,
                source.percent,
                source.share,
                source.flags,
            )
            assert fig.figure != source.figure
            title = english.sources[fig.source].title
            assert title in translated.citation(fig)
    assert len(english_citations) == len(translated.figures)


# --------------------------------------------------------------------------- the rules


def _overlay(module, language="de") -> dict:
    """An overlay built from the English texts, marked so a test can see which were used."""
    template = module.text_template(_english(module))

    def mark(node):
        if isinstance(node, str):
            return f"[{language}] {node}"
        if isinstance(node, list):
            return [mark(entry) for entry in node]
        return {k: v if k in data_translations.ID_KEYS else mark(v) for k, v in node.items()}

    return {"language": language, **mark(template)}


def test_an_unknown_key_is_refused_with_its_path():
    overlay = _overlay(rec)
    overlay["dimensions"][2]["bands"]["critical"]["any"]["lead"] = "Board"
    with pytest.raises(ValueError) as error:
        rec.translate(_english(rec), overlay, "de")
    assert str(error.value) == (
        "recommendations.de.json: dimensions.D3.bands.critical.any: "
        "field 'lead' is not a translatable field"
    )


def test_a_band_or_direction_the_english_lacks_is_refused():
    overlay = _overlay(rec)
    overlay["dimensions"][0]["bands"]["aligned"]["ceo_more_optimistic"] = {"action": "x"}
    with pytest.raises(ValueError, match="dimensions.D1.bands.aligned: field "):
        rec.translate(_english(rec), overlay, "de")


def test_a_source_is_not_translatable():
    overlay = _overlay(bm)
    overlay["sources"] = [{"id": "ntt-data-2025", "title": "Der Balanceakt"}]
    with pytest.raises(ValueError, match="top level: field 'sources' is not a translatable"):
        bm.translate(_english(bm), overlay, "de")


def test_a_note_the_english_figure_does_not_have_is_refused():
    overlay = _overlay(bm)
    assert "note" not in overlay["figures"][0]
    overlay["figures"][0]["note"] = "Hinweis"
    with pytest.raises(ValueError, match="figures.B1: field 'note' is not a translatable"):
        bm.translate(_english(bm), overlay, "de")


def test_entries_out_of_order_are_refused():
    overlay = _overlay(bm)
    overlay["figures"][0], overlay["figures"][1] = overlay["figures"][1], overlay["figures"][0]
    with pytest.raises(ValueError, match="field 'id' must be 'B1'"):
        bm.translate(_english(bm), overlay, "de")


def test_a_missing_entry_is_refused():
    overlay = _overlay(rec)
    del overlay["dimensions"][-1]
    with pytest.raises(ValueError, match="dimensions: must be a list of 10 entries"):
        rec.translate(_english(rec), overlay, "de")


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda o: o.update(language="fr"), "field 'language' must be 'de'"),
        (lambda o: o["figures"][3].update(figure=95), "figures.B4.figure: must be a string"),
    ],
)
def test_a_wrong_language_or_a_text_that_is_not_a_string_is_refused(change, problem):
    overlay = _overlay(bm)
    change(overlay)
    with pytest.raises(ValueError, match=problem):
        bm.translate(_english(bm), overlay, "de")


def test_a_missing_or_blank_text_falls_back_to_english_field_by_field():
    english = _english(rec)
    overlay = _overlay(rec)
    del overlay["dimensions"][1]["bands"]["material"]["any"]["action"]
    overlay["dimensions"][1]["knowledge_gap"]["why"] = "  "
    merged = rec.translate(english, overlay, "de")
    assert merged.missing == (
        "dimensions.D2.knowledge_gap.why",
        "dimensions.D2.bands.material.any.action",
    )
    data = rec.parse_recommendations(merged.data)
    entry = data.dimensions["D2"].bands["material"]["any"]
    source = english["dimensions"][1]["bands"]["material"]["any"]
    assert entry.action == source["action"]
    assert entry.why == f"[de] {source['why']}"
    assert (
        data.dimensions["D2"].knowledge_gap.why == english["dimensions"][1]["knowledge_gap"]["why"]
    )
    assert english == _english(rec)  # the English data is not changed


def test_a_whole_missing_figure_text_falls_back_and_is_reported():
    overlay = _overlay(bm)
    del overlay["figures"][2]["note"]
    merged = bm.translate(_english(bm), overlay, "de")
    assert merged.missing == ("figures.B3.note",)
    assert bm.parse_benchmarks(merged.data).figure("B3").note == "Found in a secondary source only."


def test_a_translated_action_over_the_limit_is_refused():
    overlay = _overlay(rec)
    overlay["dimensions"][0]["knowledge_gap"]["action"] = "x" * (rec.MAX_ACTION_CHARS + 1)
    with pytest.raises(ValueError, match="knowledge_gap.action' is longer than 400"):
        rec.translate(_english(rec), overlay, "de")


# --------------------------------------------------------------------------- the loaders


def test_english_is_the_english_file_unchanged():
    with translation.override("en"):
        loaded = rec.load_recommendations()
        figures = bm.load_benchmarks()
    assert loaded == rec.parse_recommendations(_english(rec))
    assert figures == bm.parse_benchmarks(_english(bm))
    assert loaded == rec.load_recommendations(rec.DEFAULT_PATH)


def test_a_language_without_a_file_reads_english():
    with translation.override("en"):
        english = rec.load_recommendations()
    with translation.override("pt-br"):
        assert rec.load_recommendations() is english


def test_each_language_is_loaded_once_per_process():
    """Cached per language: a second load in a language reads and parses nothing."""
    with translation.override("de"):
        first, figures = rec.load_recommendations(), bm.load_benchmarks()
        before = (rec._load_default.cache_info().misses, bm._load_default.cache_info().misses)
        assert rec.load_recommendations() is first
        assert bm.load_benchmarks() is figures
        after = (rec._load_default.cache_info().misses, bm._load_default.cache_info().misses)
    assert after == before


def test_recommend_gives_the_advice_in_the_active_language():
    score = {
        "code": "D2",
        "name": "Risikobereitschaft",
        "mean_abs_gap": 2.5,
        "direction": "ceo_more_optimistic",
        "alignment_index": 30.0,
        "knowledge_gaps": 0,
    }
    german = json.loads(
        data_translations.overlay_path(rec.DEFAULT_PATH, "de").read_text(encoding="utf-8")
    )
    expected = german["dimensions"][1]["bands"]["critical"]["ceo_more_optimistic"]
    with translation.override("de"):
        (found,) = rec.recommend([copy.deepcopy(score)])
    assert (found["action"], found["why"]) == (expected["action"], expected["why"])
    assert found["references"] == list(
        rec.parse_recommendations(_english(rec))
        .dimensions["D2"]
        .bands["critical"]["ceo_more_optimistic"]
        .references
    )
