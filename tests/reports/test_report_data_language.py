"""The report's advice and survey figures in the report's language: the recommendations and
the benchmark statements come from alignment/data/*.<lang>.json (the read model, and the PDF as
pdftotext reads it); English stays the English file's text."""

import json
import re

import pytest
from django.utils import translation

from alignment import benchmarks as bm
from alignment import data_translations
from alignment import recommendations as rec
from alignment.services import assessment_score
from reports.content import report_context
from reports.packs import RenderOptions
from reports.rendering import render_pdf
from tests.factories import realistic_assessment
from tests.reports import pdftools
from tests.services import require_chromium, require_executable

pytestmark = pytest.mark.django_db


@pytest.fixture
def result(questionnaire_v2, organization):
    assessment = realistic_assessment(questionnaire_v2, organization=organization)
    return assessment_score(assessment_id=assessment.pk)


def _file(module, language: str) -> dict:
    path = data_translations.overlay_path(module.DEFAULT_PATH, language)
    return json.loads(path.read_text(encoding="utf-8"))


def _advice(data: dict, rec_row: dict) -> dict:
    """The entry of a recommendations file (English or overlay) a report row was chosen from."""
    dimension = next(d for d in data["dimensions"] if d["code"] == rec_row["code"])
    if rec_row["kind"] == "knowledge_gap":
        return dimension["knowledge_gap"]
    by_direction = dimension["bands"][rec_row["band"]]
    return by_direction.get(rec_row["direction"] or "any") or by_direction["any"]


def _context(result, language: str) -> dict:
    with translation.override(language):
        return report_context(result, options=RenderOptions.build("full", language=language))


@pytest.mark.parametrize("language", ["de", "fr"])
def test_the_read_model_has_the_advice_and_figures_in_the_language(result, language):
    ctx = _context(result, language)
    overlay = _file(rec, language)
    assert ctx["recommendations"], "the realistic round has recommendations"
    for row in ctx["recommendations"]:
        expected = _advice(overlay, row)
        assert (row["action"], row["why"]) == (expected["action"], expected["why"])
    figures = {f["id"]: f for f in _file(bm, language)["figures"]}
    assert ctx["benchmarks"], "the realistic round is compared with survey figures"
    for row in ctx["benchmarks"]:
        assert row["figure"] == figures[row["figure_id"]]["figure"]


def test_english_keeps_the_english_files_text(result):
    ctx = _context(result, "en")
    english = json.loads(rec.DEFAULT_PATH.read_text(encoding="utf-8"))
    for row in ctx["recommendations"]:
        expected = _advice(english, row)
        assert (row["action"], row["why"]) == (expected["action"], expected["why"])
    figures = {f["id"]: f for f in json.loads(bm.DEFAULT_PATH.read_text())["figures"]}
    for row in ctx["benchmarks"]:
        assert row["figure"] == figures[row["figure_id"]]["figure"]


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_the_german_pdf_shows_the_german_advice(result):
    require_chromium()
    require_executable("pdftotext")
    ctx = _context(result, "de")
    first = ctx["recommendations"][0]
    english = _advice(json.loads(rec.DEFAULT_PATH.read_text(encoding="utf-8")), first)
    pdf = render_pdf(result, options=RenderOptions.build("full", language="de")).pdf
    text = pdftools.text(pdf)
    # The start of the first action, as pdftotext reads it (one line's worth: a hyphenated
    # line break would split a longer run).
    assert _words(first["action"])[:40] in text
    assert _words(english["action"])[:40] not in text
    figure = ctx["benchmarks"][0]["figure"]
    assert _words(figure)[:30] in text
