"""The one wording, marked for translation: in English it reads exactly as before, its
constants stay lazy (worded when shown), and machine outputs keep their codes."""

import json
import pickle

import pytest
from django.utils.functional import Promise
from django.utils.translation import override

from alignment import charts, scoring
from alignment.exports import result_document
from alignment.presentation import words
from alignment.presentation.model import round_view
from tests.factories import scored_assessment


def test_every_key_of_the_engine_has_its_words():
    for table, keys in (
        (words.SEVERITY_WORDS, scoring.SEVERITIES),
        (words.BAND_WORDS, scoring.BANDS),
        (words.BAND_WORDS_LOWER, scoring.BANDS),
        (words.DIRECTION_WORDS, scoring.DIRECTIONS),
    ):
        assert set(table) >= set(keys)
    with override("en"):
        assert str(words.BAND_WORDS["broadly_aligned"]) == "Broadly aligned"
        assert str(words.DIRECTION_WORDS["ceo_more_optimistic"]) == "CEO more optimistic"
    assert set(words.SEVERITY_SHORT) == set(words.SEVERITY_GLYPHS)


def test_constants_are_lazy_and_work_as_text():
    word = words.SEVERITY_WORDS["critical"]
    assert isinstance(word, Promise)
    # Hash and equality of the text: a lazy label still finds its row in a dict keyed by text.
    assert {"Critical gap": 1}[word] == 1 and word == "Critical gap"
    assert pickle.loads(pickle.dumps(word)) == "Critical gap"


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (lambda: words.points_apart(1), "1 point apart"),
        (lambda: words.points_apart(3), "3 points apart"),
        (lambda: words.severity_detail(0, None), "same answer"),
        (lambda: words.severity_detail(None, "ciso"), "CISO answered don't know"),
        (lambda: words.severity_detail(None, "both"), "both answered don't know"),
        (lambda: words.severity_detail(None, None), "not answered"),
        (lambda: words.percent(0.625), "63%"),
        (lambda: words.percent(None), "n/a"),
        (lambda: words.band_thresholds_words(), "55, 70 and 85"),
        (lambda: words.band_label(None), "No index"),
        (lambda: words.direction_label("balanced"), "Balanced"),
        (
            lambda: words.view_sentence("ceo", "blind_spot", 2, 0),
            "The CEO expects agreement here; the CISO answered 2 points apart.",
        ),
        (
            lambda: words.view_sentence("ciso", "blind_spot", -3, 1),
            "The CISO expects at most a point between them here; the CEO answered 3 points apart.",
        ),
        (
            lambda: words.view_sentence("ceo", "imagined_gap", 0, 2),
            "The CEO expects a gap of 2 points here; they answered the same.",
        ),
        (
            lambda: words.view_sentence("ceo", "imagined_gap", 1, 3),
            "The CEO expects a gap of 3 points here; they answered within a point of each other.",
        ),
        (
            lambda: words.view_sentence("ciso", "seen_gap", 2, 2),
            "The CISO expected this gap (2 points apart).",
        ),
        (
            lambda: words.view_sentence("ceo", "seen_agreement", 0, 0),
            "The CEO expected this agreement.",
        ),
        (
            lambda: words.view_sentence("ceo", None, None, None),
            "The CEO made no prediction that can be compared here.",
        ),
        (lambda: words.bias_words("ceo", 0.2), "no consistent direction (mean error +0.2)"),
        (
            lambda: words.bias_words("ceo", -1.0),
            "expects the CISO to answer lower than they do (mean error \u22121.0 points)",
        ),
    ],
)
def test_english_sentences_read_as_before(sentence, expected):
    with override("en"):
        assert sentence() == expected


def test_chart_labels_are_drawn_the_same_way_every_time():
    dimensions = [{"code": "D1", "name": "Strategy", "ceo_mean": 4.0, "ciso_mean": 2.5,
                   "alignment_index": 62.5}]  # fmt: skip
    with override("en"):
        bars = charts.alignment_bar_chart(dimensions)
        assert bars == charts.alignment_bar_chart(dimensions)
        assert "70\u201384 broadly aligned" in bars and "63 (55\u201369 partially aligned)" in bars
        felt = charts.felt_vs_measured_chart(measured=62.5, felt={"ceo": 75, "ciso": None})
        assert "CEO feels" in felt and "CISO feels" in felt and "can&#x27;t say" in felt


@pytest.mark.django_db
def test_the_json_export_carries_codes_and_serialises(questionnaire, organization):
    view = round_view(scored_assessment(questionnaire, organization=organization))
    document = json.loads(json.dumps(result_document(view)))
    assert document["overall"]["band"] in scoring.BANDS
    assert {item["severity"] for item in document["items"]} <= {*scoring.SEVERITIES, None}
