"""Answers, scores and actions of one or more assessments, as CSV and XLSX tables.

Six tables, each one CSV file or one XLSX sheet: overall (one row per round), answers (one
row per answer: the CEO's, the CISO's, and the workshop's agreed position per dimension, the
third "consensus" answer set), dimension scores, item gaps, actions and (scoring version 2) perception: one row per predicted
item and predicting executive, with the prediction and that executive's view of the item; the
overall table adds each executive's understanding index and felt alignment. Figures keep full
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
from functools import partial

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessments.models import Assessment
from config.text import without_control_characters

from . import scoring
from .models import ActionItem, ConsensusAnswer
from .presentation import words
from .presentation.model import ROLES, RoundView, round_views
from .presentation.words import ROLE_LABELS

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
CONSENSUS = _("Consensus")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# kind -> XLSX number format
_FORMATS = {
    "int": "0",
    "float": "0.00",
    "percent": "0%",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
}


# Headers and sheet names are lazy (translated when a file is written, in the language active
# then); tests and callers compare them as text, which a lazy string supports.
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


TABLE_SLUGS = ("overall", "answers", "dimension-scores", "item-gaps", "actions", "perception")

_ROUND = [
    Column(_("Organisation"), width=24),
    Column(_("Assessment code"), width=18),
    Column(_("Round"), width=30),
]

OVERALL_COLUMNS = [
    *_ROUND,
    Column(_("Status"), width=10),
    Column(_("Questionnaire"), width=18),
    Column(_("Created at"), "datetime", 17),
    Column(_("Scored at"), "datetime", 17),
    Column(_("Alignment index"), "float"),
    Column(_("Band"), width=18),
    Column(_("Identical answers"), "percent"),
    Column(_("Within one point"), "percent"),
    Column(_("Kappa (quadratic)"), "float"),
    Column(_("AC2 (quadratic)"), "float"),
    Column(_("Paired items"), "int"),
    Column(_("Knowledge gaps"), "int"),
    Column(_("Aligned items"), "int"),
    Column(_("Minor gaps"), "int"),
    Column(_("Material gaps"), "int"),
    Column(_("Critical gaps"), "int"),
    # Scoring version 2 (empty on a version 1 bank).
    Column(_("Mutual understanding"), "float"),
    Column(_("CEO understanding index"), "float"),
    Column(_("CISO understanding index"), "float"),
    Column(_("CEO felt alignment"), "int", 10),
    Column(_("CISO felt alignment"), "int", 10),
    Column(_("CEO felt minus measured"), "float"),
    Column(_("CISO felt minus measured"), "float"),
]
PERCEPTION_COLUMNS = [
    *_ROUND,
    Column(_("Dimension"), width=10),
    Column(_("Item"), width=8),
    Column(_("Predicting"), width=11),
    Column(_("Own answer"), "int", 10),
    Column(_("Prediction of the other"), "int", 12),
    Column(_("Prediction in words"), width=28),
    Column(_("Other's answer"), "int", 10),
    Column(_("Gap (CEO - CISO)"), "int", 10),
    Column(_("Expected gap (CEO - CISO)"), "int", 12),
    Column(_("Error (prediction - answer)"), "int", 12),
    Column(_("View"), width=16),
]
ANSWER_COLUMNS = [
    *_ROUND,
    Column(_("Questionnaire"), width=18),
    Column(_("Role"), width=11),
    Column(_("Respondent"), width=20),
    Column(_("Submitted at"), "datetime", 17),
    Column(_("Dimension"), width=10),
    Column(_("Item"), width=8),
    Column(_("Wording"), width=60),
    # The language the item was shown in when answered (its wording differs): "de", "ja"…
    Column(_("Language"), width=9),
    Column(_("Answer"), "int", 9),
    Column(_("Answer in words"), width=28),
    Column(_("Don't know"), "bool", 11),
    Column(_("Comment"), width=60),
    Column(_("Saved at"), "datetime", 17),
]
DIMENSION_COLUMNS = [
    *_ROUND,
    Column(_("Scored at"), "datetime", 17),
    Column(_("Scoring version"), width=9),
    Column(_("Dimension"), width=10),
    Column(_("Dimension name"), width=34),
    Column(_("Alignment index"), "float"),
    Column(_("Band"), width=18),
    Column(_("Mean absolute gap"), "float"),
    Column(_("Mean signed gap"), "float"),
    Column(_("Optimism gap"), "float"),
    Column(_("Direction"), width=22),
    Column(_("CEO mean"), "float", 10),
    Column(_("CISO mean"), "float", 10),
    Column(_("Paired items"), "int"),
    Column(_("Knowledge gaps"), "int"),
    Column(_("Agreed position"), "int"),
    Column(_("Workshop notes"), width=50),
]
ITEM_COLUMNS = [
    *_ROUND,
    Column(_("Dimension"), width=10),
    Column(_("Item"), width=8),
    Column(_("Wording (CEO)"), width=60),
    Column(_("Reverse-worded"), "bool", 10),
    Column(_("CEO answer"), "int", 10),
    Column(_("CEO don't know"), "bool", 10),
    Column(_("CISO answer"), "int", 10),
    Column(_("CISO don't know"), "bool", 10),
    Column(_("Gap (CEO - CISO)"), "int", 10),
    Column(_("Absolute gap"), "int", 10),
    Column(_("Optimism gap"), "int", 10),
    Column(_("Severity"), width=14),
    Column(_("Knowledge gap"), width=12),
]
ACTION_COLUMNS = [
    *_ROUND,
    Column(_("Dimension"), width=10),
    Column(_("Dimension name"), width=34),
    Column(_("Action"), width=60),
    Column(_("Owner"), width=14),
    Column(_("Due date"), "date", 12),
    Column(_("Status"), width=8),
    Column(_("Done at"), "datetime", 17),
    Column(_("Created at"), "datetime", 17),
    Column(_("Created by"), width=24),
]


# --- Reading ----------------------------------------------------------------------------


@dataclass
class _Data:
    views: dict[int, RoundView]  # assessment id -> read model
    consensus: dict[int, list[ConsensusAnswer]]
    actions: dict[int, list[ActionItem]]


def _load(assessments: list[Assessment]) -> _Data:
    ids = [a.pk for a in assessments]
    views = {view.assessment.pk: view for view in round_views(assessments)}
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
    return _Data(views, consensus, actions)


def _round(assessment: Assessment) -> tuple:
    return (assessment.organization.name, assessment.code, assessment.title)


def _overall_row(view: RoundView) -> tuple:
    assessment, result = view.assessment, view.result
    o = view.overall.data if view.overall else {}
    counts = view.overall.counts if view.overall else {}
    return (
        *_round(assessment),
        assessment.get_status_display(),
        assessment.questionnaire.label,
        assessment.created_at,
        result.computed_at if result else None,
        o.get("alignment_index"),
        view.overall.band_label if view.overall and view.overall.band else "",
        o.get("pct_exact"),
        o.get("pct_within_1"),
        o.get("kappa_quadratic"),
        o.get("ac2_quadratic"),
        o.get("paired_items"),
        o.get("knowledge_gaps"),
        *(counts.get(key) for key in scoring.SEVERITIES),
        *_perception_figures(view),
    )


def _perception_figures(view: RoundView) -> tuple:
    perception = view.perception
    if perception is None:
        return (None,) * 7
    ceo, ciso = perception.ceo, perception.ciso
    return (
        perception.mutual_value,
        ceo.understanding_value,
        ciso.understanding_value,
        ceo.felt_value,
        ciso.felt_value,
        ceo.felt_minus_measured_value,
        ciso.felt_minus_measured_value,
    )


def _perception_rows(view: RoundView, data: _Data) -> Iterable[tuple]:
    if view.perception is None:
        return
    for item in view.perception.items:
        row = item.row
        for role in ROLES:
            other = "ciso" if role == "ceo" else "ceo"
            yield (
                *_round(view.assessment),
                item.item.dimension,
                item.code,
                ROLE_LABELS[role],
                item.item.side(role).value,
                row[f"{role}_prediction"],
                item.prediction(role),
                item.item.side(other).value,
                row["gap"],
                row[f"{role}_expected_gap"],
                row[f"{role}_error"],
                item.view_words(role) if item.view(role) else "",
            )


def _answer_rows(view: RoundView, data: _Data) -> Iterable[tuple]:
    assessment = view.assessment
    for role in ROLES:
        respondent = view.respondents.get(role)
        for item in view.items:
            answer = item.side(role)
            if not answer.exists:
                continue
            yield (
                *_round(assessment),
                assessment.questionnaire.label,
                ROLE_LABELS[role],
                respondent.name if respondent else "",
                respondent.submitted_at if respondent else None,
                item.dimension,
                item.code,
                item.ceo_text if role == "ceo" else item.ciso_text,
                answer.language,
                answer.value,
                answer.words if answer.value is not None or answer.dont_know else "",
                answer.dont_know,
                answer.comment,
                answer.saved_at,
            )
    for position in data.consensus.get(assessment.pk, []):
        if position.value is None and not position.notes:
            continue
        yield (
            *_round(assessment),
            assessment.questionnaire.label,
            CONSENSUS,
            gettext("CEO and CISO (workshop)"),
            position.session.finished_at,
            position.dimension.code,
            "",
            gettext("Agreed position for %(dimension)s") % {"dimension": position.dimension.name},
            "",
            position.value,
            "",
            False,
            position.notes,
            position.updated_at,
        )


def _dimension_rows(view: RoundView, data: _Data) -> Iterable[tuple]:
    if not view.scored:
        return
    positions = {p.dimension.code: p for p in data.consensus.get(view.assessment.pk, [])}
    for dimension in view.dimensions:
        row, position = dimension.row, positions.get(dimension.code)
        yield (
            *_round(view.assessment),
            view.result.computed_at,
            view.result.scoring_version,
            dimension.code,
            dimension.name,
            row["alignment_index"],
            dimension.band_label if dimension.band else "",
            row["mean_abs_gap"],
            row["mean_signed_gap"],
            row["optimism_gap"],
            str(words.DIRECTION_WORDS.get(row["direction"] or "", "")),
            row["ceo_mean"],
            row["ciso_mean"],
            row["paired_items"],
            row["knowledge_gaps"],
            position.value if position else None,
            position.notes if position else "",
        )


KNOWLEDGE_GAP_SIDES = {**ROLE_LABELS, "both": _("Both")}


def _item_rows(view: RoundView, data: _Data) -> Iterable[tuple]:
    if not view.scored:
        return
    for item in view.items:
        compared = item.severity.key in scoring.SEVERITIES
        yield (
            *_round(view.assessment),
            item.dimension,
            item.code,
            item.ceo_text,
            item.reverse,
            item.ceo.value,
            item.ceo.dont_know,
            item.ciso.value,
            item.ciso.dont_know,
            item.gap_value,
            item.abs_gap,
            item.optimism_gap,
            item.severity.words if compared else "",
            KNOWLEDGE_GAP_SIDES.get(item.knowledge_gap or "", ""),
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
    """The six tables for these assessments (rounds in the order given)."""
    assessments = list(assessments)
    data = _load(assessments) if assessments else _Data({}, {}, {})
    tables = [
        Table("overall", gettext("Overall"), OVERALL_COLUMNS, []),
        Table("answers", gettext("Answers"), ANSWER_COLUMNS, []),
        Table("dimension-scores", gettext("Dimension scores"), DIMENSION_COLUMNS, []),
        Table("item-gaps", gettext("Item gaps"), ITEM_COLUMNS, []),
        Table("actions", gettext("Actions"), ACTION_COLUMNS, []),
        Table("perception", gettext("Perception"), PERCEPTION_COLUMNS, []),
    ]
    for assessment in assessments:
        view = data.views[assessment.pk]
        tables[0].rows.append(_overall_row(view))
        tables[1].rows.extend(_answer_rows(view, data))
        tables[2].rows.extend(_dimension_rows(view, data))
        tables[3].rows.extend(_item_rows(view, data))
        tables[4].rows.extend(_action_rows(assessment, data))
        tables[5].rows.extend(_perception_rows(view, data))
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
    writer.writerow([str(column.header) for column in table.columns])
    for row in table.rows:
        writer.writerow([_csv_cell(value) for value in row])


def csv_bytes(table: Table) -> bytes:
    buffer = io.StringIO()
    write_csv(table, buffer)
    return buffer.getvalue().encode("utf-8")


def _xlsx_value(value):
    if isinstance(value, Promise):  # a lazy translation (a label, a choice's display)
        value = str(value)
    if isinstance(value, str):
        return without_control_characters(value)
    if isinstance(value, datetime):
        return _local(value)
    return value


def _xlsx_cell(new_cell, value, column: Column):
    """The value as it is, unless it needs a style: a number format, or text that Excel
    would otherwise read as a formula or an error code ("=…", "#…"); then a cell made by
    `new_cell(value)`."""
    value = _xlsx_value(value)
    if value is None:
        return None
    if column.kind == "text":
        if not (isinstance(value, str) and value[:1] in ("=", "#")):
            return value
        cell = new_cell(value)
        cell.data_type = "s"  # never a formula, whatever the text starts with
        return cell
    if column.kind not in _FORMATS:
        return value
    cell = new_cell(value)
    cell.number_format = _FORMATS[column.kind]
    return cell


def write_xlsx(tables: list[Table], stream) -> None:
    """Every table as a sheet of one workbook, written to a binary stream. Write-only mode:
    openpyxl writes each row out as it is appended instead of keeping thousands of cells
    alive until the end, so an organisation's export (every round) costs the same each time
    (the cells kept alive made the garbage collector's full passes the slow requests)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    top = Alignment(vertical="top", wrap_text=True)
    for table in tables:
        # A sheet name holds 31 characters at most (a translation may be longer).
        sheet = workbook.create_sheet(str(table.title)[:31])
        for index, column in enumerate(table.columns, 1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        sheet.freeze_panes = "A2"
        last = f"{get_column_letter(len(table.columns))}{len(table.rows) + 1}"
        sheet.auto_filter.ref = f"A1:{last}"
        new_cell = partial(WriteOnlyCell, sheet)
        header = [new_cell(str(column.header)) for column in table.columns]
        for cell in header:
            cell.font, cell.alignment = bold, top
        sheet.append(header)
        for row in table.rows:
            sheet.append(
                [
                    _xlsx_cell(new_cell, value, column)
                    for value, column in zip(row, table.columns, strict=True)
                ]
            )
    workbook.properties.creator = "Parley"
    workbook.properties.title = gettext("Parley export")
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
