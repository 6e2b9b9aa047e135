"""Writes for question banks, assessments, respondents and answers. Plain functions
`<noun>_<verb>` with keyword-only arguments. Invitations and reminders (the emails) are in
assessments.invitations."""

import dataclasses
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext, gettext_noop

from config import handoffs
from config.tasking import Sends
from config.text import control_character_problem
from organizations.audit import Action, audit_record, in_log_language

from .bank_translations import BankTranslation, parse_translation
from .due_dates import refuse_bad_due_date
from .errors import AnswerRefused, AnswersLocked, IncompleteAnswers, RespondentError
from .models import (
    Answer,
    Assessment,
    Dimension,
    Invitation,
    Question,
    Questionnaire,
    Respondent,
    bank_language,
)
from .question_bank import BankData, BankError
from .selectors import ITEM_CODE, bank_from_questionnaire, questionnaire_layout
from .tokens import hash_token, looks_like_token

COMMENT_MAX_LENGTH = 4000


@dataclass(frozen=True)
class LoadOutcome:
    questionnaire: Questionnaire
    created: bool
    translations_changed: bool = False


@transaction.atomic
def questionnaire_load(*, bank: BankData, translations=()) -> LoadOutcome:
    """Create and publish the questionnaire described by `bank` (`load_question_bank`), with
    its `translations` (BankTranslation, one per language: assessments.bank_translations).

    Idempotent: loading the same bank again changes nothing, whatever its file's format. A
    published version is never modified: a different bank with the same slug and version is
    refused (BankError). A draft of that version is replaced and published. Translations are
    not part of a version: they replace the stored ones whenever they differ.
    """
    outcome = questionnaire_import(bank=bank, translations=translations)
    if not outcome.created:
        return outcome
    published = questionnaire_publish(questionnaire=outcome.questionnaire)
    return LoadOutcome(published, created=True, translations_changed=outcome.translations_changed)


@transaction.atomic
def questionnaire_import(*, bank: BankData, translations=()) -> LoadOutcome:
    """Store `bank` as a draft: a new one, or in place of the draft of the same slug and
    version (a draft is edited by importing it again). All or nothing.

    A published version is never modified: importing the same content again changes nothing
    but its translations (created=False); different content is refused (BankError) with the
    next free version. `translations` (from `<bank>.<lang>.json` files) and the bank's own
    `field::lang` columns (bank.translations) are stored with it.
    """
    translations = _translations_of(bank, translations)
    existing = (
        Questionnaire.objects.select_for_update()
        .filter(slug=bank.slug, version=bank.version)
        .first()
    )
    if existing is not None and existing.is_published:
        if _same_content(existing, bank):
            changed = questionnaire_translations_store(
                questionnaire=existing, translations=translations
            )
            return LoadOutcome(existing, created=False, translations_changed=changed)
        raise BankError(
            gettext(
                "%(label)s is already published with different content; published versions "
                "are never modified. Give the changed bank a new version (e.g. %(next)d)."
            )
            % {"label": f"{bank.slug}@{bank.version}", "next": _next_version(bank.slug)}
        )
    if existing is not None:
        existing.dimensions.all().delete()  # its questions go with them (no round uses a draft)
        questionnaire = existing
    else:
        questionnaire = Questionnaire(slug=bank.slug, version=bank.version)
    questionnaire.title = bank.title
    questionnaire.description = bank.description
    questionnaire.content_hash = bank.content_hash
    questionnaire.felt_ceo_text = bank.felt.ceo_text if bank.felt else ""
    questionnaire.felt_ciso_text = bank.felt.ciso_text if bank.felt else ""
    questionnaire.felt_anchors = list(bank.felt.anchors) if bank.felt else []
    questionnaire.save()
    _create_dimensions(questionnaire, bank)
    changed = questionnaire_translations_store(
        questionnaire=questionnaire, translations=translations
    )
    return LoadOutcome(questionnaire, created=True, translations_changed=changed)


def _translations_of(bank: BankData, translations) -> list[BankTranslation]:
    """The files' translations, and the bank's own (a spreadsheet's `field::lang` columns,
    in a translation file's shape) for the languages no file gives."""
    by_language = {t.language: t for t in translations}
    for language, texts in bank.translations.items():
        raw = {"language": language, "slug": bank.slug, "version": bank.version, **texts}
        by_language.setdefault(language, parse_translation(raw, bank, language))
    return list(by_language.values())


def questionnaire_translations_store(*, questionnaire: Questionnaire, translations) -> bool:
    """Store each language's wording on the questionnaire, its dimensions and its items
    (replacing what was stored; a language without a file is removed). True when anything
    changed; the questionnaire's updated_at then moves, which renews the cached layouts
    (assessments.selectors.questionnaire_layout) in every process."""
    by_language = {t.language: t for t in translations}
    changed = _replace(questionnaire, {lang: t.questionnaire for lang, t in by_language.items()})
    for model, texts_of in ((Dimension, "dimensions"), (Question, "questions")):
        rows = [
            row
            for row in model.objects.filter(questionnaire=questionnaire)
            if _replace(
                row,
                {lang: getattr(t, texts_of).get(row.code, {}) for lang, t in by_language.items()},
            )
        ]
        model.objects.bulk_update(rows, ["translations"])
        changed |= bool(rows)
    if changed:
        questionnaire.save(update_fields=["translations", "updated_at"])
    return changed


def _replace(row, translations: dict) -> bool:
    """Set `row.translations` (languages without text left out); True if it changed."""
    translations = {lang: texts for lang, texts in translations.items() if texts}
    if row.translations == translations:
        return False
    row.translations = translations
    return True


def _same_content(questionnaire: Questionnaire, bank: BankData) -> bool:
    """Whether the stored bank says what `bank` says (the same file, or its XLSX spelling)."""
    if questionnaire.content_hash == bank.content_hash:
        return True
    stored = bank_from_questionnaire(questionnaire)
    return dataclasses.replace(stored, translations={}) == dataclasses.replace(
        bank, translations={}
    )


def _next_version(slug: str) -> int:
    versions = Questionnaire.objects.filter(slug=slug).values_list("version", flat=True)
    return max(versions, default=0) + 1


@transaction.atomic
def questionnaire_publish(*, questionnaire: Questionnaire) -> Questionnaire:
    """Publish a draft: from now on it never changes, and rounds may use it. Idempotent."""
    locked = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    if locked.published_at is None:
        locked.published_at = timezone.now()
        locked.save(update_fields=["published_at", "updated_at"])
    questionnaire.published_at = locked.published_at
    return locked


def _create_dimensions(questionnaire: Questionnaire, bank: BankData) -> None:
    question_order = 0
    for dimension_order, dimension_data in enumerate(bank.dimensions, 1):
        dimension = Dimension.objects.create(
            questionnaire=questionnaire,
            code=dimension_data.code,
            name=dimension_data.name,
            description=dimension_data.description,
            order=dimension_order,
        )
        questions = []
        for item in dimension_data.items:
            question_order += 1
            questions.append(_question(questionnaire, dimension, item, question_order))
        Question.objects.bulk_create(questions)


def _question(questionnaire, dimension, item, order) -> Question:
    return Question(
        questionnaire=questionnaire,
        dimension=dimension,
        code=item.code,
        ceo_text=item.ceo_text,
        ciso_text=item.ciso_text,
        scale=item.scale,
        anchors=list(item.anchors),
        reverse=item.reverse,
        predict=item.predict,
        references=list(item.references),
        benchmark_ids=list(item.benchmarks),
        order=order,
    )


@transaction.atomic
def questionnaire_discard(*, questionnaire: Questionnaire) -> None:
    """Delete a draft with its dimensions and items. A published version is never deleted
    (BankError); no round can be on a draft."""
    locked = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    if locked.is_published:
        raise BankError(gettext("A published version is never deleted."))
    locked.delete()


# --- Assessments ------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """An executive as the consultant types them in."""

    email: str
    name: str = ""
    language: str = ""  # their questionnaire's and emails' language; blank: not chosen


def _clean_email(email: str) -> str:
    return (email or "").strip()


@transaction.atomic
def assessment_create(
    *,
    organization,
    questionnaire: Questionnaire,
    title: str,
    due_date: date | None,
    ceo: Person,
    ciso: Person,
    created_by=None,
) -> Assessment:
    """A draft assessment with its CEO and CISO. Nothing is sent until it is opened."""
    if not questionnaire.is_published:
        raise ValidationError(
            {"questionnaire": gettext("Only a published questionnaire can be used.")}
        )
    refuse_bad_due_date(due_date)
    if _clean_email(ceo.email).lower() == _clean_email(ciso.email).lower():
        raise ValidationError(
            {"ciso_email": gettext("The CEO and the CISO need different email addresses.")}
        )
    assessment = Assessment(
        organization=organization,
        questionnaire=questionnaire,
        title=title.strip(),
        due_date=due_date,
        created_by=created_by,
        status=Assessment.Status.DRAFT,
    )
    assessment.full_clean()
    assessment.save()
    for role, person in ((Respondent.Role.CEO, ceo), (Respondent.Role.CISO, ciso)):
        respondent = Respondent(
            assessment=assessment,
            role=role,
            name=person.name.strip(),
            email=_clean_email(person.email),
            language=person.language,
        )
        respondent.full_clean()
        respondent.save()
    return assessment


@transaction.atomic
def assessment_open(*, assessment: Assessment, by=None, send_invitations: bool = True):
    """Open a draft round and (by default) email each executive their own link.

    Idempotent: opening an open round again sends nothing (use a resend for that).
    """
    from .invitations import invitation_queue

    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.status == Assessment.Status.OPEN:
        return locked
    if locked.status != Assessment.Status.DRAFT:
        raise ValidationError(
            gettext("This assessment is %(status)s.") % {"status": locked.status_in_sentence()}
        )
    locked.status = Assessment.Status.OPEN
    locked.opened_at = timezone.now()
    locked.save(update_fields=["status", "opened_at", "updated_at"])
    assessment.status, assessment.opened_at = locked.status, locked.opened_at
    if send_invitations:
        for respondent in locked.respondents.all():
            invitation_queue(respondent=respondent, kind="invitation", by=by)
    return locked


# --- Answers ----------------------------------------------------------------------------

_NO_LONGER = gettext_noop("Your answers can no longer be changed.")


@dataclass(frozen=True)
class AnswerInput:
    question: Question
    value: int | None
    dont_know: bool
    comment: str


def _refuse_locked(respondent: Respondent, now) -> None:
    """Raise AnswersLocked when the respondent may no longer change answers."""
    assessment = respondent.assessment
    if respondent.submitted_at:
        submitted = formats.date_format(timezone.localtime(respondent.submitted_at), "DATE_FORMAT")
        raise AnswersLocked(
            gettext("Your answers were submitted on %(date)s and can no longer be changed.")
            % {"date": submitted}
        )
    if respondent.revoked_at:
        raise AnswersLocked(
            gettext("This link has been withdrawn; your answers cannot be changed.")
        )
    if assessment.status != Assessment.Status.OPEN:
        raise AnswersLocked(gettext("This assessment is not open for answers."))
    if respondent.access_expired(now):
        raise AnswersLocked(gettext("This link has expired; your answers cannot be changed."))


def _check_answer(respondent: Respondent, entry: AnswerInput) -> None:
    question = entry.question
    if question.questionnaire_id != respondent.assessment.questionnaire_id:
        raise AnswerRefused(_not_in_questionnaire(question))
    problem = _answer_problem(entry.value, entry.dont_know, entry.comment)
    if problem:
        raise AnswerRefused(_item_problem(question, problem))


def _not_in_questionnaire(question: Question) -> str:
    return gettext("Item %(code)s is not part of your questionnaire.") % {"code": question.code}


def _item_problem(question: Question, problem: str) -> str:
    # Translators: %(problem)s is one of the answer's problems ("the answer must be …").
    return gettext("Item %(code)s: %(problem)s") % {"code": question.code, "problem": problem}


def _answer_problem(value, dont_know: bool, comment: str) -> str | None:
    """What is wrong with an answer in itself (no database needed), or None."""
    if value is not None and (type(value) is not int or not 1 <= value <= 5):  # bool too
        return gettext("the answer must be a number from 1 to 5.")
    if dont_know and value is not None:
        return gettext("choose an answer or “Don’t know”, not both.")
    if problem := control_character_problem(comment, "comment"):
        return problem
    if len(comment) > COMMENT_MAX_LENGTH:
        return gettext("the comment is longer than %(limit)d characters.") % {
            "limit": COMMENT_MAX_LENGTH
        }
    return None


def answers_save(*, respondent: Respondent, entries: list[AnswerInput]) -> list[Answer]:
    """Save (insert or replace) several answers of one respondent, all or none.

    Every entry is validated before anything is written. The write locks the respondent's
    row with an UPDATE that re-checks it is still open for answers (waiting for a concurrent
    submit to finish), so an answer can never land after a submit; then one INSERT … ON
    CONFLICT writes all the answers. No full_clean: its uniqueness check would cost a query
    per answer, and the upsert is that check; the values are validated above and by the
    table's check constraints.
    """
    now = timezone.now()
    _refuse_locked(respondent, now)
    for entry in entries:
        _check_answer(respondent, entry)
    ids = _write_answers(respondent, entries, now)
    if ids is None:
        fresh = Respondent.objects.select_related("assessment").get(pk=respondent.pk)
        _refuse_locked(fresh, now)
        raise AnswersLocked(gettext(_NO_LONGER))  # pragma: no cover
    if respondent.started_at is None:
        respondent.started_at = now
    return [
        Answer(
            pk=ids.get(entry.question.pk),
            respondent=respondent,
            question=entry.question,
            value=entry.value,
            dont_know=entry.dont_know,
            comment=entry.comment,
            language=shown_language(respondent),
        )
        for entry in entries
    ]


# The autosave's write, as SQL written once: compiling it through the ORM on every request
# would cost more CPU than the database spends on it (see bench/bench_questionnaire.py).
# Only table names from the models and %s placeholders are put into these strings; every
# value goes through the driver's parameters (hence the nosec markers for bandit's B608).
_ANSWER_COLUMNS = (
    "respondent_id, question_id, value, dont_know, comment, language, created_at, updated_at"
)
_ON_CONFLICT = (
    "ON CONFLICT (respondent_id, question_id) DO UPDATE SET value = excluded.value, "
    "dont_know = excluded.dont_know, comment = excluded.comment, "
    "language = excluded.language, updated_at = excluded.updated_at"
)
_STILL_OPEN = (
    f"UPDATE {Respondent._meta.db_table} "  # nosec B608
    "SET started_at = COALESCE(started_at, %s), updated_at = %s "
    "WHERE id = %s AND submitted_at IS NULL AND revoked_at IS NULL"
)
# PostgreSQL: lock-and-check and upsert in one statement, so one round trip and no
# BEGIN/COMMIT; the INSERT has rows only if the UPDATE returned the respondent.
_WRITE_POSTGRESQL = (
    f"WITH still_open AS ({_STILL_OPEN} RETURNING id) "  # nosec B608
    f"INSERT INTO {Answer._meta.db_table} ({_ANSWER_COLUMNS}) "
    "SELECT still_open.id, v.question_id, v.value, v.dont_know, v.comment, %s, %s, %s "
    "FROM still_open, (VALUES {rows}) AS v (question_id, value, dont_know, comment) "
    f"{_ON_CONFLICT} RETURNING id, question_id"
)
_WRITE_POSTGRESQL_ROW = "(%s::bigint, %s::smallint, %s::boolean, %s::text)"
# Elsewhere (SQLite): the same two steps in a transaction.
_UPSERT = (
    f"INSERT INTO {Answer._meta.db_table} ({_ANSWER_COLUMNS}) "  # nosec B608
    f"VALUES {{rows}} {_ON_CONFLICT}"
)


def shown_language(respondent: Respondent) -> str:
    """The language a respondent's questionnaire is shown in: their own choice, else the
    request's (the browser's). Recorded on each answer they save. The autosave's quick path
    says the same in SQL."""
    return respondent.language or bank_language()


def _write_answers(respondent, entries: list[AnswerInput], now) -> dict[int, int] | None:
    """Write the answers; returns {question id: answer id}, or None (nothing written) when
    the respondent is no longer open for answers. Each answer records the active language:
    the one its item was shown in (the link's views activate the respondent's)."""
    stamp = connection.ops.adapt_datetimefield_value(now)
    language = shown_language(respondent)
    opened = [stamp, stamp, respondent.pk]
    if connection.vendor == "postgresql":
        rows = ", ".join([_WRITE_POSTGRESQL_ROW] * len(entries))
        values = [v for e in entries for v in (e.question.pk, e.value, e.dont_know, e.comment)]
        with connection.cursor() as cursor:
            cursor.execute(
                _WRITE_POSTGRESQL.format(rows=rows), [*opened, language, stamp, stamp, *values]
            )
            written = cursor.fetchall()
        return {question_id: pk for pk, question_id in written} if written else None
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_STILL_OPEN, opened)
        if not cursor.rowcount:
            return None
        rows = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(entries))
        values = [
            v
            for e in entries
            for v in (
                respondent.pk, e.question.pk, e.value, e.dont_know, e.comment, language, stamp,
                stamp,
            )
        ]  # fmt: skip
        returning = connection.features.can_return_rows_from_bulk_insert
        cursor.execute(
            _UPSERT.format(rows=rows) + (" RETURNING id, question_id" if returning else ""), values
        )
        return {question_id: pk for pk, question_id in cursor.fetchall()} if returning else {}


# --- Predictions and the felt question (bank version 2) ---------------------------------

# The autosave and the import name a prediction "CODE/predicted" and the felt question "felt".
PREDICTED_SUFFIX = "/predicted"
FELT_CODE = "felt"


def prediction_code(code: str) -> str:
    return code + PREDICTED_SUFFIX


@dataclass(frozen=True)
class PredictionInput:
    question: Question
    value: int | None
    cant_say: bool


def _prediction_problem(value, cant_say: bool, *, felt: bool = False) -> str | None:
    """What is wrong with a prediction (or, with `felt`, the felt answer), or None."""
    if value is not None and (type(value) is not int or not 1 <= value <= 5):  # bool too
        if felt:
            return gettext("the answer must be a number from 1 to 5.")
        return gettext("the prediction must be a number from 1 to 5.")
    if cant_say and value is not None:
        if felt:
            return gettext("choose one answer or “Can’t say”, not both.")
        return gettext("choose one prediction or “Can’t say”, not both.")
    return None


# A prediction's write touches only the prediction's columns: the answer (value, don't know,
# comment) saved by the autosave stays as it is, and a prediction given before the answer
# makes a row whose answer is still empty.
_PREDICTION_UPSERT = (
    f"INSERT INTO {Answer._meta.db_table} "  # nosec B608 (table name from the model)
    "(respondent_id, question_id, value, dont_know, comment, predicted_value, "
    "predicted_cant_say, created_at, updated_at) VALUES {rows} "
    "ON CONFLICT (respondent_id, question_id) DO UPDATE SET "
    "predicted_value = excluded.predicted_value, "
    "predicted_cant_say = excluded.predicted_cant_say, updated_at = excluded.updated_at"
)


@transaction.atomic
def predictions_save(*, respondent: Respondent, entries: list[PredictionInput]) -> None:
    """Save (insert or replace) predictions of one respondent, all or none.

    The same locks and checks as answers_save: refused (AnswersLocked) once submitted,
    revoked, expired or not open; (AnswerRefused) for an item of another questionnaire, an
    item without a prediction, or a value outside 1..5 together with "can't say"."""
    now = timezone.now()
    _refuse_locked(respondent, now)
    for entry in entries:
        question = entry.question
        if question.questionnaire_id != respondent.assessment.questionnaire_id:
            raise AnswerRefused(_not_in_questionnaire(question))
        if not question.predict:
            raise AnswerRefused(
                gettext("Item %(code)s asks for no prediction.") % {"code": question.code}
            )
        problem = _prediction_problem(entry.value, entry.cant_say)
        if problem:
            raise AnswerRefused(_item_problem(question, problem))
    if not entries:
        return
    stamp = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(_STILL_OPEN, [stamp, stamp, respondent.pk])
        if not cursor.rowcount:
            fresh = Respondent.objects.select_related("assessment").get(pk=respondent.pk)
            _refuse_locked(fresh, now)
            raise AnswersLocked(gettext(_NO_LONGER))  # pragma: no cover
        rows = ", ".join(["(%s, %s, NULL, FALSE, '', %s, %s, %s, %s)"] * len(entries))
        values = [
            v
            for e in entries
            for v in (respondent.pk, e.question.pk, e.value, e.cant_say, stamp, stamp)
        ]
        cursor.execute(_PREDICTION_UPSERT.format(rows=rows), values)
    if respondent.started_at is None:
        respondent.started_at = now


@transaction.atomic
def page_save(
    *,
    respondent: Respondent,
    entries: list[AnswerInput],
    predictions: list[PredictionInput] = (),
    felt: tuple[int | None, bool] | None = None,
) -> None:
    """Save a page of the questionnaire, all or none: its answers, its predictions and (on
    the last page of a version 2 bank) the felt question as (value, can't say)."""
    if entries:
        answers_save(respondent=respondent, entries=entries)
    if predictions:
        predictions_save(respondent=respondent, entries=list(predictions))
    if felt is not None:
        felt_save(respondent=respondent, value=felt[0], cant_say=felt[1])


@transaction.atomic
def felt_save(*, respondent: Respondent, value: int | None, cant_say: bool) -> None:
    """Save the felt-alignment answer (1..5 or "can't say"); the same refusals as answers."""
    now = timezone.now()
    _refuse_locked(respondent, now)
    if not respondent.assessment.questionnaire.has_felt:
        raise AnswerRefused(gettext("Your questionnaire has no question on felt alignment."))
    problem = _prediction_problem(value, cant_say, felt=True)
    if problem:
        # Translators: %(problem)s is one of the answer's problems ("the answer must be …").
        raise AnswerRefused(gettext("How aligned you feel: %(problem)s") % {"problem": problem})
    written = Respondent.objects.filter(
        pk=respondent.pk, submitted_at__isnull=True, revoked_at__isnull=True
    ).update(
        felt_value=value,
        felt_cant_say=cant_say,
        started_at=Coalesce("started_at", Value(now)),
        updated_at=now,
    )
    if not written:
        raise AnswersLocked(gettext(_NO_LONGER))
    respondent.felt_value, respondent.felt_cant_say = value, cant_say


def answer_save(
    *,
    respondent: Respondent,
    question: Question,
    value: int | None,
    dont_know: bool,
    comment: str = "",
) -> Answer:
    """Save one answer (insert or replace on respondent and question).

    Refuses (AnswersLocked) once the respondent has submitted, or is revoked, expired or the
    round is not open; refuses (AnswerRefused) a value outside 1..5, an answer together with
    "don't know", or a question of another questionnaire.
    """
    entry = AnswerInput(question, value, bool(dont_know), comment or "")
    return answers_save(respondent=respondent, entries=[entry])[0]


# The autosave of one well-formed answer on PostgreSQL, as a single statement: find the
# link's respondent and the item by its code, check that the link is live and the round open,
# lock and stamp the respondent (waiting for a concurrent submit, then seeing it), and upsert
# the answer. It mirrors the checks of respondent_for_token and _refuse_locked; when any of
# them fails, no row comes back and the caller takes the full path, which says which one.
# Expiry: a link is live until the later of token_expires_at and the end of the due date
# (Respondent.access_expires_at); the due date has not ended while it is today or later.
def _live_item_postgresql(item_condition: str = "") -> str:
    """The CTEs shared by the autosave statements; `item_condition` narrows the item."""
    return (
        "WITH target AS ("  # nosec B608 (table names from the models; values are parameters)
        "SELECT r.id AS respondent_id, q.id AS question_id "
        f"FROM {Invitation._meta.db_table} i "
        f"JOIN {Respondent._meta.db_table} r ON r.id = i.respondent_id "
        f"JOIN {Assessment._meta.db_table} a ON a.id = r.assessment_id "
        f"JOIN {Question._meta.db_table} q "
        f"ON q.questionnaire_id = a.questionnaire_id AND q.code = %(code)s {item_condition} "
        "WHERE i.token_hash = %(token_hash)s AND i.revoked_at IS NULL AND a.status = %(open)s "
        "AND (r.token_expires_at > %(now)s OR a.due_date >= %(today)s "
        "OR (r.token_expires_at IS NULL AND a.due_date IS NULL))), "
        f"still_open AS (UPDATE {Respondent._meta.db_table} r "
        "SET started_at = COALESCE(r.started_at, %(now)s), updated_at = %(now)s FROM target "
        "WHERE r.id = target.respondent_id AND r.submitted_at IS NULL AND r.revoked_at IS NULL "
        "RETURNING r.id, target.question_id, "
        "COALESCE(NULLIF(r.language, ''), %(language)s) AS language) "
    )


_AUTOSAVE_POSTGRESQL = (
    _live_item_postgresql() + f"INSERT INTO {Answer._meta.db_table} ({_ANSWER_COLUMNS}) "  # nosec B608
    "SELECT id, question_id, %(value)s, %(dont_know)s, %(comment)s, language, %(now)s, %(now)s "
    f"FROM still_open {_ON_CONFLICT} RETURNING id"
)
# The same for a prediction ("CODE/predicted") of an item that asks for one: the same link,
# round and lock checks, and the same write as predictions_save (only the prediction's
# columns; a new row's answer stays empty).
_PREDICTION_AUTOSAVE_POSTGRESQL = (
    _live_item_postgresql("AND q.predict") + f"INSERT INTO {Answer._meta.db_table} "  # nosec B608
    "(respondent_id, question_id, value, dont_know, comment, predicted_value, "
    "predicted_cant_say, created_at, updated_at) "
    "SELECT id, question_id, NULL, FALSE, '', %(value)s, %(cant_say)s, %(now)s, %(now)s "
    "FROM still_open ON CONFLICT (respondent_id, question_id) DO UPDATE SET "
    "predicted_value = excluded.predicted_value, "
    "predicted_cant_say = excluded.predicted_cant_say, updated_at = excluded.updated_at "
    "RETURNING id"
)


def answer_save_by_link(
    *, token: str, code: str, value: int | None, dont_know: bool, comment: str
) -> bool:
    """The autosave's quick path: save one answer through the respondent's link in a single
    statement, without loading the respondent. True when saved; False when this path does
    not apply (not PostgreSQL, a malformed link or code, an invalid answer) or refused to
    write (unknown or dead link, unknown item, locked answers): the caller then takes the
    full path (respondent_and_question_for_token, answers_save), which saves or says why."""
    if connection.vendor != "postgresql" or _answer_problem(value, dont_know, comment):
        return False
    if not looks_like_token(token) or not ITEM_CODE.match(code):
        return False
    params = {
        "value": value,
        "dont_know": dont_know,
        "comment": comment,
        "language": bank_language(),
    }
    return _save_by_link(_AUTOSAVE_POSTGRESQL, token, code, params)


def prediction_save_by_link(*, token: str, code: str, value: int | None, cant_say: bool) -> bool:
    """The quick path of a prediction's autosave (item `code`, without "/predicted"), as
    answer_save_by_link: True when saved in one statement; False when it does not apply or
    refused to write (including an item that asks for no prediction), and the caller takes
    the full path (predictions_save), which saves or says why."""
    if connection.vendor != "postgresql" or _prediction_problem(value, cant_say):
        return False
    if not looks_like_token(token) or not ITEM_CODE.match(code):
        return False
    params = {"value": value, "cant_say": cant_say, "language": bank_language()}
    return _save_by_link(_PREDICTION_AUTOSAVE_POSTGRESQL, token, code, params)


def _save_by_link(statement: str, token: str, code: str, params: dict) -> bool:
    """Run one of the autosave statements for the link `token` and item `code` (PostgreSQL);
    True when it wrote a row."""
    now = timezone.now()
    params = {
        **params,
        "code": code,
        "token_hash": hash_token(token),
        "open": Assessment.Status.OPEN,
        "now": now,
        "today": timezone.localdate(now),
    }
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchone() is not None


def missing_question_codes(respondent: Respondent) -> list[str]:
    """Codes of the items that have neither a value nor "don't know", in order; then (bank
    version 2) "CODE/predicted" for each prediction neither given nor "can't say", and
    "felt" when the felt question is unanswered. One query (the questionnaire's layout is
    cached)."""
    questionnaire = respondent.assessment.questionnaire
    layout = questionnaire_layout(questionnaire)
    answered, predicted = set(), set()
    rows = Answer.objects.filter(respondent=respondent).values_list(
        "question_id", "value", "dont_know", "predicted_value", "predicted_cant_say"
    )
    for question_id, value, dont_know, predicted_value, cant_say in rows:
        if value is not None or dont_know:
            answered.add(question_id)
        if predicted_value is not None or cant_say:
            predicted.add(question_id)
    missing = [q.code for q in layout.questions if q.pk not in answered]
    missing += [
        prediction_code(q.code)
        for q in layout.questions
        if q.pk in layout.predicted and q.pk not in predicted
    ]
    if questionnaire.has_felt and not respondent.felt_complete:
        missing.append(FELT_CODE)
    return missing


@transaction.atomic
def respondent_submit(
    *, respondent: Respondent, request=None, sends: Sends | None = None
) -> Respondent:
    """Submit a respondent's answers; they are locked from then on.

    Both respondents' rows are locked (in a fixed order, so two submits cannot deadlock):
    when this submit completes the pair, scoring is enqueued once the transaction commits.
    Idempotent: submitting again changes nothing; the caller sees it from `submitted_at`
    having been set before the call. Refuses (IncompleteAnswers) unless every item is
    answered or marked "don't know", and (AnswersLocked) when revoked, expired or not open.

    The submission is written to the audit log in the same transaction (so the log has it
    exactly when it happened); `request`, when the respondent submitted through their link,
    gives the record its address and browser. `sends`, when given, learns on commit whether
    the scoring message reached the task queue.
    """
    rows = list(
        Respondent.objects.select_for_update()
        .filter(assessment_id=respondent.assessment_id)
        .order_by("role")
    )
    locked = next(row for row in rows if row.pk == respondent.pk)
    if locked.submitted_at:
        respondent.submitted_at = locked.submitted_at
        return respondent
    locked.assessment = respondent.assessment
    now = timezone.now()
    _refuse_locked(locked, now)
    missing = missing_question_codes(locked)
    if missing:
        raise IncompleteAnswers(missing)
    locked.submitted_at = now
    locked.save(update_fields=["submitted_at", "updated_at"])
    respondent.submitted_at = now
    _audit_respondent(Action.ANSWERS_SUBMITTED, respondent, request=request)
    if len(rows) == 2 and all(row.submitted_at for row in rows):
        # Scoring belongs to the alignment app, above this one: it hears of it here.
        handoffs.assessment_submitted.send(
            sender=Assessment, assessment_id=respondent.assessment_id, sends=sends
        )
    return respondent


@transaction.atomic
def respondent_reopen(*, respondent: Respondent, by=None, request=None) -> Respondent:
    """Reopen a submitted respondent's answers for changes ("Reopen for changes"): they
    answer again with the link they hold (or a resent one) and submit again.

    Only while the round is open. Once it is scored, its result, its report, what the
    executives were shown and the workshop all rest on the submitted answers (and the
    sweeper relies on submitted answers never changing), so a change of mind is then the
    next round. The assessment row is locked first, as scoring locks it: a reopen and a
    scoring of the same round run one after the other, and a scoring message that arrives
    after a reopen finds the round incomplete and does nothing.
    Raises ValidationError when there is nothing to reopen. Recorded in the audit log.
    """
    assessment = Assessment.objects.select_for_update().get(pk=respondent.assessment_id)
    locked = Respondent.objects.select_for_update().get(pk=respondent.pk)
    role = locked.get_role_display()
    if assessment.status != Assessment.Status.OPEN:
        status = assessment.status_in_sentence()
        raise ValidationError(
            gettext(
                "Only an open round can be reopened (this one is %(status)s): start the next "
                "round instead."
            )
            % {"status": status}
        )
    if locked.submitted_at is None:
        raise ValidationError(
            gettext("The %(role)s has not submitted: their answers are still open.")
            % {"role": role}
        )
    locked.submitted_at = None
    locked.save(update_fields=["submitted_at", "updated_at"])
    respondent.submitted_at = None
    _audit_respondent(Action.ASSESSMENT_REOPENED, respondent, request=request, by=by)
    return respondent


def _audit_respondent(action: str, respondent: Respondent, *, request=None, by=None) -> None:
    """An audit record about one executive, in their organisation's log: done by a signed-in
    user (`by`), through the executive's link (`request` without `by`), or by a command."""
    assessment = respondent.assessment
    with in_log_language():
        role = respondent.get_role_display()
    if by is not None:
        label = by.email
    elif request is not None:
        label = f"{role} (invitation link)"
    else:
        label = f"{role} {respondent.email} (no web request)"
    audit_record(
        action=action,
        request=request,
        actor=by,
        actor_label=label,
        organization=assessment.organization,
        target=f"{role} {respondent.email}, assessment {assessment.code}",
    )


# --- Respondents (consultant actions) ---------------------------------------------------


@transaction.atomic
def respondent_change_email(
    *, respondent: Respondent, email: str, name: str | None = None, language=None, by=None
):
    """Change an executive's address (and name, and language). When the address changes,
    every link sent to the old one is revoked and, in an open round, a new invitation goes to
    the new one."""
    from .invitations import LINK_STATUSES, invitation_queue, links_revoke

    email = _clean_email(email)
    other = (
        Respondent.objects.filter(assessment_id=respondent.assessment_id)
        .exclude(pk=respondent.pk)
        .values_list("email", flat=True)
        .first()
    )
    if other and other.lower() == email.lower():
        raise ValidationError(
            {"email": gettext("The CEO and the CISO need different email addresses.")}
        )
    changed = email.lower() != respondent.email.lower()
    respondent.email = email
    if changed:
        respondent.erased_at = None  # a new person in the role (after an erasure): theirs now
    if name is not None:
        respondent.name = name.strip()
    if language is not None:
        respondent.language = language
    respondent.full_clean()
    respondent.save()
    if changed and respondent.assessment.status != Assessment.Status.DRAFT:
        links_revoke(respondent=respondent)
        if respondent.assessment.status in LINK_STATUSES:
            invitation_queue(respondent=respondent, kind="invitation", by=by)
    return respondent


# --- Languages ----------------------------------------------------------------------------


def respondent_set_language(*, respondent: Respondent, language: str) -> None:
    """Remember the language an executive answers in (and gets emails in). Any time, even
    after submitting: it changes how things are shown, never an answer. RespondentError
    for a language Parley does not offer."""
    if language not in dict(settings.LANGUAGES):
        raise RespondentError(gettext("Choose one of the languages offered."))
    if language == respondent.language:
        return
    Respondent.objects.filter(pk=respondent.pk).update(language=language, updated_at=timezone.now())
    respondent.language = language
