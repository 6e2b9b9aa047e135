"""Reads for the respondent journey and the consultant's assessment pages.

Every respondent page starts with `respondent_for_token`; every consultant page with
`assessments.access.managed_assessment`.
The page selectors fetch in a fixed number of queries, whatever the number of answers.
"""

import re
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from .errors import LinkError
from .models import Answer, Assessment, Dimension, Invitation, Question, Questionnaire, Respondent
from .prepared import PreparedQuery
from .tokens import hash_token, looks_like_token

# The shape of an item code ("4.2"): anything else is not looked up.
ITEM_CODE = re.compile(r"^\d{1,3}\.\d{1,3}$")

# --- Links ------------------------------------------------------------------------------

# Every respondent request runs these; see assessments.prepared for why they are prepared.
_LINK = PreparedQuery(
    lambda token_hash: (
        Invitation.objects.select_related(
            "respondent__assessment__organization",
            "respondent__assessment__created_by",
            "respondent__assessment__questionnaire",
        )
        .filter(token_hash=token_hash)
        .order_by()[:1]
    ),
    str,
)
_LINK_AND_QUESTION = PreparedQuery(
    lambda code, token_hash: (
        Invitation.objects.select_related("respondent__assessment")
        .filter(token_hash=token_hash)
        .annotate(
            question_pk=Subquery(
                Question.objects.filter(
                    questionnaire_id=OuterRef("respondent__assessment__questionnaire_id"), code=code
                )
                .order_by()
                .values("pk")[:1]
            )
        )
        .order_by()[:1]
    ),
    str,
    str,
)
_SUBMITTED = PreparedQuery(
    lambda assessment_id: (
        Respondent.objects.filter(assessment_id=assessment_id, submitted_at__isnull=False)
        .order_by()
        .values_list("pk", flat=True)
    ),
    int,
)
_ANSWERS = PreparedQuery(
    lambda respondent_id: (
        Answer.objects.filter(respondent_id=respondent_id)
        .order_by()
        .values_list("question_id", "question__dimension_id", "value", "dont_know", "comment")
    ),
    int,
)


def respondent_for_token(raw: str, *, now=None) -> Respondent:
    """The respondent a personal link opens, with its assessment, organisation and the
    consultant who created it. Raises LinkError (unknown, revoked or expired)."""
    if not looks_like_token(raw):
        raise LinkError(LinkError.UNKNOWN)
    return _open(_LINK.first(hash_token(raw)), now)


def respondent_and_question_for_token(raw: str, code: str) -> tuple[Respondent, Question | None]:
    """As respondent_for_token (without the organisation and the consultant), and the item
    of their questionnaire with this code (None if there is none), in one query: the read of
    the autosave's full path (its quick path, answer_save_by_link, reads nothing first)."""
    if not looks_like_token(raw):
        raise LinkError(LinkError.UNKNOWN)
    if not ITEM_CODE.match(code):
        return respondent_for_token(raw), None
    invitation = _LINK_AND_QUESTION.first(code, hash_token(raw))
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
    return len(_SUBMITTED.rows(assessment.pk)) == len(Respondent.Role.choices)


# --- The questionnaire as one respondent sees it ----------------------------------------


# A published questionnaire never changes (the loader refuses to alter one, the admin shows it
# read-only), so its pages and items are read once per process, not on every page view.
# The key includes published_at: a questionnaire is cached only once published, and a row
# that reuses an id (SQLite reuses rolled-back ids) is a different key.
_LAYOUTS: dict = {}  # (questionnaire id, published_at) -> QuestionnaireLayout


@dataclass(frozen=True)
class QuestionnaireLayout:
    """A questionnaire's dimensions and items, in order. Shared between requests: read only."""

    dimensions: tuple[Dimension, ...]
    questions: tuple[Question, ...]
    by_dimension: dict[int, tuple[Question, ...]]


def questionnaire_layout(questionnaire: Questionnaire) -> QuestionnaireLayout:
    key = (questionnaire.pk, questionnaire.published_at)
    layout = _LAYOUTS.get(key)
    if layout is None:
        layout = _load_layout(questionnaire.pk)
        if questionnaire.published_at is not None:
            _LAYOUTS[key] = layout
    return layout


def _load_layout(questionnaire_id: int) -> QuestionnaireLayout:
    dimensions = tuple(
        Dimension.objects.filter(questionnaire_id=questionnaire_id).order_by("order")
    )
    questions = tuple(Question.objects.filter(questionnaire_id=questionnaire_id).order_by("order"))
    by_dimension = {dimension.pk: [] for dimension in dimensions}
    for question in questions:
        by_dimension[question.dimension_id].append(question)
    return QuestionnaireLayout(
        dimensions, questions, {pk: tuple(items) for pk, items in by_dimension.items()}
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

    @property
    def complete(self) -> bool:
        return self.dont_know or self.value is not None


@dataclass
class Progress:
    """A respondent's place in their questionnaire: its pages and their saved answers."""

    pages: list[DimensionProgress]
    layout: QuestionnaireLayout
    answers: dict[int, SavedAnswer] = field(default_factory=dict)

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
        DimensionProgress(dimension, number, len(layout.by_dimension[dimension.pk]))
        for number, dimension in enumerate(layout.dimensions, 1)
    ]
    by_id = {page.dimension.pk: page for page in pages}
    progress = Progress(pages, layout)
    for question_id, dimension_id, value, dont_know, comment in _ANSWERS.rows(respondent.pk):
        saved = SavedAnswer(value, dont_know, comment)
        progress.answers[question_id] = saved
        if saved.complete and dimension_id in by_id:
            by_id[dimension_id].answered += 1
    return progress


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


def assessments_for_organization(organization) -> list[Assessment]:
    """The organisation's rounds, newest first, each with its respondents' progress."""
    from django.db.models import Prefetch

    assessments = with_item_count(
        Assessment.objects.filter(organization=organization).select_related("questionnaire")
    ).prefetch_related(Prefetch("respondents", queryset=_respondents_with_progress()))
    return list(assessments.order_by("-created_at"))


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
    code: str  # not-invited | sending | invited | opened | in-progress | submitted | revoked
    label: str
    when: object = None


def respondent_status(respondent: Respondent, item_count: int) -> RespondentStatus:
    """What the consultant sees for one executive: status, with N of M answered, and when."""
    answered = getattr(respondent, "answered", 0)
    if respondent.submitted_at:
        return RespondentStatus("submitted", "Submitted", respondent.submitted_at)
    if respondent.revoked_at and not getattr(respondent, "pending_invitations", 0):
        return RespondentStatus("revoked", "Link revoked", respondent.revoked_at)
    if answered or respondent.started_at:
        label = f"In progress: {answered} of {item_count} answered"
        return RespondentStatus("in-progress", label, respondent.started_at)
    if respondent.opened_at:
        return RespondentStatus("opened", "Opened, not started", respondent.opened_at)
    if respondent.invited_at:
        return RespondentStatus("invited", "Invited", respondent.invited_at)
    if getattr(respondent, "pending_invitations", 0):
        return RespondentStatus("sending", "Invitation being sent")
    return RespondentStatus("not-invited", "Not invited yet")
