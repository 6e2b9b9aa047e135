"""Question banks as spreadsheets: the round trip, the error messages on broken files (every
problem as "sheet, row, column: reason", nothing saved), drafts and publishing."""

import dataclasses
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils.html import escape
from openpyxl import load_workbook

from assessments.bank_xlsx import MAX_BYTES, read_bank_xlsx, write_bank_xlsx
from assessments.forms import AssessmentCreateForm
from assessments.models import Dimension, Question, Questionnaire
from assessments.question_bank import (
    DEFAULT_BANK,
    BankError,
    canonical_hash,
    read_bank_bytes,
    read_bank_file,
)
from assessments.selectors import bank_from_questionnaire
from assessments.services import questionnaire_import, questionnaire_load, questionnaire_publish
from organizations.models import AuditEvent
from tests.security.test_bank_pages import bank_editor

pytestmark = pytest.mark.django_db

GERMAN = {
    "de": {
        "title": "Parley GenAI-Abgleich",
        "scales": {"I": ["Stark sinken", "Sinken", "Gleich", "Steigen", "Stark steigen"]},
        "dimensions": {"D1": {"name": "Strategie", "description": "Wohin es geht"}},
        "items": {"1.1": {"ceo_text": "Wie ändert sich …?", "ciso_text": "Wie ändert sich …?"}},
        "felt": {"ceo_text": "Wie einig sind Sie sich?", "ciso_text": "Wie einig?"},
    }
}


def _shipped():
    return read_bank_file(DEFAULT_BANK)


def _custom(slug="custom-bank", version=1, **changes):
    return dataclasses.replace(_shipped(), slug=slug, version=version, **changes)


def _xlsx(bank=None) -> bytes:
    return write_bank_xlsx(bank or _shipped())


def _edit(data: bytes, change) -> bytes:
    workbook = load_workbook(io.BytesIO(data))
    change(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _problems(data: bytes) -> list[str]:
    with pytest.raises(BankError) as raised:
        read_bank_xlsx(data)
    return [str(problem) for problem in raised.value.problems]


def _counts():
    return Questionnaire.objects.count(), Dimension.objects.count(), Question.objects.count()


# --- The round trip ------------------------------------------------------------------------


def test_export_then_import_gives_the_identical_bank_translations_included():
    bank = dataclasses.replace(_shipped(), translations=GERMAN)
    again = read_bank_xlsx(_xlsx(bank))
    assert again == bank  # every field of the bank, its items and its translations
    assert again.translations == GERMAN
    assert again.felt.scale == "L" and again.felt.anchors == bank.felt.anchors
    assert again.content_hash == canonical_hash(bank)


def test_a_stored_bank_exported_from_the_page_imports_back_identical(staff_user, client):
    call_command("load_question_bank", verbosity=0)
    stored = Questionnaire.objects.get(slug="parley-genai", version=2)
    client.force_login(staff_user)
    kwargs = {"bank": "parley-genai", "version": 2}
    xlsx = client.get(reverse("banks:export", kwargs=kwargs | {"fmt": "xlsx"}))
    as_json = client.get(reverse("banks:export", kwargs=kwargs | {"fmt": "json"}))

    assert xlsx["Content-Disposition"] == 'attachment; filename="parley-genai-v2.xlsx"'
    from_xlsx = read_bank_bytes(xlsx.content, "parley-genai-v2.xlsx")
    from_json = read_bank_bytes(as_json.content, "parley-genai-v2.json")
    from_database = bank_from_questionnaire(stored)
    english = [dataclasses.replace(b, translations={}) for b in (from_xlsx, from_database)]
    assert english[0] == english[1] == from_json == _shipped()
    # The spreadsheet carries the stored languages in its field::lang columns; the JSON bank
    # file is English only (its languages are files of their own).
    assert sorted(from_xlsx.translations) == ["de", "es", "fr", "ja"]
    assert from_xlsx.translations == from_database.translations
    assert from_json.translations == {}
    # Importing it again is "the same bank": nothing changes, nothing is refused.
    outcome = questionnaire_import(bank=from_xlsx)
    assert outcome.created is False and outcome.questionnaire == stored


def test_load_question_bank_reads_a_spreadsheet(tmp_path, capsys):
    path = tmp_path / "custom.xlsx"
    path.write_bytes(_xlsx(_custom()))
    call_command("load_question_bank", str(path))
    assert "Loaded and published custom-bank@1 (10 dimensions, 44 items" in capsys.readouterr().out
    stored = Questionnaire.objects.get(slug="custom-bank", version=1)
    assert stored.is_published
    assert bank_from_questionnaire(stored) == _custom()
    call_command("load_question_bank", str(path))
    assert "already loaded; nothing changed" in capsys.readouterr().out


# --- Broken files --------------------------------------------------------------------------


def _rename_items(wb):
    wb["Items"].title = "Questions"


def _merge(wb):
    wb["Items"].merge_cells("C3:D3")


def _formula(wb):
    wb["Items"]["C5"] = '=CONCAT(D5, "!")'


def _many_rows(wb):
    sheet = wb["Items"]
    for row in range(sheet.max_row + 1, 10_002):
        sheet.cell(row=row, column=1, value="D1")


def _duplicate(wb):
    wb["Items"]["B4"] = "1.1"


def _no_wordings(wb):
    wb["Items"]["C7"] = None
    wb["Items"]["D9"] = None


def _no_header(wb):
    wb["Dimensions"]["F4"] = "a note"


def _bad_values(wb):
    wb["Items"]["F2"] = "maybe"  # reverse
    wb["Items"]["A3"] = "D99"
    wb["Items"]["E4"] = "Z"  # scale
    wb["Bank"]["B2"] = "two"  # version


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            _rename_items,
            [
                "Questions: unexpected sheet; a bank has the sheets Bank, Scales, Dimensions, "
                "Items (and Read me)",
                "Items: the sheet is missing",
            ],
        ),
        (
            _merge,
            [
                "Items, row 3, column C3:D3: merged cells are not allowed; unmerge them and fill "
                "in each cell"
            ],
        ),
        (
            _formula,
            [
                "Items, row 5, column C (ceo_text): a formula; type the value itself (formulas are "
                "never evaluated)"
            ],
        ),
        (_many_rows, ["Items: 10001 rows; a sheet may have at most 2000"]),
        (
            _duplicate,
            ["Items, row 4, column B (code): the code 1.1 is used twice (first on row 2)"],
        ),
        (
            _no_wordings,
            [
                "Items, row 7, column C (ceo_text): is missing",
                "Items, row 9, column D (ciso_text): is missing",
            ],
        ),
        (_no_header, ["Dimensions, row 4, column F: a value in a column without a header"]),
        (
            _bad_values,
            [
                "Items, row 3, column A (dimension): no such dimension on the Dimensions sheet",
                'Items, row 4, column E (scale): names unknown scale "Z"',
                "Items, row 2, column F (reverse): must be true or false",
                "Bank, row 2, column B (version): must be a whole number >= 1",
            ],
        ),
    ],
    ids=[
        "wrong sheet",
        "merged cells",
        "formula",
        "10,000 rows",
        "duplicate code",
        "no CEO or CISO wording",
        "no header",
        "bad values",
    ],
)
def test_a_broken_file_lists_every_problem_by_sheet_row_and_column(change, expected):
    assert sorted(_problems(_edit(_xlsx(), change))) == sorted(expected)


def test_a_formula_is_never_evaluated_even_with_a_cached_value():
    """A spreadsheet program stores a formula's last value beside it; we refuse the cell
    rather than trust or compute either."""
    data = _edit(_xlsx(), lambda wb: wb["Bank"].__setitem__("C2", '=HYPERLINK("x","y")'))
    assert _problems(data) == [
        "Bank, row 2, column C (title): a formula; type the value itself (formulas are never "
        "evaluated)"
    ]


def test_text_that_starts_with_an_equals_sign_stays_text():
    bank = _custom(title="=1+1 is not a formula here")
    assert read_bank_xlsx(_xlsx(bank)).title == "=1+1 is not a formula here"


def test_a_file_too_large_and_not_a_spreadsheet():
    with pytest.raises(BankError, match=r"The file is 10.0 MB; a bank file may be at most 5 MB"):
        read_bank_xlsx(b"PK" + b"\0" * (10 * 1024 * 1024 - 2))
    with pytest.raises(BankError, match="not an XLSX spreadsheet"):
        read_bank_xlsx(b"slug,version\nx,1\n")
    assert MAX_BYTES == 5 * 1024 * 1024


def test_an_unknown_column_and_a_missing_one():
    def change(wb):
        wb["Items"]["C1"] = "ceo_txt"
        wb["Dimensions"]["B1"] = "name::xx-"

    assert sorted(_problems(_edit(_xlsx(), change))) == [
        'Dimensions, row 1, column B: unknown column "name::xx-"',
        'Dimensions, row 1: the column "name" is missing',
        'Items, row 1, column C: unknown column "ceo_txt"',
        'Items, row 1: the column "ceo_text" is missing',
    ]


# --- Importing in the product: all or nothing, drafts, publishing ---------------------------


def _upload(client, data: bytes, name="bank.xlsx"):
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(reverse("banks:list"), {"file": upload})


def test_a_broken_upload_shows_every_problem_and_saves_nothing(client, organization):
    call_command("load_question_bank", verbosity=0)
    before = _counts()
    client.force_login(bank_editor(organization))

    response = _upload(client, _edit(_xlsx(_custom()), _no_wordings))

    assert response.status_code == 400
    html = response.content.decode()
    assert "there are 2 problems. Nothing was saved." in html
    assert "<li>Items, row 7, column C (ceo_text): is missing</li>" in html
    assert _counts() == before


def test_an_upload_becomes_a_draft_that_is_edited_by_importing_again_then_published(
    client, organization
):
    client.force_login(bank_editor(organization))
    response = _upload(client, _xlsx(_custom()))
    assert response.status_code == 302
    draft = Questionnaire.objects.get(slug="custom-bank", version=1)
    assert not draft.is_published
    assert draft not in AssessmentCreateForm().fields["questionnaire"].queryset

    reworded = _custom(title="Custom bank, reworded")
    assert _upload(client, _xlsx(reworded)).status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Custom bank, reworded" and draft.questions.count() == 44
    assert Questionnaire.objects.filter(slug="custom-bank").count() == 1

    kwargs = {"bank": "custom-bank", "version": 1}
    assert client.post(reverse("banks:publish", kwargs=kwargs)).status_code == 302
    draft.refresh_from_db()
    assert draft.is_published
    events = AuditEvent.objects.filter(target="custom-bank@1").order_by("pk")
    assert list(events.values_list("action", flat=True)) == [
        "bank_imported",
        "bank_imported",
        "bank_published",
    ]

    # A published version never changes: a changed file is refused, with the next version.
    refused = _upload(client, _xlsx(_custom(title="Changed after publishing")))
    assert refused.status_code == 400
    assert "already published with different content" in refused.content.decode()
    assert "(e.g. 2)" in refused.content.decode()
    draft.refresh_from_db()
    assert draft.title == "Custom bank, reworded"


def test_the_preview_shows_each_executive_their_own_wording_read_only(client, organization):
    bank = _custom()
    questionnaire = questionnaire_import(bank=bank).questionnaire
    client.force_login(bank_editor(organization))
    kwargs = {"bank": "custom-bank", "version": 1}
    ceo = client.get(reverse("banks:preview", kwargs=kwargs | {"role": "ceo"})).content.decode()
    ciso = client.get(reverse("banks:preview", kwargs=kwargs | {"role": "ciso"})).content.decode()
    item = bank.dimensions[0].items[0]
    assert escape(item.ceo_text) in ceo and escape(item.ciso_text) not in ceo
    assert escape(item.ciso_text) in ciso and escape(item.ceo_text) not in ciso
    assert "<fieldset disabled>" in ceo and "<form" not in ceo.split('data-preview="ceo"')[1]
    # five anchors and "Don't know" for every item
    assert ceo.count('name="q-') == questionnaire.questions.count() * 6
    assert client.get(reverse("banks:preview", kwargs=kwargs | {"role": "cfo"})).status_code == 404


def test_a_new_round_defaults_to_the_shipped_bank_and_offers_the_published_ones(organization):
    call_command("load_question_bank", verbosity=0)
    custom = questionnaire_publish(questionnaire=questionnaire_import(bank=_custom()).questionnaire)
    form = AssessmentCreateForm()
    assert form.fields["questionnaire"].initial == Questionnaire.objects.get(
        slug="parley-genai", version=2
    )
    choices = [label for _, label in form.fields["questionnaire"].choices]
    assert f"{custom.title} (custom-bank, version 1)" in choices
    assert len(choices) == 3


def test_questionnaire_load_refuses_a_changed_published_bank_whatever_the_format():
    questionnaire_load(bank=_custom())
    with pytest.raises(BankError, match=r"already published with different content.*e\.g\. 2"):
        questionnaire_load(bank=read_bank_xlsx(_xlsx(_custom(title="Other"))))


def test_the_json_validator_lists_every_problem_too(tmp_path):
    raw = json.loads(DEFAULT_BANK.read_text())
    raw["dimensions"][0]["items"][0].pop("ceo_text")
    raw["dimensions"][1]["items"][1]["reverse"] = "yes"
    path = tmp_path / "bank.json"
    path.write_text(json.dumps(raw))
    with pytest.raises(CommandError) as raised:
        call_command("load_question_bank", str(path))
    message = str(raised.value)
    assert 'item 1.1: field "ceo_text" is missing' in message
    assert 'item 2.2: field "reverse" must be true or false' in message
    assert _counts() == (0, 0, 0)


def test_a_draft_can_be_deleted_a_published_version_never(client, organization):
    client.force_login(bank_editor(organization))
    questionnaire_import(bank=_custom(slug="to-delete"))
    published = questionnaire_publish(
        questionnaire=questionnaire_import(bank=_custom(slug="kept")).questionnaire
    )

    gone = client.post(reverse("banks:discard", kwargs={"bank": "to-delete", "version": 1}))
    kept = client.post(reverse("banks:discard", kwargs={"bank": "kept", "version": 1}))

    assert gone.status_code == kept.status_code == 302
    assert not Questionnaire.objects.filter(slug="to-delete").exists()
    assert not Question.objects.filter(questionnaire__slug="to-delete").exists()
    published.refresh_from_db()
    assert published.is_published and published.questions.count() == 44
    assert AuditEvent.objects.filter(action="bank_discarded", target="to-delete@1").exists()
    assert not AuditEvent.objects.filter(action="bank_discarded", target="kept@1").exists()


def test_an_import_stores_its_translations_and_the_export_gives_them_back(client, organization):
    client.force_login(bank_editor(organization))
    bank = _custom(translations=GERMAN)
    _upload(client, _xlsx(bank), name="custom.xlsx")

    questionnaire = Questionnaire.objects.get(slug="custom-bank", version=1)
    item = questionnaire.questions.get(code="1.1")
    assert item.translations["de"]["ceo_text"] == "Wie ändert sich …?"
    assert item.translations["de"]["anchors"][0] == "Stark sinken"
    assert questionnaire.translations["de"]["felt_ceo_text"] == "Wie einig sind Sie sich?"

    url = reverse("banks:export", kwargs={"bank": "custom-bank", "version": 1, "fmt": "xlsx"})
    exported = read_bank_xlsx(
        b"".join(client.get(url).streaming_content)
        if client.get(url).streaming
        else client.get(url).content
    )
    assert exported == bank
    assert exported.translations["de"]["items"]["1.1"] == GERMAN["de"]["items"]["1.1"]
    assert exported.translations["de"]["scales"]["I"] == GERMAN["de"]["scales"]["I"]


def test_a_zip_bomb_is_refused_before_it_is_opened():
    buffer = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    assert len(buffer.getvalue()) < MAX_BYTES
    with pytest.raises(BankError, match="too large once unpacked"):
        read_bank_xlsx(buffer.getvalue())
