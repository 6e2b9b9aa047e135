"""Reads for the respondent journey and the consultant's assessment pages.

Every respondent page starts with `respondent_for_token`; every consultant page with
`assessments.access.managed_assessment`.
The page selectors fetch in a fixed number of queries, whatever the number of answers.
"""

import copy
import re
from dataclasses import dataclass, field, replace

from django.core.paginator import Page, Paginator
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext, pgettext

from organizations.selectors import organizations_managed_by

from . import linksql
from .errors import LinkError
from .models import (
    BANK_SOURCE_LANGUAGE,
    Answer,
    Assessment,
    Dimension,
    Invitation,
    Question,
    Questionnaire,
    Respondent,
    bank_language,
)
from .question_bank import BankData, DimensionData, FeltData, ItemData, bank_scales, felt_scale
from .tokens import hash_token, looks_like_token

# The shape of an item code ("4.2"): anything else is not looked up.
ITEM_CODE = re.compile(r"^\d{1,3}\.\d{1,3}$")

# --- Links ------------------------------------------------------------------------------


def _link(token_hash: str) -> Invitation | None:
    """The invitation with its respondent, round, organisation, bank and consultant (one
    hand-written statement on PostgreSQL: assessments.linksql)."""
    if linksql.available():
        return linksql.link(token_hash)
    return (
        Invitation.objects.select_related(
            "respondent__assessment__organization",
            "respondent__assessment__created_by",
            "respondent__assessment__questionnaire",
        )
        .filter(token_hash=token_hash)
        .order_by()
        .first()
    )


def _link_and_question(token_hash: str, code: str) -> Invitation | None:
    """The invitation with its respondent and round, annotated with the id of the round's
    item `code` (`question_pk`, None when the bank has no such item): one query."""
    item = Question.objects.filter(
        questionnaire_id=OuterRef("respondent__assessment__questionnaire_id"), code=code
    ).values("pk")[:1]
    return (
        Invitation.objects.select_related("respondent__assessment")
        .filter(token_hash=token_hash)
        .annotate(question_pk=Subquery(item))
        .order_by()
        .first()
    )


def respondent_for_token(raw: str, *, now=None) -> Respondent:
    """The respondent a personal link opens, with its assessment, organisation and the
    consultant who created it. Raises LinkError (unknown, revoked or expired)."""
    if not looks_like_token(raw):
        raise LinkError(LinkError.UNKNOWN)
    return _open(_link(hash_token(raw)), now)


def respondent_and_question_for_token(raw: str, code: str) -> tuple[Respondent, Question | None]:
    """As respondent_for_token (without the organisation and the consultant), and the item
    of their questionnaire with this code (None if there is none), in one query: the read of
    the autosave's full path (its quick path, answer_save_by_link, reads nothing first)."""
    if not looks_like_token(raw):
        raise LinkError(LinkError.UNKNOWN)
    if not ITEM_CODE.match(code):
        return respondent_for_token(raw), None
    invitation = _link_and_question(hash_token(raw), code)
    respondent = _open(invitation, None)
    if invitation.question_pk is None:
        return respondent, None
    question = Question(
        pk=invitation.question_pk,
        questionnaire_id=respondent.assessment.questionnaire_id,
        code=code,
    )
    return respondent, question


def _open(invitation: Invitation | None, now) -> Respondent:
    if invitation is None:
        raise LinkError(LinkError.UNKNOWN)
    respondent = invitation.respondent
    if respondent.assessment.deleted_at is not None:
        # A deleted round (or one of a deleted organisation) is gone for its link too.
        raise LinkError(LinkError.UNKNOWN)
    if invitation.revoked_at or respondent.revoked_at:
        raise LinkError(LinkError.REVOKED, respondent)
    if respondent.access_expired(now or timezone.now()):
        raise LinkError(LinkError.EXPIRED, respondent)
    return respondent


def newer_link_sent_at(respondent: Respondent):
    """When the most recent live link was sent, for the page of a revoked link."""
    return (
        Invitation.objects.filter(
            respondent=respondent, revoked_at__isnull=True, sent_at__isnull=False
        )
        .order_by("-sent_at")
        .values_list("sent_at", flat=True)
        .first()
    )


def both_submitted(assessment: Assessment) -> bool:
    """Whether the CEO and the CISO have both submitted: only then may either see results."""
    if linksql.available():
        count = linksql.submitted_count(assessment.pk)
    else:
        submitted = Respondent.objects.filter(assessment_id=assessment.pk)
        count = submitted.filter(submitted_at__isnull=False).count()
    return count == len(Respondent.Role.choices)


# --- The questionnaire as one respondent sees it ----------------------------------------


# A published questionnaire never changes (the loader refuses to alter one, the admin shows it
# read-only), so its pages and items are read once per process, not on every page view.
# The key includes published_at: a questionnaire is cached only once published, and a row
# that reuses an id (SQLite reuses rolled-back ids) is a different key. Its translations may
# be corrected later (load_question_bank): that bumps updated_at, also in the key. Each
# language's layout is built from the same rows (no query) and cached on its own.
_LAYOUTS: dict = {}  # (questionnaire id, published_at, updated_at, language) -> layout


@dataclass(frozen=True)
class QuestionnaireLayout:
    """A questionnaire's dimensions and items, in order. Shared between requests: read only."""

    dimensions: tuple[Dimension, ...]
    questions: tuple[Question, ...]
    by_dimension: dict[int, tuple[Question, ...]]
    dimension_of: dict[int, int]  # question id -> its dimension's id
    # Bank version 2: items with a prediction of the other's answer (each one more question
    # for the respondent), and whether the felt question follows the last dimension.
    predicted: frozenset[int] = frozenset()
    has_felt: bool = False

    def question_count(self, questions) -> int:
        """What a respondent answers for these items: each, and each item's prediction."""
        return sum(1 + (question.pk in self.predicted) for question in questions)

    def translated(self, language: str) -> "QuestionnaireLayout":
        """The same layout with copies of its dimensions and items whose texts are in
        `language` (English where a translation lacks a field)."""
        dimensions = tuple(_in_language(d, language, _DIMENSION_TEXT) for d in self.dimensions)
        questions = tuple(_in_language(q, language, _QUESTION_TEXT) for q in self.questions)
        by_dimension = {pk: [] for pk in self.by_dimension}
        for question in questions:
            by_dimension[question.dimension_id].append(question)
        return QuestionnaireLayout(
            dimensions,
            questions,
            {pk: tuple(items) for pk, items in by_dimension.items()},
            self.dimension_of,
            predicted=self.predicted,
            has_felt=self.has_felt,
        )


_DIMENSION_TEXT = ("name", "description")
_QUESTION_TEXT = ("ceo_text", "ciso_text", "anchors")


def _in_language(instance, language: str, fields: tuple[str, ...]):
    shown = copy.copy(instance)
    for name in fields:
        setattr(shown, name, instance.translated(name, language))
    return shown


def questionnaire_layout(
    questionnaire: Questionnaire, language: str | None = None
) -> QuestionnaireLayout:
    """The questionnaire's dimensions and items in `language` (default: the active one),
    each field in English where its translation is missing. Two queries the first time a
    process reads a published bank, none after, in every language."""
    language = bank_language(language)
    stamp = (questionnaire.pk, questionnaire.published_at, questionnaire.__dict__.get("updated_at"))
    layout = _LAYOUTS.get((*stamp, language))
    if layout is None:
        source = _LAYOUTS.get((*stamp, BANK_SOURCE_LANGUAGE))
        if source is None:
            source = _load_layout(questionnaire.pk, has_felt=questionnaire.has_felt)
        layout = source if language == BANK_SOURCE_LANGUAGE else source.translated(language)
        if questionnaire.published_at is not None:
            _LAYOUTS[(*stamp, BANK_SOURCE_LANGUAGE)] = source
            _LAYOUTS[(*stamp, language)] = layout
    return layout


def _load_layout(questionnaire_id: int, *, has_felt: bool = False) -> QuestionnaireLayout:
    dimensions = tuple(
        Dimension.objects.filter(questionnaire_id=questionnaire_id).order_by("order")
    )
    questions = tuple(Question.objects.filter(questionnaire_id=questionnaire_id).order_by("order"))
    by_dimension = {dimension.pk: [] for dimension in dimensions}
    for question in questions:
        by_dimension[question.dimension_id].append(question)
    return QuestionnaireLayout(
        dimensions,
        questions,
        {pk: tuple(items) for pk, items in by_dimension.items()},
        {question.pk: question.dimension_id for question in questions},
        predicted=frozenset(q.pk for q in questions if q.predict),
        has_felt=has_felt,
    )


@dataclass
class DimensionProgress:
    dimension: Dimension
    number: int
    item_count: int
    answered: int = 0

    @property
    def complete(self) -> bool:
        return self.answered >= self.item_count


@dataclass(frozen=True)
class SavedAnswer:
    value: int | None
    dont_know: bool
    comment: str
    predicted_value: int | None = None
    predicted_cant_say: bool = False
    language: str = "en"  # the language the item was shown in when it was saved

    @property
    def complete(self) -> bool:
        return self.dont_know or self.value is not None

    @property
    def posted(self) -> str:
        """The answer as the questionnaire form posts it: "1".."5", "dk" or ""."""
        return "dk" if self.dont_know else str(self.value or "")

    @property
    def prediction_complete(self) -> bool:
        return self.predicted_cant_say or self.predicted_value is not None


@dataclass(frozen=True)
class SavedFelt:
    """The felt question's answer: 1..5, or "can't say"."""

    value: int | None
    cant_say: bool

    @property
    def complete(self) -> bool:
        return self.cant_say or self.value is not None


@dataclass
class Progress:
    """A respondent's place in their questionnaire: its pages and their saved answers."""

    pages: list[DimensionProgress]
    layout: QuestionnaireLayout
    answers: dict[int, SavedAnswer] = field(default_factory=dict)
    felt: SavedFelt | None = None  # None: the questionnaire has no felt question

    def is_felt_page(self, page: DimensionProgress) -> bool:
        """The felt question follows the last dimension, on its page."""
        return self.felt is not None and page.number == len(self.pages)

    def questions(self, page: DimensionProgress) -> tuple[Question, ...]:
        """The page's items, in order."""
        return self.layout.by_dimension[page.dimension.pk]

    @property
    def all_questions(self) -> tuple[Question, ...]:
        return self.layout.questions

    @property
    def total(self) -> int:
        return sum(page.item_count for page in self.pages)

    @property
    def answered(self) -> int:
        return sum(page.answered for page in self.pages)

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0

    def page(self, code: str) -> DimensionProgress | None:
        return next((page for page in self.pages if page.dimension.code == code), None)

    def neighbours(self, page: DimensionProgress):
        index = page.number - 1
        previous = self.pages[index - 1] if index > 0 else None
        following = self.pages[index + 1] if index + 1 < len(self.pages) else None
        return previous, following

    def first_incomplete(self) -> DimensionProgress | None:
        return next((page for page in self.pages if not page.complete), None)


def respondent_progress(respondent: Respondent) -> Progress:
    """The pages (dimensions) with item counts and every saved answer: one query (the
    answers) once the questionnaire's layout is cached."""
    layout = questionnaire_layout(respondent.assessment.questionnaire)
    pages = [
        DimensionProgress(
            dimension, number, layout.question_count(layout.by_dimension[dimension.pk])
        )
        for number, dimension in enumerate(layout.dimensions, 1)
    ]
    by_id = {page.dimension.pk: page for page in pages}
    progress = Progress(pages, layout)
    for question_id, *row in _saved_answers(respondent.pk):
        dimension_id = layout.dimension_of.get(question_id)
        saved = SavedAnswer(*row)
        progress.answers[question_id] = saved
        page = by_id.get(dimension_id)
        if page is not None:
            page.answered += saved.complete
            page.answered += question_id in layout.predicted and saved.prediction_complete
    if layout.has_felt and pages:
        progress.felt = SavedFelt(respondent.felt_value, respondent.felt_cant_say)
        pages[-1].item_count += 1
        pages[-1].answered += progress.felt.complete
    return progress


def _saved_answers(respondent_id: int) -> list[tuple]:
    """(question id, value, don't know, comment, predicted value, predicted "can't say") of
    each answer saved by a respondent."""
    if linksql.available():
        return linksql.answers(respondent_id)
    answers = Answer.objects.filter(respondent_id=respondent_id).order_by()
    return list(answers.values_list("question_id", *linksql.ANSWER_COLUMNS))


def saved_answer(respondent: Respondent, question: Question) -> SavedAnswer:
    """One item's stored answer (blank when there is none): what a refused change restores."""
    row = (
        Answer.objects.filter(respondent=respondent, question_id=question.pk)
        .values_list("value", "dont_know", "comment")
        .first()
    )
    return SavedAnswer(*row) if row else SavedAnswer(None, False, "")


# --- Consultant pages -------------------------------------------------------------------


def _count(queryset, outer_field: str) -> Subquery:
    """A correlated COUNT(*) subquery: several of them on one row do not multiply."""
    counted = queryset.values(outer_field).annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _respondents_with_progress():
    complete = Answer.objects.filter(respondent=OuterRef("pk")).filter(
        Q(value__isnull=False) | Q(dont_know=True)
    )
    pending = Invitation.objects.filter(
        respondent=OuterRef("pk"), sent_at__isnull=True, revoked_at__isnull=True
    )
    return Respondent.objects.annotate(
        answered=_count(complete, "respondent"),
        pending_invitations=_count(pending, "respondent"),
    ).order_by("role")


def with_item_count(queryset):
    items = Question.objects.filter(questionnaire=OuterRef("questionnaire"))
    return queryset.annotate(item_count=_count(items, "questionnaire"))


ROUNDS_PER_PAGE = 20


def assessments_for_organization(organization, *, page=1) -> Page:
    """One page of the organisation's rounds, newest first, each with its respondents'
    progress: a count, the page's rounds and their respondents (three queries, whatever the
    number of rounds)."""
    from django.db.models import Prefetch

    assessments = with_item_count(
        Assessment.objects.filter(organization=organization).select_related("questionnaire")
    ).prefetch_related(Prefetch("respondents", queryset=_respondents_with_progress()))
    return Paginator(assessments.order_by("-created_at", "-pk"), ROUNDS_PER_PAGE).get_page(page)


def with_respondents_progress(queryset):
    """Rounds with their item count and both executives' progress (`answered`,
    `pending_invitations`): three queries however many rounds (the API's list pages)."""
    from django.db.models import Prefetch

    return with_item_count(queryset.select_related("questionnaire")).prefetch_related(
        Prefetch("respondents", queryset=_respondents_with_progress())
    )


def respondents_with_progress(assessment: Assessment) -> list[Respondent]:
    """The CEO and the CISO with `answered` and `pending_invitations` counts (one query)."""
    respondents = list(_respondents_with_progress().filter(assessment=assessment))
    for respondent in respondents:
        respondent.assessment = assessment
    return respondents


def respondent_for_role(assessment: Assessment, role: str) -> Respondent:
    if role not in Respondent.Role.values:
        raise Http404("No such respondent.")
    respondent = assessment.respondents.filter(role=role).first()
    if respondent is None:
        raise Http404("No such respondent.")
    respondent.assessment = assessment
    return respondent


@dataclass(frozen=True)
class RespondentStatus:
    # not-invited | sending | invited | opened | in-progress | submitted | revoked | expired
    code: str
    label: str
    when: object = None
    # The respondent's links work now: only then can a reminder help, and the card shows
    # until when they work. A revoked or expired link offers neither (a resend does).
    link_live: bool = True


def respondent_status(respondent: Respondent, item_count: int, now=None) -> RespondentStatus:
    """What the consultant sees for one executive: status, with N of M answered, and when."""
    answered = getattr(respondent, "answered", 0)
    pending = getattr(respondent, "pending_invitations", 0)
    live = not respondent.revoked_at and not respondent.access_expired(now)
    if respondent.submitted_at:
        return RespondentStatus(
            "submitted", pgettext("respondent status", "Submitted"), respondent.submitted_at, live
        )
    if respondent.revoked_at and not pending:
        return RespondentStatus("revoked", gettext("Link revoked"), respondent.revoked_at, False)
    if respondent.access_expired(now) and not pending:
        expired = respondent.access_expires_at
        return RespondentStatus("expired", gettext("Link expired"), expired, False)
    if answered or respondent.started_at:
        label = gettext("In progress: %(answered)s of %(total)s answered") % {
            "answered": answered,
            "total": item_count,
        }
        return RespondentStatus("in-progress", label, respondent.started_at, live)
    if respondent.opened_at:
        return RespondentStatus(
            "opened", gettext("Opened, not started"), respondent.opened_at, live
        )
    if respondent.invited_at:
        return RespondentStatus(
            "invited", pgettext("respondent status", "Invited"), respondent.invited_at, live
        )
    if pending:
        return RespondentStatus("sending", gettext("Invitation being sent"), None, live)
    return RespondentStatus("not-invited", gettext("Not invited yet"))


# --- Question banks -----------------------------------------------------------------------


def bank_from_questionnaire(questionnaire: Questionnaire) -> BankData:
    """A stored bank as the files spell it (for exports and to compare with an import).
    Two queries. Translations are read in once the models carry them."""
    dimensions = Dimension.objects.filter(questionnaire=questionnaire).order_by("order")
    questions = Question.objects.filter(questionnaire=questionnaire).order_by("order")
    items_of: dict[int, list[ItemData]] = {}
    for question in questions:
        items_of.setdefault(question.dimension_id, []).append(
            ItemData(
                code=question.code,
                ceo_text=question.ceo_text,
                ciso_text=question.ciso_text,
                scale=question.scale,
                anchors=tuple(question.anchors),
                reverse=question.reverse,
                references=tuple(question.references),
                benchmarks=tuple(question.benchmark_ids),
                predict=question.predict,
            )
        )
    felt = None
    if questionnaire.has_felt:
        felt = FeltData(
            questionnaire.felt_ceo_text,
            questionnaire.felt_ciso_text,
            tuple(questionnaire.felt_anchors),
        )
    bank = BankData(
        slug=questionnaire.slug,
        version=questionnaire.version,
        title=questionnaire.title,
        description=questionnaire.description,
        dimensions=tuple(
            DimensionData(d.code, d.name, d.description, tuple(items_of.get(d.pk, ())))
            for d in dimensions
        ),
        content_hash=questionnaire.content_hash,
        felt=felt,
    )
    # The scales too (rebuilt from the items), as a file gives them: a translation is checked
    # against them when this bank is loaded again (questionnaire_load).
    return replace(
        bank,
        scales=bank_scales(bank),
        translations=_stored_translations(bank, questionnaire, dimensions, questions),
    )


def _stored_translations(bank: BankData, questionnaire, dimensions, questions) -> dict:
    """The stored wording in other languages, in a translation file's shape ({lang: {title,
    description, scales, dimensions, items, felt}}): what an export writes as `field::lang`."""
    english_scales = bank_scales(bank)
    languages = sorted(
        set(questionnaire.translations).union(
            *(row.translations for row in (*dimensions, *questions))
        )
    )
    return {
        lang: _file_texts(lang, bank, questionnaire, dimensions, questions, english_scales)
        for lang in languages
    }


def _file_texts(lang, bank, questionnaire, dimensions, questions, english_scales) -> dict:
    bank_texts = questionnaire.translations.get(lang, {})
    texts = {name: bank_texts[name] for name in ("title", "description") if name in bank_texts}
    scales, items = {}, {}
    for question in questions:
        words = question.translations.get(lang, {})
        item = {name: words[name] for name in ("ceo_text", "ciso_text") if name in words}
        anchors = words.get("anchors")
        if anchors and tuple(question.anchors) == tuple(english_scales.get(question.scale, ())):
            scales.setdefault(question.scale, list(anchors))
        elif anchors:
            item["anchors"] = list(anchors)
        if item:
            items[question.code] = item
    dimension_texts = {d.code: d.translations[lang] for d in dimensions if lang in d.translations}
    felt = {
        name.removeprefix("felt_"): bank_texts[name]
        for name in ("felt_ceo_text", "felt_ciso_text", "felt_anchors")
        if name in bank_texts
    }
    if "anchors" in felt:  # a spreadsheet keeps them with the felt question's scale too
        scales.setdefault(felt_scale(bank, english_scales), felt["anchors"])
    return {**texts, "scales": scales, "dimensions": dimension_texts, "items": items} | (
        {"felt": felt} if felt else {}
    )


def _live_rounds_in(organizations) -> Q:
    return Q(
        assessments__deleted_at__isnull=True,
        assessments__organization__in=organizations,
    )


def bank_versions(user) -> QuerySet[Questionnaire]:
    """Every bank version, newest first within a bank, with its item count and the number
    of rounds on it that `user` may manage (only those: which organisations used a bank is
    theirs to know)."""
    managed = organizations_managed_by(user)
    return Questionnaire.objects.annotate(
        item_count=Count("questions", distinct=True),
        visible_rounds=Count("assessments", filter=_live_rounds_in(managed), distinct=True),
    ).order_by("slug", "-version")


def bank_version(slug: str, version: int) -> Questionnaire:
    try:
        return Questionnaire.objects.get(slug=slug, version=version)
    except Questionnaire.DoesNotExist:
        raise Http404("No such question bank.") from None


def bank_usage(user, questionnaire: Questionnaire) -> list[tuple[str, int]]:
    """(organisation name, rounds) for the rounds on this bank version in the organisations
    `user` may manage; nothing about anyone else's."""
    rows = (
        Assessment.objects.filter(
            questionnaire=questionnaire, organization__in=organizations_managed_by(user)
        )
        .values("organization__name")
        .annotate(rounds=Count("pk"))
        .order_by("organization__name")
    )
    return [(row["organization__name"], row["rounds"]) for row in rows]


# --- A bank's translations ----------------------------------------------------------------


def bank_translation_gaps(questionnaire: Questionnaire) -> dict[str, list[str]]:
    """For each language Parley offers besides English, what of this bank shows in English
    for want of a translation ("item 3.2: ciso_text"); an empty list is a complete language.
    Three queries (the admin's bank view)."""
    from django.conf import settings

    from .bank_translations import untranslated_fields

    rows = [("bank", questionnaire, _questionnaire_english(questionnaire))]
    rows += [
        (f"dimension {d.code}", d, {"name": d.name, "description": d.description})
        for d in Dimension.objects.filter(questionnaire=questionnaire).order_by("order")
    ]
    rows += [
        (
            f"item {q.code}",
            q,
            {"ceo_text": q.ceo_text, "ciso_text": q.ciso_text, "anchors": q.anchors},
        )
        for q in Question.objects.filter(questionnaire=questionnaire).order_by("order")
    ]
    return {
        language: [
            f"{where}: {name}"
            for where, row, english in rows
            for name in untranslated_fields(row.translations, english, language)
        ]
        for language, _name in settings.LANGUAGES
        if language != BANK_SOURCE_LANGUAGE
    }


def _questionnaire_english(questionnaire: Questionnaire) -> dict:
    return {
        "title": questionnaire.title,
        "description": questionnaire.description,
        "felt_ceo_text": questionnaire.felt_ceo_text,
        "felt_ciso_text": questionnaire.felt_ciso_text,
        "felt_anchors": questionnaire.felt_anchors,
    }
