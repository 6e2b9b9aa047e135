"""Importing answers from a CSV file, as a consultant does after a workshop run on paper.

The file has the header ``question,role,value,comment`` (any order, any case): one row per
answer, role ``ceo`` or ``ciso``, value ``1``..``5`` or ``dk`` (don't know). UTF-8, with or
without a byte-order mark (Excel's "CSV UTF-8").

Bank version 2: a prediction is the row of question ``CODE/predicted`` (the row's role is the
one predicting; ``dk`` means "can't say"), the felt question the row of question ``felt``;
neither takes a comment.

All or nothing: every row is checked before anything is written, every problem is reported
with its line number, and one bad row means nothing is imported. The rows are written with
one INSERT … ON CONFLICT (an answer already saved for the same item is replaced). A
respondent who has submitted is never changed. With ``submit``, both respondents are then
submitted through `assessments.services.respondent_submit`, in the same transaction, so the
second submit enqueues scoring on commit exactly as a browser submit does; a refused submit
undoes the whole import.
"""

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from assessments.errors import IncompleteAnswers, RespondentError
from assessments.models import Answer, Assessment, Question, Respondent
from assessments.services import (
    COMMENT_MAX_LENGTH,
    FELT_CODE,
    PREDICTED_SUFFIX,
    respondent_submit,
)
from config.tasking import Sends
from config.text import control_character_problem

from . import scoring

HEADER = ("question", "role", "value", "comment")
VALUES = {str(n): n for n in scoring.SCALE} | {scoring.DONT_KNOW: scoring.DONT_KNOW}
_ROLE_LABELS = dict(Respondent.Role.choices)


@dataclass(frozen=True)
class ResponseRow:
    """One record of the file as read, before any check. `missing` names the columns the
    record is too short to have; `extra` counts fields beyond the header."""

    line: int
    question: str = ""
    role: str = ""
    value: str = ""
    comment: str = ""
    missing: tuple[str, ...] = ()
    extra: int = 0


@dataclass(frozen=True)
class RowError:
    line: int | None  # None: about the file or the assessment, not one row
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}" if self.line else self.reason


class ImportRejected(Exception):
    """Nothing was imported; `errors` says why, one entry per problem, by line."""

    def __init__(self, errors: list[RowError]):
        self.errors = sorted(errors, key=lambda e: (e.line or 0, e.reason))
        super().__init__("\n".join(str(error) for error in self.errors))


@dataclass
class ImportSummary:
    answers: int = 0
    created: int = 0
    replaced: int = 0
    per_role: dict[str, int] = field(default_factory=dict)
    predictions: int = 0  # bank version 2: predictions and felt answers imported
    felt: int = 0
    submitted: list[str] = field(default_factory=list)  # roles submitted by this import


# --- Reading the file -------------------------------------------------------------------


def read_responses_csv(data: bytes) -> list[ResponseRow]:
    """The file's records as ResponseRows; ImportRejected when the file itself is unusable
    (not UTF-8, not CSV, no header or a wrong one, no rows). Row contents are checked by
    `responses_import`."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        byte = data[error.start]
        raise ImportRejected(
            [RowError(line, f"the file is not UTF-8 text (byte 0x{byte:02x}); save it as UTF-8")]
        ) from None
    # strict: a quote left open is an error, not a field that swallows the rest of the file.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records = []
    start = 1
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                records.append((start, record))
            start = reader.line_num + 1
    except csv.Error as error:
        raise ImportRejected([_csv_error(error, start, reader.line_num)]) from None
    if not records:
        raise ImportRejected([RowError(None, f"the file is empty: expected {','.join(HEADER)}")])
    (header_line, header), body = records[0], records[1:]
    columns = _columns(header_line, header)
    if not body:
        raise ImportRejected([RowError(None, "the file has a header but no answers")])
    return [_row(line, record, columns) for line, record in body]


def _csv_error(error: csv.Error, start: int, line: int) -> RowError:
    if "unexpected end of data" in str(error):
        return RowError(start, 'a quoted field is never closed (a " opened here has no closing ")')
    return RowError(line, f"not valid CSV: {error}")


def _columns(line: int, header: list[str]) -> list[str]:
    columns = [name.strip().lower() for name in header]
    errors = []
    missing = [name for name in HEADER if name not in columns]
    if missing:
        errors.append(f"missing column(s): {', '.join(missing)}")
    unknown = [name for name in columns if name not in HEADER]
    if unknown:
        errors.append(f"unknown column(s): {', '.join(repr(n) for n in unknown)}")
    repeated = sorted({name for name in columns if columns.count(name) > 1})
    if repeated:
        errors.append(f"repeated column(s): {', '.join(repeated)}")
    if errors:
        expected = f"(the header must be {','.join(HEADER)})"
        raise ImportRejected([RowError(line, f"{reason} {expected}") for reason in errors])
    return columns


def _row(line: int, record: list[str], columns: list[str]) -> ResponseRow:
    fields = dict(zip(columns, record, strict=False))
    return ResponseRow(
        line=line,
        question=fields.get("question", "").strip(),
        role=fields.get("role", "").strip().lower(),
        value=fields.get("value", "").strip().lower(),
        comment=fields.get("comment", "").strip(),
        missing=tuple(name for name in columns[len(record) :]),
        extra=max(len(record) - len(columns), 0),
    )


# --- Importing --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Checked:
    row: ResponseRow
    question: Question | None  # None: the felt question
    value: int | str

    @property
    def is_prediction(self) -> bool:
        return self.row.question.endswith(PREDICTED_SUFFIX)


def _question_problem(code: str, questions: dict[str, Question], has_felt: bool) -> str | None:
    """Why a question code is not one of this questionnaire's, or None."""
    if not code:
        return "the question code is empty"
    if code == FELT_CODE:
        return None if has_felt else "this questionnaire has no felt question ('felt')"
    item = code.removesuffix(PREDICTED_SUFFIX)
    if item not in questions:
        return f"unknown question code {code!r}"
    if item != code and not questions[item].predict:
        return f"item {item} asks for no prediction ({code!r})"
    return None


def _check_row(row: ResponseRow, questions: dict[str, Question], has_felt: bool) -> list[str]:
    if row.missing:
        return [f"missing field(s) for column(s) {', '.join(row.missing)}"]
    reasons = []
    if row.extra:
        reasons.append(f"{row.extra} field(s) more than the header has")
    problem = _question_problem(row.question, questions, has_felt)
    if problem:
        reasons.append(problem)
    elif row.comment and (row.question == FELT_CODE or row.question.endswith(PREDICTED_SUFFIX)):
        reasons.append(f"{row.question} takes no comment")
    if row.role not in _ROLE_LABELS:
        reasons.append(f"role must be ceo or ciso, not {row.role!r}")
    if row.value not in VALUES:
        reasons.append(f"value must be 1, 2, 3, 4, 5 or dk, not {row.value!r}")
    if problem := control_character_problem(row.comment, "comment"):
        reasons.append(problem[0].lower() + problem[1:])
    if len(row.comment) > COMMENT_MAX_LENGTH:
        reasons.append(f"the comment is longer than {COMMENT_MAX_LENGTH} characters")
    return reasons


def _check(rows, questions, respondents, has_felt) -> tuple[list[_Checked], list[RowError]]:
    errors: list[RowError] = []
    checked: list[_Checked] = []
    seen: dict[tuple[str, str], int] = {}
    refused_roles = set()
    for row in rows:
        reasons = _check_row(row, questions, has_felt)
        key = (row.question, row.role)
        if not reasons and key in seen:
            reasons.append(
                f"duplicate of line {seen[key]} (question {row.question}, role {row.role})"
            )
        seen.setdefault(key, row.line)
        if not reasons and row.role not in refused_roles:
            refusal = _role_refusal(row.role, respondents.get(row.role))
            if refusal:
                refused_roles.add(row.role)
                reasons.append(refusal)
        errors += [RowError(row.line, reason) for reason in reasons]
        if not reasons and row.role not in refused_roles:
            question = questions.get(row.question.removesuffix(PREDICTED_SUFFIX))
            checked.append(_Checked(row, question, VALUES[row.value]))
    return checked, errors


def _role_refusal(role: str, respondent: Respondent | None) -> str | None:
    label = _ROLE_LABELS[role]
    if respondent is None:
        return f"the assessment has no {label} respondent: add one before importing"
    if respondent.submitted_at:
        day = timezone.localtime(respondent.submitted_at).strftime("%-d %B %Y")
        return (
            f"the {label} submitted on {day}: submitted answers cannot be changed "
            f"(remove the {label}'s rows)"
        )
    return None


@transaction.atomic
def responses_import(
    *,
    assessment: Assessment,
    rows: list[ResponseRow],
    submit: bool = False,
    sends: Sends | None = None,
) -> ImportSummary:
    """Import answers into `assessment`, all or nothing (ImportRejected lists every problem).

    The respondents' rows are locked first (in role order, as `respondent_submit` does), so
    an import cannot interleave with a submit. `sends` learns on commit whether the scoring
    message (sent when the import completes the pair) reached the task queue.
    """
    if assessment.status == Assessment.Status.CLOSED:
        raise ImportRejected([RowError(None, f"assessment {assessment.code} is closed")])
    respondents = {
        r.role: r
        for r in Respondent.objects.select_for_update()
        .filter(assessment=assessment)
        .order_by("role")
    }
    for respondent in respondents.values():
        respondent.assessment = assessment
    questions = {
        q.code: q for q in Question.objects.filter(questionnaire_id=assessment.questionnaire_id)
    }
    has_felt = assessment.questionnaire.has_felt
    checked, errors = _check(rows, questions, respondents, has_felt)
    if errors:
        raise ImportRejected(errors)
    summary = _write(checked, respondents)
    if submit:
        _submit(summary, respondents, sends)
    return summary


def _write(checked: list[_Checked], respondents: dict[str, Respondent]) -> ImportSummary:
    now = timezone.now()
    existing = set(
        Answer.objects.filter(respondent__in=respondents.values()).values_list(
            "respondent_id", "question_id"
        )
    )
    answers = []
    summary = ImportSummary(per_role=dict.fromkeys(respondents, 0))
    expectations = [e for e in checked if e.question is None or e.is_prediction]
    for entry in checked:
        if entry in expectations:
            continue
        respondent = respondents[entry.row.role]
        dont_know = entry.value == scoring.DONT_KNOW
        answers.append(
            Answer(
                respondent=respondent,
                question=entry.question,
                value=None if dont_know else entry.value,
                dont_know=dont_know,
                comment=entry.row.comment,
            )
        )
        summary.per_role[respondent.role] += 1
        summary.replaced += (respondent.pk, entry.question.pk) in existing
    Answer.objects.bulk_create(
        answers,
        update_conflicts=True,
        unique_fields=["respondent", "question"],
        update_fields=["value", "dont_know", "comment", "updated_at"],
    )
    _write_expectations(expectations, respondents, summary, now)
    touched = [respondents[role].pk for role, count in summary.per_role.items() if count]
    Respondent.objects.filter(pk__in=touched, started_at__isnull=True).update(
        started_at=now, updated_at=now
    )
    summary.answers = len(answers)
    summary.created = summary.answers - summary.replaced
    return summary


def _write_expectations(
    entries: list[_Checked], respondents: dict[str, Respondent], summary: ImportSummary, now
) -> None:
    """Predictions (their own columns only: an answer in the same file, written first, or
    saved before, stays) and felt answers."""
    predictions = []
    for entry in entries:
        respondent = respondents[entry.row.role]
        cant_say = entry.value == scoring.CANT_SAY
        value = None if cant_say else entry.value
        if entry.question is None:
            Respondent.objects.filter(pk=respondent.pk).update(
                felt_value=value, felt_cant_say=cant_say, updated_at=now
            )
            summary.felt += 1
            continue
        predictions.append(
            Answer(
                respondent=respondent,
                question=entry.question,
                predicted_value=value,
                predicted_cant_say=cant_say,
            )
        )
    Answer.objects.bulk_create(
        predictions,
        update_conflicts=True,
        unique_fields=["respondent", "question"],
        update_fields=["predicted_value", "predicted_cant_say", "updated_at"],
    )
    summary.predictions = len(predictions)


def _submit(
    summary: ImportSummary, respondents: dict[str, Respondent], sends: Sends | None
) -> None:
    errors = []
    for role in Respondent.Role.values:
        respondent = respondents.get(role)
        label = _ROLE_LABELS[role]
        if respondent is None:
            errors.append(RowError(None, f"cannot submit: the assessment has no {label}"))
            continue
        already = respondent.submitted_at is not None
        try:
            respondent_submit(respondent=respondent, sends=sends)
        except IncompleteAnswers as error:
            codes = ", ".join(error.missing_codes)
            count = len(error.missing_codes)
            errors.append(
                RowError(None, f"cannot submit the {label}: {count} item(s) unanswered ({codes})")
            )
        except RespondentError as error:
            errors.append(RowError(None, f"cannot submit the {label}: {error.message}"))
        else:
            if not already:
                summary.submitted.append(role)
    if errors:
        raise ImportRejected(errors)  # undoes the import too: all or nothing
