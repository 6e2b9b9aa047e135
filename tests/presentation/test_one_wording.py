"""One read model, one wording: the results page, the PDF report (as pdftotext reads it) and
the XLSX export show the same words for the same answer, the same severity words, and the
web pages and the PDF share one palette."""

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from alignment.presentation import palette, words
from alignment.presentation.model import round_view
from alignment.spreadsheets import export_tables, xlsx_bytes
from organizations.contrast import AA_NORMAL_TEXT, contrast_ratio
from reports.rendering import render_pdf
from tests.factories import MembershipFactory, scored_assessment
from tests.reports.pdftools import text as pdf_text

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(questionnaire, organization):
    return scored_assessment(questionnaire, organization=organization)


def _squash(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip()


def _page_text(client, scored) -> str:
    member = MembershipFactory(organization=scored.organization, role="consultant").user
    client.force_login(member)
    url = f"/organisations/{scored.organization.slug}/assessments/{scored.code}/results/"
    html = client.get(url).content.decode()
    return _squash(re.sub(r"<[^>]+>", " ", html).replace("&#x27;", "'"))


def _xlsx_answer_words(scored) -> dict[tuple[str, str], str]:
    workbook = load_workbook(io.BytesIO(xlsx_bytes(export_tables([scored]))), read_only=True)
    rows = list(workbook["Answers"].iter_rows(values_only=True))
    header = list(rows[0])
    role, item, words_column = (header.index(n) for n in ("Role", "Item", "Answer in words"))
    return {(row[role], row[item]): row[words_column] for row in rows[1:]}


def test_the_page_the_pdf_and_the_xlsx_word_every_answer_alike(client, scored):
    view = round_view(scored)
    page = _page_text(client, scored)
    pdf = _squash(pdf_text(render_pdf(view.result).pdf))
    xlsx = _xlsx_answer_words(scored)
    checked = 0
    for item in view.items:
        for role in ("ceo", "ciso"):
            answer = item.side(role)
            expected = words.answer_words(None, answer.value, answer.dont_know)
            if answer.value is not None:
                expected = answer.words  # with the anchor label
                assert expected.startswith(f"{answer.value} \u2013 ")
            assert answer.words in page, (item.code, role)
            assert answer.words in pdf, (item.code, role)
            assert xlsx[(words.ROLE_LABELS[role], item.code)] == expected
            checked += 1
    assert checked == 2 * len(view.items) == 88


def test_the_page_and_the_pdf_use_the_same_severity_words(client, scored):
    view = round_view(scored)
    page = _page_text(client, scored)
    pdf = _squash(pdf_text(render_pdf(view.result).pdf))
    shown = {item.severity.words for item in view.items}
    assert len(shown) >= 3  # a realistic round has several severities
    for severity_words in shown:
        assert severity_words in page and severity_words in pdf


def test_the_committed_palette_css_is_the_one_palette_py_writes():
    committed = (ROOT / "static/css/palette.css").read_text(encoding="utf-8")
    assert committed == palette.css(), (
        "static/css/palette.css is stale: run "
        "`python -m alignment.presentation.palette > static/css/palette.css`"
    )
    written = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "alignment.presentation.palette"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert written == committed


def test_every_severity_has_a_glyph_words_and_a_swatch_with_readable_text():
    for key in words.SEVERITY_GLYPHS:
        assert words.SEVERITY_WORDS[key] and words.SEVERITY_LEGEND[key]
        swatch = palette.SEVERITY[key]
        assert contrast_ratio(swatch.fill, swatch.text) >= AA_NORMAL_TEXT, key
