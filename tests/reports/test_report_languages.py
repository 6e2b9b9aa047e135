"""The PDF report in German, French, Spanish and Japanese, as a reader meets it (pdftotext,
pdffonts): its headings translated, every font embedded, the Japanese set in Noto Sans CJK
JP with the bank's Japanese wording and no replacement character; the organisation's report
language as the default; one round with its report in two languages.

The expected headings are read from the compiled catalogs (never written here), and must
differ from the English. The catalogs are compiled from the repository's locale/ once per
session; a language whose catalog is missing fails in CI (CI=true) and is skipped elsewhere.
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from alignment import charts
from alignment.presentation.model import round_view
from alignment.services import assessment_score
from assessments.selectors import questionnaire_layout
from reports.models import Report
from reports.packs import RenderOptions
from reports.rendering import render_pdf
from reports.services import report_render, report_request
from tests.factories import realistic_assessment
from tests.reports import pdftools

pytestmark = pytest.mark.django_db
LANGUAGES = ("de", "fr", "es", "ja")
# Headings of the full report and of the board brief, as msgids of the report templates.
FULL_HEADINGS = ("Executive summary", "Dimension by dimension", "Appendix: methodology")
BOARD_HEADINGS = ("Where they stand", "The three widest gaps", "Perceived alignment")
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@pytest.fixture(scope="session")
def catalogs(django_db_blocker) -> set[str]:
    """Compile the repository's catalogs; the languages that have one."""
    if shutil.which("msgfmt") is None:
        _missing("gettext's msgfmt is not installed: no catalog can be compiled")
        return set()
    call_command("compilemessages", verbosity=0, ignore_patterns=[".venv/*", "node_modules/*"])
    locale = Path(settings.LOCALE_PATHS[0])
    return {lang for lang in LANGUAGES if (locale / lang / "LC_MESSAGES" / "django.mo").is_file()}


def _missing(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def translated(lang: str, catalogs: set[str], msgids: tuple[str, ...]) -> list[str]:
    """Each msgid in `lang` from its compiled catalog, which must translate it."""
    if lang not in catalogs:
        _missing(f"no compiled catalog for {lang} (locale/{lang}/LC_MESSAGES/django.po)")
    with translation.override(lang):
        # As pdftools.text reads the PDF: every run of white space (a French no-break space
        # before a colon too) one space.
        words = [re.sub(r"\s+", " ", gettext(msgid)) for msgid in msgids]
    untranslated = [msgid for msgid, word in zip(msgids, words, strict=True) if word == msgid]
    if untranslated:
        _missing(f"{lang}: the catalog does not translate {untranslated}")
    return words


@pytest.fixture
def result(questionnaire_v2, organization):
    """A realistic round on version 2 of the bank, scored (the organisation's consultant is
    `consultant_client`)."""
    assessment = realistic_assessment(questionnaire_v2, organization=organization)
    return assessment_score(assessment_id=assessment.pk)


def _fonts_embedded(pdf: bytes) -> list[str]:
    fonts = pdftools.fonts(pdf)
    assert fonts, "the PDF uses no font"
    assert all(font["emb"] == "yes" for font in fonts), fonts
    assert not any("Type 3" in font["name"] for font in fonts)
    return [font["name"] for font in fonts]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_full_report_and_the_board_brief_in_each_language(result, catalogs, lang):
    full_words = translated(lang, catalogs, FULL_HEADINGS)
    board_words = translated(lang, catalogs, BOARD_HEADINGS)
    for pack, words in (("full", full_words), ("board", board_words)):
        rendered = render_pdf(result, options=RenderOptions.build(pack, language=lang))
        # System fonts come from fontconfig: the fetcher still serves only the app's files.
        assert rendered.refused == []
        pdf = rendered.pdf
        text = pdftools.text(pdf)
        for word, english in zip(
            words, FULL_HEADINGS if pack == "full" else BOARD_HEADINGS, strict=True
        ):
            assert word != english
            assert word in text, f"{lang} {pack}: {word!r} not found"
        assert "\ufffd" not in text
        fonts = _fonts_embedded(pdf)
        if pack == "full":
            # The means (CEO 4.0, CISO 3.3) with the language's decimal separator.
            separator = "." if lang == "ja" else ","
            assert re.search(rf"\b[1-5]{re.escape(separator)}\d\b", text)
        if lang == "ja":
            assert any("Noto-Sans-CJK-JP" in name for name in fonts), fonts
            assert len(JAPANESE.findall(text)) > 100
        else:
            assert not any("CJK" in name for name in fonts), fonts
        assert pdftools.info(pdf)["Tagged"] == "yes"


def test_the_japanese_report_carries_the_banks_japanese_wording(result, catalogs):
    translated("ja", catalogs, FULL_HEADINGS)
    pdf = render_pdf(result, options=RenderOptions.build("full", language="ja")).pdf
    text = pdftools.text(pdf).replace(" ", "")
    with translation.override("ja"):
        layout = questionnaire_layout(result.assessment.questionnaire)
    first = layout.questions[0].ceo_text
    assert JAPANESE.search(first), "the shipped bank has no Japanese wording"
    assert first.replace(" ", "") in text
    dimension = layout.dimensions[0].name
    assert JAPANESE.search(dimension) and dimension.replace(" ", "") in text
    assert "\ufffd" not in text
    # Dates in Japanese, not "1 12月 2026".
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日", text)


def test_the_english_report_uses_no_japanese_font(result):
    pdf = render_pdf(result, options=RenderOptions.build("full", language="en")).pdf
    text = pdftools.text(pdf)
    assert "Executive summary" in text and not JAPANESE.search(text)
    assert re.search(r"\b[1-5]\.\d\b", text) and not re.search(r"\b[1-5],\d\b", text)
    assert not any("CJK" in name for name in _fonts_embedded(pdf))


def test_a_report_asked_for_without_a_language_is_in_the_organisations(result, catalogs):
    """Scoring, the sweeper and "render a fresh copy" ask without a language."""
    words = translated("de", catalogs, FULL_HEADINGS)
    organization = result.assessment.organization
    organization.report_language = "de"
    organization.save(update_fields=["report_language"])
    report = report_request(assessment=result.assessment, result=result)
    assert report.language == "de"
    report = report_render(report_id=report.pk)
    assert report.status == Report.Status.READY
    assert words[0] in pdftools.text(report.file.read())


def test_render_report_takes_the_organisations_language_unless_told(result, catalogs, tmp_path):
    words = translated("ja", catalogs, BOARD_HEADINGS)
    organization = result.assessment.organization
    organization.report_language = "ja"
    organization.save(update_fields=["report_language"])
    default, english = tmp_path / "default.pdf", tmp_path / "en.pdf"
    call_command("render_report", result.assessment.code, "-o", str(default), "--pack", "board")
    call_command(
        "render_report",
        result.assessment.code,
        "-o",
        str(english),
        "--pack",
        "board",
        "--lang",
        "en",
    )
    assert words[1] in pdftools.text(default.read_bytes())
    assert words[1] not in pdftools.text(english.read_bytes())
    with translation.override("ja"):
        heading = re.sub(r"\s+", " ", gettext(BOARD_HEADINGS[0]))
    assert heading != BOARD_HEADINGS[0]
    assert heading in pdftools.text(default.read_bytes())
    assert BOARD_HEADINGS[0] in pdftools.text(english.read_bytes())


def test_one_round_has_its_report_in_two_languages(result, catalogs):
    fr_words = translated("fr", catalogs, FULL_HEADINGS)
    ja_words = translated("ja", catalogs, FULL_HEADINGS)
    french = report_request(
        assessment=result.assessment, result=result, options=RenderOptions.build(language="fr")
    )
    japanese = report_request(
        assessment=result.assessment, result=result, options=RenderOptions.build(language="ja")
    )
    assert french.pk != japanese.pk
    french, japanese = (report_render(report_id=r.pk) for r in (french, japanese))
    assert Report.objects.filter(result=result, status=Report.Status.READY).count() == 2
    assert {french.language, japanese.language} == {"fr", "ja"}
    french_text = pdftools.text(french.file.read())
    japanese_text = pdftools.text(japanese.file.read())
    assert fr_words[0] in french_text and ja_words[0] not in french_text
    assert ja_words[0] in japanese_text and fr_words[0] not in japanese_text


def test_the_report_page_offers_the_organisations_language_first(result, consultant_client):
    organization = result.assessment.organization
    organization.report_language = "es"
    organization.save(update_fields=["report_language"])
    url = f"/organisations/{organization.slug}/assessments/{result.assessment.code}/report/"
    page = consultant_client.get(url).content.decode()
    assert re.search(r'<option value="es"[^>]*selected', page)
    assert not re.search(r'<option value="en"[^>]*selected', page)


def test_a_japanese_chart_label_wraps_between_characters_and_never_starts_with_a_closing_mark():
    lines = charts._wrap("ガバナンス、ポリシー、説明責任", 20, 2)
    assert "".join(lines) == "ガバナンス、ポリシー、説明責任"
    assert all(charts._cells(line) <= 20 for line in lines)
    assert not any(line[0] in "、。ー）」" for line in lines)
    # Latin labels wrap at spaces as before.
    assert charts._wrap("Governance, policy & accountability", 20, 2) == [
        "Governance, policy &",
        "accountability",
    ]


def test_the_japanese_charts_name_the_dimensions_in_japanese(result, catalogs):
    translated("ja", catalogs, FULL_HEADINGS)
    with translation.override("ja"):
        view = round_view(result.assessment)
        bars = str(view.bars_svg())
        name = view.dimensions[0].name
    assert JAPANESE.search(name)
    assert name in bars or name[:8] in bars


def test_render_again_without_a_choice_is_in_the_organisations_language(result, consultant_client):
    """The "render a fresh copy" button posts no language."""
    organization = result.assessment.organization
    organization.report_language = "ja"
    organization.save(update_fields=["report_language"])
    url = reverse("reports:render", args=[organization.slug, result.assessment.code])
    assert consultant_client.post(url).status_code == 302
    consultant_client.post(url, {"pack": "board", "language": "fr"})
    languages = dict(Report.objects.filter(result=result).values_list("pack", "language"))
    assert languages == {"full": "ja", "board": "fr"}
