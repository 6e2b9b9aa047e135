"""Bank translations: files beside the bank, loaded by load_question_bank, stored on the
rows, served by the cached layout in the respondent's language (no extra query)."""

import json

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.bank_translations import read_translation_file, translation_files
from assessments.models import Question, Questionnaire
from assessments.question_bank import SHIPPED_BANKS, read_bank_file
from assessments.selectors import bank_translation_gaps, questionnaire_layout

from .banks import bank_with_translations, load, translation_of

pytestmark = pytest.mark.django_db
V1 = SHIPPED_BANKS[0]


def test_a_bank_loads_with_its_translations(tmp_path):
    path = bank_with_translations(
        tmp_path, {"de": translation_of(V1, "de", "DE"), "ja": translation_of(V1, "ja", "JA")}
    )
    load(path)
    questionnaire = Questionnaire.objects.get(slug="parley-genai", version=1)
    item = Question.objects.get(questionnaire=questionnaire, code="3.2")
    assert item.translations["de"]["ceo_text"] == "DE " + item.ceo_text
    assert item.translations["ja"]["anchors"] == ["JA " + a for a in item.anchors]
    assert questionnaire.translations["de"]["title"] == "DE " + questionnaire.title
    assert bank_translation_gaps(questionnaire)["de"] == []
    assert bank_translation_gaps(questionnaire)["fr"]  # no French file: all in English


def test_correcting_a_published_banks_translation_needs_no_new_version(questionnaire, tmp_path):
    content_hash = questionnaire.content_hash
    german = translation_of(V1, "de", "DE")
    load(bank_with_translations(tmp_path, {"de": german}))
    german["items"]["1.1"]["ceo_text"] = "Korrigiert"
    load(bank_with_translations(tmp_path, {"de": german}))
    assert Questionnaire.objects.filter(slug="parley-genai", version=1).count() == 1
    questionnaire.refresh_from_db()
    assert questionnaire.content_hash == content_hash
    assert questionnaire.questions.get(code="1.1").translations["de"]["ceo_text"] == "Korrigiert"
    layout = questionnaire_layout(questionnaire, "de")
    assert layout.questions[0].ceo_text == "Korrigiert"  # the cached layout was renewed


def test_a_missing_field_falls_back_to_english_and_is_flagged(questionnaire, tmp_path, capsys):
    german = translation_of(V1, "de", "DE")
    del german["items"]["3.2"]["ciso_text"]
    del german["dimensions"]["D4"]
    path = bank_with_translations(tmp_path, {"de": german})
    call_command("load_question_bank", str(path))
    assert (
        'de: item 3.2: field "ciso_text" is missing (English is shown)' in capsys.readouterr().err
    )
    item = questionnaire.questions.get(code="3.2")
    shown = next(q for q in questionnaire_layout(questionnaire, "de").questions if q.code == "3.2")
    assert shown.ciso_text == item.ciso_text
    assert shown.ceo_text == "DE " + item.ceo_text
    gaps = bank_translation_gaps(Questionnaire.objects.get(pk=questionnaire.pk))["de"]
    assert "item 3.2: ciso_text" in gaps and "dimension D4: name" in gaps


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t["items"].update({"99.1": {"ceo_text": "x"}}), "item 99.1: not in the English bank"),
        (lambda t: t["items"]["3.2"].update({"ceo_text": 3}), 'item 3.2: field "ceo_text" must be a string'),
        (lambda t: t["items"]["3.2"].update({"reverse": True}), 'item 3.2: field "reverse" is not a translatable field'),
        (lambda t: t["scales"].update({"A": ["only one"]}), 'scale A: field "A" must be a list of 5 labels'),
        (lambda t: t.update({"language": "fr"}), 'field "language" must be "de"'),
        (lambda t: t.update({"version": 7}), 'fields "slug" and "version" must be "parley-genai" and 1'),
    ],
    ids=["extra-item", "wrong-type", "not-translatable", "anchors", "language", "version"],
)  # fmt: skip
def test_a_bad_translation_is_refused_with_the_item_and_the_field(tmp_path, change, message):
    german = translation_of(V1, "de", "DE")
    change(german)
    path = bank_with_translations(tmp_path, {"de": german})
    with pytest.raises(CommandError) as refused:
        load(path)
    assert "parley-genai-v1.de.json: " in str(refused.value)
    assert message in str(refused.value)
    assert not Questionnaire.objects.exists()  # nothing loaded, the bank neither


def test_the_layout_serves_each_language_without_a_query(questionnaire, tmp_path):
    load(bank_with_translations(tmp_path, {"de": translation_of(V1, "de", "DE")}))
    questionnaire = Questionnaire.objects.get(pk=questionnaire.pk)
    english = questionnaire_layout(questionnaire, "en")
    with CaptureQueriesContext(connection) as queries:
        german = questionnaire_layout(questionnaire, "de")
        again = questionnaire_layout(questionnaire, "de")
        french = questionnaire_layout(questionnaire, "fr")  # no file: English throughout
    assert len(queries) == 0
    assert german is again
    assert german.dimensions[0].name == "DE " + english.dimensions[0].name
    assert german.questions[0].text_for("ciso") == "DE " + english.questions[0].ciso_text
    assert french.questions[0].ceo_text == english.questions[0].ceo_text
    assert english.questions[0].ceo_text == questionnaire.questions.get(code="1.1").ceo_text


# --- The shipped languages ----------------------------------------------------------------

SHIPPED_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]


@pytest.mark.parametrize("bank", SHIPPED_BANKS, ids=lambda p: p.stem)
@pytest.mark.parametrize("language", SHIPPED_LANGUAGES)
def test_the_shipped_translations_are_complete(bank, language):
    """Every text of the English bank in every shipped language: a missing file or a
    missing text fails."""
    files = dict(translation_files(bank))
    assert language in files, f"no {bank.stem}.{language}.json (present: {sorted(files)})"
    translation = read_translation_file(files[language], read_bank_file(bank), language)
    assert translation.missing == (), "\n".join(translation.missing)


def test_no_translation_file_names_a_language_parley_does_not_offer():
    offered = dict(settings.LANGUAGES)
    for bank in SHIPPED_BANKS:
        for language, path in translation_files(bank):
            assert language in offered, f"{path.name}: {language} is not in settings.LANGUAGES"
            assert json.loads(path.read_text(encoding="utf-8"))["language"] == language


@pytest.mark.parametrize("bank", SHIPPED_BANKS, ids=lambda p: p.stem)
def test_a_complete_translation_of_each_shipped_bank_has_no_gaps(bank, tmp_path):
    """The checker itself: a file with every text (felt question included) passes it, and
    the felt question's anchors come from its translated scale."""
    translation = translation_of(bank, "de", "DE")
    path = tmp_path / f"{bank.stem}.de.json"
    path.write_text(json.dumps(translation), encoding="utf-8")
    parsed = read_translation_file(path, read_bank_file(bank), "de")
    assert parsed.missing == ()
    if "felt" in translation:
        assert all(a.startswith("DE ") for a in parsed.questionnaire["felt_anchors"])


def test_the_admins_bank_view_flags_what_shows_in_english(client, staff_user, tmp_path):
    german = translation_of(V1, "de", "DE")
    del german["items"]["3.2"]["ciso_text"]
    load(bank_with_translations(tmp_path, {"de": german, "ja": translation_of(V1, "ja", "JA")}))
    questionnaire = Questionnaire.objects.get(slug="parley-genai", version=1)
    client.force_login(staff_user)
    response = client.get(f"/admin/assessments/questionnaire/{questionnaire.pk}/change/")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<li data-translation="ok"><strong>日本語</strong>: complete</li>' in body
    assert "<strong>Deutsch</strong>: 1 field shown in English: item 3.2: ciso_text" in body
    assert '<li data-translation="missing"><strong>Français</strong>' in body
