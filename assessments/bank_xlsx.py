"""Question banks as spreadsheets (XLSX): the reader and the writer.

The spreadsheet is another spelling of the JSON bank file: the reader turns the sheets into
the same dictionary a JSON file holds and validates it with `question_bank.parse_bank`, so
both formats obey one set of rules. What only a spreadsheet can get wrong (a missing sheet,
merged cells, a formula, too many rows, a repeated code) is checked here first. Every problem
is reported as "sheet, row, column: reason", all of them at once, and nothing is saved.

Formulas are never evaluated: the workbook is read with `data_only=False`, and a formula
cell is refused, whatever value a spreadsheet program cached for it.

Layout (docs/question-banks.md): sheets Bank (one row), Scales, Dimensions and Items, each
with a header row; translations in `<field>::<lang>` columns (`ceo_text::de`); an optional
"Read me" sheet that the reader ignores.
"""

import dataclasses
import io
import re
import zipfile
from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from .question_bank import (
    ANCHOR_COUNT,
    BankData,
    BankError,
    Problem,
    bank_scales,
    bank_to_raw,
    canonical_hash,
    felt_scale,
    parse_bank,
)

MAX_BYTES = 5 * 1024 * 1024  # a 44-item bank with four languages is about 40 KB
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # an XLSX is a zip: refuse a "zip bomb" before opening
MAX_ROWS = 2000  # per sheet; a bank has tens of items
README = "Read me"
ANCHORS = tuple(f"anchor_{n}" for n in range(1, ANCHOR_COUNT + 1))
_LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})?$")
_TRUE, _FALSE = {"true", "yes", "y", "1", "x"}, {"false", "no", "n", "0", ""}


@dataclass(frozen=True)
class SheetSpec:
    name: str
    columns: tuple[str, ...]  # in the order the writer writes them
    required: tuple[str, ...]
    translated: tuple[str, ...]  # the columns that may carry `::<lang>` twins


BANK = SheetSpec(
    "Bank",
    ("slug", "version", "title", "description", "felt_scale", "felt_ceo_text", "felt_ciso_text"),
    ("slug", "version", "title"),
    ("title", "description", "felt_ceo_text", "felt_ciso_text"),
)
SCALES = SheetSpec("Scales", ("scale", *ANCHORS), ("scale", *ANCHORS), ANCHORS)
DIMENSIONS = SheetSpec(
    "Dimensions", ("code", "name", "description"), ("code", "name"), ("name", "description")
)
ITEMS = SheetSpec(
    "Items",
    (
        "dimension",
        "code",
        "ceo_text",
        "ciso_text",
        "scale",
        "reverse",
        "predict",
        "references",
        "benchmarks",
        *ANCHORS,
    ),
    ("dimension", "code", "ceo_text", "ciso_text", "scale"),
    ("ceo_text", "ciso_text", *ANCHORS),
)
SHEETS = (BANK, SCALES, DIMENSIONS, ITEMS)


# --- Reading ---------------------------------------------------------------------------------


@dataclass
class Row:
    number: int  # the spreadsheet's row number, 1-based
    values: dict[str, object]  # header -> value, blank cells left out


@dataclass
class Sheet:
    spec: SheetSpec
    headers: list[str]  # as in the header row, lower case
    rows: list[Row]

    def column(self, header: str) -> str:
        """ "D (ciso_text)": the letter and the header, or the header alone."""
        if header in self.headers:
            return f"{get_column_letter(self.headers.index(header) + 1)} ({header})"
        return header


class _Report:
    """The reader's problems, each placed at a sheet, row and column."""

    def __init__(self):
        self.problems: list[Problem] = []
        self.fatal = False  # a sheet or a column is missing: the rows cannot be read

    def add_fatal(self, *args) -> None:
        self.fatal = True
        self.add(*args)

    def add(self, sheet: str, row: int | None, column: str | None, reason: str) -> None:
        if row is None:
            where = sheet
        elif column is None:
            where = gettext("%(sheet)s, row %(row)d") % {"sheet": sheet, "row": row}
        else:
            where = gettext("%(sheet)s, row %(row)d, column %(column)s") % {
                "sheet": sheet,
                "row": row,
                "column": column,
            }
        self.problems.append(Problem(where, "", reason))

    def refuse_if_any(self) -> None:
        if self.problems:
            raise BankError(problems=self.problems)


def read_bank_xlsx(data: bytes) -> BankData:
    """A bank from the bytes of an XLSX file; BankError lists every problem."""
    workbook = _open(data)
    report = _Report()
    sheets = _sheets(workbook, report)
    if report.fatal:  # without its sheets and columns the rows cannot be read
        report.refuse_if_any()
    raw, places = _raw_bank(sheets, report)
    try:
        bank = parse_bank(raw, translations=_translations(sheets))
    except BankError as error:
        seen = {problem.where for problem in report.problems}
        for problem in error.problems:
            placed = _placed(problem, sheets, places)
            if placed.where not in seen:  # a formula cell is not "missing" as well
                report.problems.append(placed)
        report.refuse_if_any()
        raise
    report.refuse_if_any()
    # The hash of the bank's content, whatever its format: an XLSX and the JSON it was made
    # from are the same bank.
    return dataclasses.replace(bank, content_hash=canonical_hash(bank))


def _open(data: bytes):
    """The workbook, after the checks that need no parsing: size, a real zip, its unpacked
    size. Formulas stay formulas (data_only=False): they are refused, never evaluated."""
    if len(data) > MAX_BYTES:
        raise BankError(
            gettext("The file is %(size)s MB; a bank file may be at most %(limit)s MB.")
            % {
                "size": formats.number_format(len(data) / 1024 / 1024, decimal_pos=1),
                "limit": MAX_BYTES // 1024 // 1024,
            }
        )
    buffer = io.BytesIO(data)
    if not zipfile.is_zipfile(buffer):
        raise BankError(gettext("The file is not an XLSX spreadsheet (Excel 2007 or later)."))
    with zipfile.ZipFile(buffer) as archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
            raise BankError(gettext("The spreadsheet is too large once unpacked."))
    try:
        return load_workbook(buffer, data_only=False, read_only=False, keep_links=False)
    except Exception:  # openpyxl raises many kinds for a damaged file; all mean the same here
        raise BankError(
            gettext("The file could not be read as an XLSX spreadsheet; is it damaged?")
        ) from None


def _sheets(workbook, report: _Report) -> dict[str, Sheet]:
    names = {name.strip().lower(): name for name in workbook.sheetnames}
    expected = {spec.name.lower() for spec in SHEETS} | {README.lower()}
    for key, name in names.items():
        if key not in expected:
            report.add(
                name,
                None,
                None,
                gettext("unexpected sheet; a bank has the sheets %(sheets)s (and %(readme)s)")
                % {"sheets": ", ".join(s.name for s in SHEETS), "readme": README},
            )
    sheets = {}
    for spec in SHEETS:
        if spec.name.lower() not in names:
            report.add_fatal(spec.name, None, None, gettext("the sheet is missing"))
            continue
        sheet = _sheet(workbook[names[spec.name.lower()]], spec, report)
        if sheet is not None:
            sheets[spec.name] = sheet
    return sheets


def _sheet(worksheet, spec: SheetSpec, report: _Report) -> Sheet | None:
    if worksheet.max_row > MAX_ROWS:
        report.add_fatal(
            spec.name,
            None,
            None,
            gettext("%(rows)d rows; a sheet may have at most %(limit)d")
            % {"rows": worksheet.max_row, "limit": MAX_ROWS},
        )
        return None
    for merged in worksheet.merged_cells.ranges:  # their hidden cells read as empty
        report.add_fatal(
            spec.name,
            merged.min_row,
            str(merged.coord),
            gettext("merged cells are not allowed; unmerge them and fill in each cell"),
        )
    rows = list(worksheet.iter_rows())
    if not rows:
        report.add_fatal(
            spec.name, None, None, gettext("the sheet is empty; it needs a header row")
        )
        return None
    headers = [_header(cell.value) for cell in rows[0]]
    _check_headers(spec, headers, report)
    sheet = Sheet(spec, headers, [])
    for cells in rows[1:]:
        values = {}
        for number, cell in enumerate(cells):
            header = headers[number] if number < len(headers) else ""
            value = _cell_value(cell, sheet, header, report)
            if value is not None and not header:  # it would be lost: say so instead
                report.add(
                    spec.name,
                    cell.row,
                    get_column_letter(number + 1),
                    gettext("a value in a column without a header"),
                )
            elif value is not None:
                values[header] = value
        if values:
            sheet.rows.append(Row(cells[0].row, values))
    return sheet


def _header(value) -> str:
    return str(value).strip().lower() if value is not None else ""


def _check_headers(spec: SheetSpec, headers: list[str], report: _Report) -> None:
    for number, header in enumerate(headers, 1):
        column = get_column_letter(number)
        if not header:
            continue
        base, _, language = header.partition("::")
        known = base in spec.columns and (
            not language or (base in spec.translated and _LANGUAGE.match(language))
        )
        if not known:
            report.add_fatal(
                spec.name, 1, column, gettext('unknown column "%(h)s"') % {"h": header}
            )
        elif headers.count(header) > 1 and headers.index(header) != number - 1:
            report.add_fatal(
                spec.name, 1, column, gettext('the column "%(h)s" is there twice') % {"h": header}
            )
    for header in spec.required:
        if header not in headers:
            report.add_fatal(
                spec.name, 1, None, gettext('the column "%(h)s" is missing') % {"h": header}
            )


def _cell_value(cell, sheet: Sheet, header: str, report: _Report):
    """The cell's value as typed; a formula is refused (never evaluated)."""
    value = cell.value
    if cell.data_type == "f" or isinstance(value, ArrayFormula | DataTableFormula):
        report.add(
            sheet.spec.name,
            cell.row,
            sheet.column(header) if header else get_column_letter(cell.column),
            gettext("a formula; type the value itself (formulas are never evaluated)"),
        )
        return None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


# Where each of parse_bank's problems lies: its "where" -> (sheet, row).
Places = dict[str, tuple[str, int]]


def _raw_bank(sheets: dict[str, Sheet], report: _Report) -> tuple[dict, Places]:
    places: Places = {}
    raw = _bank_row(sheets["Bank"], report, places)
    raw["scales"] = _scales(sheets["Scales"], places)
    raw["dimensions"] = _dimensions(sheets["Dimensions"], sheets["Items"], report, places)
    return raw, places


def _bank_row(sheet: Sheet, report: _Report, places: Places) -> dict:
    places["bank"] = places["felt question"] = ("Bank", 2)
    if len(sheet.rows) != 1:
        report.add(
            sheet.spec.name,
            None,
            None,
            gettext("the sheet needs exactly one row under its header"),
        )
        return {}
    row = sheet.rows[0]
    places["bank"] = places["felt question"] = ("Bank", row.number)
    raw = {name: _text(row.values.get(name)) for name in ("slug", "title", "description")}
    raw = {name: value for name, value in raw.items() if value is not None}
    raw["version"] = _whole_number(row.values.get("version"))
    felt = {
        key: _text(row.values.get(f"felt_{key}"))
        for key in ("ceo_text", "ciso_text", "scale")
        if row.values.get(f"felt_{key}") is not None
    }
    if felt:
        raw["felt"] = felt
    return raw


def _scales(sheet: Sheet, places: Places) -> dict:
    scales = {}
    for row in sheet.rows:
        code = _text(row.values.get("scale")) or ""
        places[f"scale {code}"] = ("Scales", row.number)
        scales[code] = [_text(row.values.get(a)) for a in ANCHORS]
    return scales


def _dimensions(dimensions: Sheet, items: Sheet, report: _Report, places: Places) -> list:
    parsed, by_code = [], {}
    first_row: dict[str, int] = {}
    for index, row in enumerate(dimensions.rows, 1):
        code = _text(row.values.get("code"))
        if code in first_row:
            _repeated(report, dimensions, row, code, first_row[code])
            continue
        first_row[code] = row.number
        places[f"dimension #{index}"] = places[f"dimension {code}"] = ("Dimensions", row.number)
        dimension = {
            key: _text(row.values[key])
            for key in ("code", "name", "description")
            if key in row.values
        }
        dimension["items"] = []
        parsed.append(dimension)
        by_code[code] = dimension
    _items(items, by_code, report, places)
    return parsed


def _items(sheet: Sheet, by_code: dict, report: _Report, places: Places) -> None:
    first_row: dict[str, int] = {}
    for row in sheet.rows:
        code = _text(row.values.get("code"))
        dimension = by_code.get(_text(row.values.get("dimension")))
        if dimension is None:
            report.add(
                "Items",
                row.number,
                sheet.column("dimension"),
                gettext("no such dimension on the Dimensions sheet"),
            )
            continue
        if code in first_row:
            _repeated(report, sheet, row, code, first_row[code])
            continue
        first_row[code] = row.number
        dimension["items"].append(_item(row))
        where = f"dimension {dimension.get('code')} item #{len(dimension['items'])}"
        places[where] = places[f"item {code}"] = ("Items", row.number)


def _repeated(report: _Report, sheet: Sheet, row: Row, code, first: int) -> None:
    report.add(
        sheet.spec.name,
        row.number,
        sheet.column("code"),
        gettext("the code %(code)s is used twice (first on row %(first)d)")
        % {"code": code, "first": first},
    )


def _item(row: Row) -> dict:
    values = row.values
    item = {
        key: _text(values[key])
        for key in ("code", "ceo_text", "ciso_text", "scale")
        if key in values
    }
    item["reverse"] = _flag(values.get("reverse"))
    item["predict"] = _flag(values.get("predict"))
    item["references"] = _list(values.get("references"))
    item["benchmarks"] = _list(values.get("benchmarks"))
    anchors = [_text(values.get(a)) for a in ANCHORS]
    if any(anchors):
        item["anchors"] = anchors
    return item


def _text(value):
    """A cell as text; numbers keep their spelling (the code 1.10 typed as a number reads
    1.1, so codes are best typed as text, as the writer stores them)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _whole_number(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return value  # parse_bank says what is wrong with it


def _flag(value):
    if isinstance(value, bool) or value is None:
        return bool(value)
    text = _text(value).lower()
    if text in _TRUE:
        return True
    return False if text in _FALSE else value  # parse_bank refuses the rest


def _list(value) -> list:
    if value is None:
        return []
    return [part.strip() for part in re.split(r"[;\n]", _text(value)) if part.strip()]


_FIELD_COLUMNS = {
    # parse_bank's field name -> the column it came from, where they differ
    ("Bank", "scale"): "felt_scale",
    ("Bank", "ceo_text"): "felt_ceo_text",
    ("Bank", "ciso_text"): "felt_ciso_text",
    ("Scales", "scales"): "anchor_1",
    ("Items", "anchors"): "anchor_1",
}


def _placed(problem: Problem, sheets: dict[str, Sheet], places: Places) -> Problem:
    """parse_bank's problem at its sheet, row and column."""
    place = places.get(problem.where)
    reason = problem.reason
    if problem.where == "bank" and problem.field in ("dimensions", "scales"):
        name = "Dimensions" if problem.field == "dimensions" else "Scales"
        return Problem(name, "", gettext("the sheet has no rows"))
    if place is None:
        return problem
    name, row = place
    header = _FIELD_COLUMNS.get((name, problem.field), problem.field)
    if problem.where == "felt question" and problem.field == "scale":
        header = "felt_scale"
    if problem.field == "items":
        reason = gettext("the dimension has no items on the Items sheet")
        header = "code"
    report = _Report()
    report.add(name, row, sheets[name].column(header) if header else None, reason)
    return report.problems[0]


def _translations(sheets: dict[str, Sheet]) -> dict:
    """The `field::lang` columns as {lang: {...}}, the shape of a `<bank>.<lang>.json` file."""
    found: dict[str, dict] = {}

    def put(language: str, path: tuple, value) -> None:
        node = found.setdefault(language, {})
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = value

    for row in sheets["Bank"].rows[:1]:
        for header, value in _translated(row):
            base, language = header
            key = {"felt_ceo_text": ("felt", "ceo_text"), "felt_ciso_text": ("felt", "ciso_text")}
            put(language, key.get(base, (base,)), value)
    for row in sheets["Scales"].rows:
        _anchor_translations(row, ("scales", _text(row.values.get("scale"))), put)
    for row in sheets["Dimensions"].rows:
        for (base, language), value in _translated(row):
            put(language, ("dimensions", _text(row.values.get("code")), base), value)
    for row in sheets["Items"].rows:
        code = _text(row.values.get("code"))
        for (base, language), value in _translated(row):
            if base in ("ceo_text", "ciso_text"):
                put(language, ("items", code, base), value)
        _anchor_translations(row, ("items", code, "anchors"), put)
    _felt_anchor_translations(sheets, found)
    return found


def _translated(row: Row):
    for header, value in row.values.items():
        base, _, language = header.partition("::")
        if language and not base.startswith("anchor_"):
            yield (base, language), _text(value)


def _anchor_translations(row: Row, path: tuple, put) -> None:
    languages = {h.partition("::")[2] for h in row.values if h.startswith("anchor_") and "::" in h}
    for language in sorted(languages):
        put(language, path, [_text(row.values.get(f"{a}::{language}")) or "" for a in ANCHORS])


def _felt_anchor_translations(sheets: dict[str, Sheet], found: dict) -> None:
    """The felt question's anchors are those of its scale, in every language too."""
    bank_rows = sheets["Bank"].rows[:1]
    scale = _text(bank_rows[0].values.get("felt_scale")) if bank_rows else None
    for language in found.values():
        anchors = language.get("scales", {}).get(scale)
        if scale and anchors:
            language.setdefault("felt", {})["anchors"] = anchors


# --- Writing ---------------------------------------------------------------------------------


def write_bank_xlsx(bank: BankData) -> bytes:
    """The bank as an XLSX file that read_bank_xlsx reads back to an equal bank."""
    workbook = Workbook()
    readme = workbook.active
    readme.title = README
    for line in _readme_lines():
        readme.append([line])
    readme.column_dimensions["A"].width = 110
    languages = sorted(bank.translations)
    raw = bank_to_raw(bank)
    scales = bank_scales(bank)
    _write_sheet(workbook, BANK, languages, [_bank_values(bank, raw, scales, languages)])
    _write_sheet(
        workbook,
        SCALES,
        languages,
        [_scale_values(bank, c, a, languages) for c, a in scales.items()],
    )
    _write_sheet(
        workbook,
        DIMENSIONS,
        languages,
        [_dimension_values(bank, d, languages) for d in bank.dimensions],
    )
    _write_sheet(
        workbook,
        ITEMS,
        languages,
        [
            _item_values(bank, d.code, i, scales, languages)
            for d in bank.dimensions
            for i in d.items
        ],
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _readme_lines() -> list[str]:
    return [
        gettext("Parley question bank"),
        gettext(
            "Sheets: Bank (one row), Scales, Dimensions, Items. Keep the header rows; the "
            "order of the rows is the order of the questionnaire."
        ),
        gettext(
            "Items: reverse and predict are yes or no; references and benchmarks are "
            "separated by semicolons; anchor_1 to anchor_5 only where an item's anchors "
            "differ from its scale's."
        ),
        gettext(
            "Translations: a column <field>::<language>, for example ceo_text::de or "
            "anchor_1::fr. Leave a cell empty where there is no translation yet."
        ),
        gettext("No formulas and no merged cells: type every value in its own cell."),
    ]


def _write_sheet(workbook, spec: SheetSpec, languages: list[str], rows: list[dict]) -> None:
    worksheet = workbook.create_sheet(spec.name)
    headers = list(spec.columns)
    headers += [f"{column}::{lang}" for lang in languages for column in spec.translated]
    worksheet.append(headers)
    for values in rows:
        worksheet.append([None] * len(headers))
        row = worksheet.max_row
        for number, header in enumerate(headers, 1):
            value = values.get(header)
            if value is None or value == "":
                continue
            cell = worksheet.cell(row=row, column=number, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text that starts with "=" stays text, never a formula
    worksheet.freeze_panes = "A2"


def _bank_values(bank: BankData, raw: dict, scales: dict, languages: list[str]) -> dict:
    values = {key: raw[key] for key in ("slug", "version", "title", "description")}
    if bank.felt is not None:
        values |= {
            "felt_scale": felt_scale(bank, scales),
            "felt_ceo_text": bank.felt.ceo_text,
            "felt_ciso_text": bank.felt.ciso_text,
        }
    for lang in languages:
        words = bank.translations[lang]
        felt = words.get("felt", {})
        values |= {
            f"title::{lang}": words.get("title"),
            f"description::{lang}": words.get("description"),
            f"felt_ceo_text::{lang}": felt.get("ceo_text"),
            f"felt_ciso_text::{lang}": felt.get("ciso_text"),
        }
    return values


def _anchor_values(anchors, suffix: str = "") -> dict:
    return {f"{a}{suffix}": label for a, label in zip(ANCHORS, anchors or (), strict=False)}


def _scale_values(bank: BankData, code: str, anchors, languages: list[str]) -> dict:
    values = {"scale": code} | _anchor_values(anchors)
    for lang in languages:
        translated = bank.translations[lang].get("scales", {}).get(code)
        values |= _anchor_values(translated, f"::{lang}")
    return values


def _dimension_values(bank: BankData, dimension, languages: list[str]) -> dict:
    values = {"code": dimension.code, "name": dimension.name}
    values["description"] = dimension.description
    for lang in languages:
        words = bank.translations[lang].get("dimensions", {}).get(dimension.code, {})
        values |= {f"{key}::{lang}": words.get(key) for key in ("name", "description")}
    return values


def _item_values(bank: BankData, dimension: str, item, scales: dict, languages) -> dict:
    values = {
        "dimension": dimension,
        "code": item.code,
        "ceo_text": item.ceo_text,
        "ciso_text": item.ciso_text,
        "scale": item.scale,
        "reverse": "yes" if item.reverse else "no",
        "predict": "yes" if item.predict else "no",
        "references": "; ".join(item.references),
        "benchmarks": "; ".join(item.benchmarks),
    }
    if item.anchors != scales[item.scale]:
        values |= _anchor_values(item.anchors)
    for lang in languages:
        words = bank.translations[lang].get("items", {}).get(item.code, {})
        values |= {f"{key}::{lang}": words.get(key) for key in ("ceo_text", "ciso_text")}
        values |= _anchor_values(words.get("anchors"), f"::{lang}")
    return values
