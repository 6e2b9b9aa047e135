"""Answers, scores and actions of one or more assessments, as CSV and XLSX tables.

Five tables, each one CSV file or one XLSX sheet: overall (one row per round), answers (one
row per answer: the CEO's, the CISO's, and the workshop's agreed position per dimension, the
third "consensus" answer set), dimension scores, item gaps and actions. Figures keep full
precision; XLSX cells carry real types (numbers, booleans, dates) with display formats, a
bold frozen header row and filters.

Text typed by users may start with "=", "+", "-" or "@", which a spreadsheet would run as a
formula: XLSX cells are always written as text, and CSV cells get a leading apostrophe
(OWASP's advice for CSV injection). CSV files are UTF-8 with a byte-order mark, which Excel
needs to read accents; comma-separated, one header row.

Reading the data costs five queries whatever the number of rounds (the caller passes the
assessments with their organisation and questionnaire loaded).
"""

import csv
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from assessments.models import Answer, Assessment, Question
from config.text import without_control_characters

from . import scoring
from .models import ActionItem, AlignmentResult, ConsensusAnswer

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
ROLE_LABELS = {"ceo": "CEO", "ciso": "CISO"}
CONSENSUS = "Consensus"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# kind -> XLSX number format
_FORMATS = {
    "int": "0",
    "float": "0.00",
    "percent": "0%",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
}


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = "text"  # text | int | float | percent | bool | date | datetime
    width: int = 14


@dataclass
class Table:
    slug: str  # CSV file name part, e.g. "item-gaps"
    title: str  # XLSX sheet name
    columns: list[Column]
    rows: list[tuple]


TABLE_SLUGS = ("overall", "answers", "dimension-scores", "item-gaps", "actions")

_ROUND = [
    Column("Organisation", width=24),
    Column("Assessment code", width=18),
    Column("Round", width=30),
]

OVERALL_COLUMNS = [
    *_ROUND,
    Column("Status", width=10),
    Column("Questionnaire", width=18),
    Column("Created at", "datetime", 17),
    Column("Scored at", "datetime", 17),
    Column("Alignment index", "float"),
    Column("Band", width=18),
    Column("Identical answers", "percent"),
    Column("Within one point", "percent"),
    Column("Kappa (quadratic)", "float"),
    Column("AC2 (quadratic)", "float"),
    Column("Paired items", "int"),
    Column("Knowledge gaps", "int"),
    Column("Aligned items", "int"),
    Column("Minor gaps", "int"),
    Column("Material gaps", "int"),
    Column("Critical gaps", "int"),
]
ANSWER_COLUMNS = [
    *_ROUND,
    Column("Questionnaire", width=18),
    Column("Role", width=11),
    Column("Respondent", width=20),
    Column("Submitted at", "datetime", 17),
    Column("Dimension", width=10),
    Column("Item", width=8),
    Column("Wording", width=60),
    Column("Answer", "int", 9),
    Column("Answer in words", width=28),
    Column("Don't know", "bool", 11),
    Column("Comment", width=60),
    Column("Saved at", "datetime", 17),
]
DIMENSION_COLUMNS = [
    *_ROUND,
    Column("Scored at", "datetime", 17),
    Column("Scoring version", width=9),
    Column("Dimension", width=10),
    Column("Dimension name", width=34),
    Column("Alignment index", "float"),
    Column("Band", width=18),
    Column("Mean absolute gap", "float"),
    Column("Mean signed gap", "float"),
    Column("Optimism gap", "float"),
    Column("Direction", width=22),
    Column("CEO mean", "float", 10),
    Column("CISO mean", "float", 10),
    Column("Paired items", "int"),
    Column("Knowledge gaps", "int"),
    Column("Agreed position", "int"),
    Column("Workshop notes", width=50),
]
ITEM_COLUMNS = [
    *_ROUND,
    Column("Dimension", width=10),
    Column("Item", width=8),
    Column("Wording (CEO)", width=60),
    Column("Reverse-worded", "bool", 10),
    Column("CEO answer", "int", 10),
    Column("CEO don't know", "bool", 10),
    Column("CISO answer", "int", 10),
    Column("CISO don't know", "bool", 10),
    Column("Gap (CEO - CISO)", "int", 10),
    Column("Absolute gap", "int", 10),
    Column("Optimism gap", "int", 10),
    Column("Severity", width=14),
    Column("Knowledge gap", width=12),
]
ACTION_COLUMNS = [
    *_ROUND,
    Column("Dimension", width=10),
    Column("Dimension name", width=34),
    Column("Action", width=60),
    Column("Owner", width=14),
    Column("Due date", "date", 12),
    Column("Status", width=8),
    Column("Done at", "datetime", 17),
    Column("Created at", "datetime", 17),
    Column("Created by", width=24),
]


# --- Reading ----------------------------------------------------------------------------


@dataclass
class _Data:
    results: dict[int, AlignmentResult]
    questions: dict[int, dict[str, Question]]  # questionnaire id -> code -> question
    answers: dict[int, list[tuple]]
    consensus: dict[int, list[ConsensusAnswer]]
    actions: dict[int, list[ActionItem]]


def _load(assessments: list[Assessment]) -> _Data:
    ids = [a.pk for a in assessments]
    results = {
        r.assessment_id: r
        for r in AlignmentResult.objects.filter(
            assessment_id__in=ids, scoring_version=scoring.SCORING_VERSION
        )
    }
    questions: dict[int, dict[str, Question]] = defaultdict(dict)
    for question in Question.objects.filter(
        questionnaire_id__in={a.questionnaire_id for a in assessments}
    ).select_related("dimension"):
        questions[question.questionnaire_id][question.code] = question
    answers: dict[int, list[tuple]] = defaultdict(list)
    for row in (
        Answer.objects.filter(respondent__assessment_id__in=ids)
        .order_by("respondent__assessment_id", "respondent__role", "question__order")
        .values_list(
            "respondent__assessment_id",
            "respondent__role",
            "respondent__name",
            "respondent__submitted_at",
            "question__code",
            "value",
            "dont_know",
            "comment",
            "updated_at",
        )
    ):
        answers[row[0]].append(row[1:])
    consensus: dict[int, list[ConsensusAnswer]] = defaultdict(list)
    for position in (
        ConsensusAnswer.objects.filter(session__assessment_id__in=ids)
        .select_related("dimension", "session")
        .order_by("dimension__order")
    ):
        consensus[position.session.assessment_id].append(position)
    actions: dict[int, list[ActionItem]] = defaultdict(list)
    for action in (
        ActionItem.objects.filter(session__assessment_id__in=ids)
        .select_related("dimension", "session", "created_by")
        .order_by("dimension__order", "created_at", "id")
    ):
        actions[action.session.assessment_id].append(action)
    return _Data(results, questions, answers, consensus, actions)


def _round(assessment: Assessment) -> tuple:
    return (assessment.organization.name, assessment.code, assessment.title)


def _overall_row(assessment: Assessment, result: AlignmentResult | None) -> tuple:
    o = result.overall if result else {}
    counts = o.get("severity_counts") or {}
    band = o.get("band")
    return (
        *_round(assessment),
        assessment.get_status_display(),
        assessment.questionnaire.label,
        assessment.created_at,
        result.computed_at if result else None,
        o.get("alignment_index"),
        scoring.BAND_LABELS.get(band or "", ""),
        o.get("pct_exact"),
        o.get("pct_within_1"),
        o.get("kappa_quadratic"),
        o.get("ac2_quadratic"),
        o.get("paired_items"),
        o.get("knowledge_gaps"),
        *(counts.get(key) for key in scoring.SEVERITY_LABELS),
    )


def _answer_rows(assessment: Assessment, data: _Data) -> Iterable[tuple]:
    questions = data.questions[assessment.questionnaire_id]
    for role, name, submitted, code, value, dont_know, comment, saved in data.answers.get(
        assessment.pk, []
    ):
        question = questions.get(code)
        words = ""
        if dont_know:
            words = "Don't know"
        elif value is not None and question is not None:
            words = question.anchor(value)
        yield (
            *_round(assessment),
            assessment.questionnaire.label,
            ROLE_LABELS.get(role, role),
            name,
            submitted,
            question.dimension.code if question else "",
            code,
            question.text_for(role) if question else "",
            value,
            words,
            dont_know,
            comment,
            saved,
        )
    for position in data.consensus.get(assessment.pk, []):
        if position.value is None and not position.notes:
            continue
        yield (
            *_round(assessment),
            assessment.questionnaire.label,
            CONSENSUS,
            "CEO and CISO (workshop)",
            position.session.finished_at,
            position.dimension.code,
            "",
            f"Agreed position for {position.dimension.name}",
            position.value,
            "",
            False,
            position.notes,
            position.updated_at,
        )


def _dimension_rows(assessment: Assessment, data: _Data) -> Iterable[tuple]:
    result = data.results.get(assessment.pk)
    if result is None:
        return
    positions = {p.dimension.code: p for p in data.consensus.get(assessment.pk, [])}
    for row in result.dimensions:
        position = positions.get(row["code"])
        yield (
            *_round(assessment),
            result.computed_at,
            result.scoring_version,
            row["code"],
            row["name"],
            row["alignment_index"],
            scoring.BAND_LABELS.get(scoring.band(row["alignment_index"]) or "", ""),
            row["mean_abs_gap"],
            row["mean_signed_gap"],
            row["optimism_gap"],
            scoring.DIRECTION_LABELS.get(row["direction"] or "", ""),
            row["ceo_mean"],
            row["ciso_mean"],
            row["paired_items"],
            row["knowledge_gaps"],
            position.value if position else None,
            position.notes if position else "",
        )


def _item_rows(assessment: Assessment, data: _Data) -> Iterable[tuple]:
    result = data.results.get(assessment.pk)
    if result is None:
        return
    questions = data.questions[assessment.questionnaire_id]
    for row in result.items:
        question = questions.get(row["code"])
        severity = row["severity"]
        yield (
            *_round(assessment),
            row["dimension"],
            row["code"],
            question.ceo_text if question else "",
            row["reverse"],
            row["ceo"],
            row["ceo_dont_know"],
            row["ciso"],
            row["ciso_dont_know"],
            row["gap"],
            row["abs_gap"],
            row["optimism_gap"],
            scoring.SEVERITY_LABELS[severity] if severity else "",
            {"ceo": "CEO", "ciso": "CISO", "both": "Both"}.get(row["knowledge_gap"] or "", ""),
        )


def _action_rows(assessment: Assessment, data: _Data) -> Iterable[tuple]:
    for action in data.actions.get(assessment.pk, []):
        yield (
            *_round(assessment),
            action.dimension.code,
            action.dimension.name,
            action.description,
            action.get_owner_role_display(),
            action.due_date,
            action.get_status_display(),
            action.done_at,
            action.created_at,
            action.created_by.email if action.created_by else "",
        )


def export_tables(assessments: Iterable[Assessment]) -> list[Table]:
    """The five tables for these assessments (rounds in the order given)."""
    assessments = list(assessments)
    data = _load(assessments) if assessments else _Data({}, {}, {}, {}, {})
    tables = [
        Table("overall", "Overall", OVERALL_COLUMNS, []),
        Table("answers", "Answers", ANSWER_COLUMNS, []),
        Table("dimension-scores", "Dimension scores", DIMENSION_COLUMNS, []),
        Table("item-gaps", "Item gaps", ITEM_COLUMNS, []),
        Table("actions", "Actions", ACTION_COLUMNS, []),
    ]
    for assessment in assessments:
        tables[0].rows.append(_overall_row(assessment, data.results.get(assessment.pk)))
        tables[1].rows.extend(_answer_rows(assessment, data))
        tables[2].rows.extend(_dimension_rows(assessment, data))
        tables[3].rows.extend(_item_rows(assessment, data))
        tables[4].rows.extend(_action_rows(assessment, data))
    return tables


# --- Writing ----------------------------------------------------------------------------


def _local(moment: datetime) -> datetime:
    """Spreadsheets have no time zones: the site's local time, without one."""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.replace(tzinfo=None)


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return (
            timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    text = without_control_characters(str(value))
    return "'" + text if text.startswith(_FORMULA_START) else text


def write_csv(table: Table, stream) -> None:
    """One table as CSV text (with a byte-order mark) on a text stream."""
    stream.write("\ufeff")
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow([column.header for column in table.columns])
    for row in table.rows:
        writer.writerow([_csv_cell(value) for value in row])


def csv_bytes(table: Table) -> bytes:
    buffer = io.StringIO()
    write_csv(table, buffer)
    return buffer.getvalue().encode("utf-8")


def _xlsx_value(value):
    if isinstance(value, str):
        return without_control_characters(value)
    if isinstance(value, datetime):
        return _local(value)
    return value


def write_xlsx(tables: list[Table], stream) -> None:
    """Every table as a sheet of one workbook, written to a binary stream."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for table in tables:
        sheet = workbook.create_sheet(table.title)
        sheet.append([column.header for column in table.columns])
        for cell in sheet[1]:
            cell.font = bold
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        for row in table.rows:
            sheet.append([_xlsx_value(value) for value in row])
        for index, column in enumerate(table.columns, 1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = column.width
            number_format = _FORMATS.get(column.kind)
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                if column.kind == "text" and isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula, whatever the text starts with
                elif number_format and cell.value is not None:
                    cell.number_format = number_format
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
    workbook.properties.creator = "Parley"
    workbook.properties.title = "Parley export"
    workbook.save(stream)


def xlsx_bytes(tables: list[Table]) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(tables, buffer)
    return buffer.getvalue()


def table_by_slug(tables: list[Table], slug: str) -> Table:
    return next(table for table in tables if table.slug == slug)


def export_file(assessment: Assessment, *, fmt: str, output: str | None, table: str, stdout):
    """What `manage.py export_results CODE --format csv|xlsx [-o FILE] [--table T]` does:
    the XLSX workbook (every table) to FILE, or one CSV table to FILE or to stdout.
    Returns a line for the console, or "" when the CSV went to stdout."""
    from django.core.management.base import CommandError

    assessment = Assessment.objects.select_related("organization", "questionnaire").get(
        pk=assessment.pk
    )
    tables = export_tables([assessment])
    if fmt == "xlsx":
        if not output:
            raise CommandError("An XLSX workbook needs a file: add -o FILE.xlsx.")
        with open(output, "wb") as stream:
            write_xlsx(tables, stream)
        return f"Wrote {output} ({', '.join(t.title for t in tables)})."
    chosen = table_by_slug(tables, table)
    if not output:
        buffer = io.StringIO()
        write_csv(chosen, buffer)
        stdout.write(buffer.getvalue(), ending="")
        return ""
    with open(output, "w", encoding="utf-8", newline="") as stream:
        write_csv(chosen, stream)
    return f"Wrote {output} ({chosen.title}, {len(chosen.rows)} rows)."
