"""Reads for the workshop and the gap map. Each page costs a fixed number of queries,
whatever the number of dimensions, items, comments or actions."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from alignment import scoring
from alignment.models import ActionItem, AlignmentResult, ConsensusAnswer, WorkshopSession
from alignment.selectors import current_result
from assessments.models import Answer, Assessment, Question, Respondent

from .display import KNOWLEDGE_GAP_WORDS, answer_words, band_label, fixed, severity_words

ROLES = ("ceo", "ciso")


@dataclass(frozen=True)
class ItemView:
    """One item as the workshop shows it: both answers in words, with the comments."""

    code: str
    dimension: str
    text: str
    ciso_text: str  # empty when the CISO was asked the same words
    ceo_answer: str
    ciso_answer: str
    ceo_comment: str
    ciso_comment: str
    severity: str  # aligned | minor | material | critical | unknown | none
    glyph: str
    severity_label: str
    gap: str
    knowledge_gap: str
    abs_gap: int | None


@dataclass
class Slide:
    """One dimension of the workshop, ranked by its gap."""

    number: int
    dimension_id: int
    code: str
    name: str
    description: str
    index: str
    band: str | None
    band_label: str
    mean_abs_gap: str
    direction_label: str
    ceo_mean: str
    ciso_mean: str
    paired_items: int
    knowledge_gaps: int
    items: list[ItemView] = field(default_factory=list)
    previous: tuple[str, str] = ("start", "Start")  # (slide id, label)
    following: tuple[str, str] = ("summary", "What we agreed")
    consensus: ConsensusAnswer | None = None
    actions: list[ActionItem] = field(default_factory=list)

    @property
    def value(self) -> int | None:
        return self.consensus.value if self.consensus else None

    @property
    def notes(self) -> str:
        return self.consensus.notes if self.consensus else ""


@dataclass
class Deck:
    assessment: Assessment
    result: AlignmentResult
    session: WorkshopSession | None
    slides: list[Slide]
    respondents: dict[str, Respondent]
    index: str
    band_label: str

    @property
    def agreed(self) -> int:
        return sum(1 for slide in self.slides if slide.value is not None)

    @property
    def action_count(self) -> int:
        return sum(len(slide.actions) for slide in self.slides)


@dataclass(frozen=True)
class _Answer:
    value: int | None
    dont_know: bool
    comment: str


def _answers(assessment: Assessment) -> dict[str, dict[int, _Answer]]:
    answers: dict[str, dict[int, _Answer]] = {role: {} for role in ROLES}
    rows = Answer.objects.filter(respondent__assessment=assessment).values_list(
        "respondent__role", "question_id", "value", "dont_know", "comment"
    )
    for role, question_id, value, dont_know, comment in rows:
        answers[role][question_id] = _Answer(value, dont_know, comment.strip())
    return answers


def _questions(assessment: Assessment) -> list[Question]:
    return list(
        Question.objects.filter(questionnaire_id=assessment.questionnaire_id)
        .select_related("dimension")
        .order_by("order")
    )


def _item(question: Question, row: dict, answers: dict) -> ItemView:
    ceo, ciso = answers["ceo"].get(question.pk), answers["ciso"].get(question.pk)
    key, glyph, words = severity_words(row)
    same = question.ciso_text.strip() == question.ceo_text.strip()
    return ItemView(
        code=question.code,
        dimension=row["dimension"],
        text=question.ceo_text,
        ciso_text="" if same else question.ciso_text,
        ceo_answer=answer_words(question, row["ceo"], row["ceo_dont_know"]),
        ciso_answer=answer_words(question, row["ciso"], row["ciso_dont_know"]),
        ceo_comment=ceo.comment if ceo else "",
        ciso_comment=ciso.comment if ciso else "",
        severity=key,
        glyph=glyph,
        severity_label=words,
        gap="n/a" if row["gap"] is None else fixed(row["gap"], signed=True),
        knowledge_gap=KNOWLEDGE_GAP_WORDS.get(row["knowledge_gap"] or "", ""),
        abs_gap=row["abs_gap"],
    )


def items_in_words(assessment: Assessment, result: AlignmentResult) -> list[ItemView]:
    """Every scored item in questionnaire order, with both answers and comments: two
    queries."""
    rows = {row["code"]: row for row in result.items}
    answers = _answers(assessment)
    return [_item(q, rows[q.code], answers) for q in _questions(assessment) if q.code in rows]


def workshop_order(dimensions: list[dict]) -> list[dict]:
    """Dimensions from the widest gap (mean absolute gap) to the narrowest; those with no
    paired answers last; ties in questionnaire order."""
    ranked = list(enumerate(dimensions))
    ranked.sort(
        key=lambda pair: (
            pair[1]["mean_abs_gap"] is None,
            -(pair[1]["mean_abs_gap"] or 0),
            pair[0],
        )
    )
    return [row for _, row in ranked]


def _slide(number: int, row: dict, question: Question, items: list[ItemView]) -> Slide:
    band = scoring.band(row["alignment_index"])
    dimension = question.dimension
    return Slide(
        number=number,
        dimension_id=dimension.pk,
        code=row["code"],
        name=row["name"],
        description=dimension.description,
        index=fixed(row["alignment_index"]),
        band=band,
        band_label=band_label(band),
        mean_abs_gap=fixed(row["mean_abs_gap"], 2),
        direction_label=_direction(row["direction"]),
        ceo_mean=fixed(row["ceo_mean"], 1),
        ciso_mean=fixed(row["ciso_mean"], 1),
        paired_items=row["paired_items"],
        knowledge_gaps=row["knowledge_gaps"],
        items=items,
    )


def _direction(direction: str | None) -> str:
    from alignment.scoring import DIRECTION_LABELS

    return DIRECTION_LABELS.get(direction or "", "No paired answers")


def workshop_deck(assessment: Assessment) -> Deck | None:
    """The presenter view's content, or None when the assessment is not scored: at most
    seven queries (result, questions, answers, respondents, workshop, positions, actions)."""
    result = current_result(assessment)
    if result is None:
        return None
    questions = _questions(assessment)
    rows = {row["code"]: row for row in result.items}
    answers = _answers(assessment)
    items_by_dimension: dict[str, list[ItemView]] = defaultdict(list)
    first_question: dict[str, Question] = {}
    for question in questions:
        first_question.setdefault(question.dimension.code, question)
        if question.code in rows:
            items_by_dimension[question.dimension.code].append(
                _item(question, rows[question.code], answers)
            )
    ordered = [row for row in workshop_order(result.dimensions) if row["code"] in first_question]
    slides = [
        _slide(n, row, first_question[row["code"]], items_by_dimension[row["code"]])
        for n, row in enumerate(ordered, 1)
    ]
    for before, after in zip(slides, slides[1:], strict=False):
        after.previous = (before.code, f"{before.code} {before.name}")
        before.following = (after.code, f"{after.code} {after.name}")
    session = _session(assessment)
    if session is not None:
        _attach_agreements(session, slides)
    overall = result.overall
    return Deck(
        assessment=assessment,
        result=result,
        session=session,
        slides=slides,
        respondents={r.role: r for r in Respondent.objects.filter(assessment=assessment)},
        index=fixed(overall["alignment_index"]),
        band_label=band_label(overall["band"]),
    )


def _session(assessment: Assessment) -> WorkshopSession | None:
    try:
        return assessment.workshop
    except WorkshopSession.DoesNotExist:
        return None


def agreements(session: WorkshopSession) -> tuple[dict[int, ConsensusAnswer], dict[int, list]]:
    """The session's positions by dimension id, and its actions by dimension id: two
    queries."""
    positions = {c.dimension_id: c for c in ConsensusAnswer.objects.filter(session=session)}
    actions: dict[int, list[ActionItem]] = defaultdict(list)
    for action in ActionItem.objects.filter(session=session).order_by("created_at", "id"):
        actions[action.dimension_id].append(action)
    return positions, actions


def _attach_agreements(session: WorkshopSession, slides: list[Slide]) -> None:
    positions, actions = agreements(session)
    for slide in slides:
        slide.consensus = positions.get(slide.dimension_id)
        slide.actions = actions.get(slide.dimension_id, [])


def dimension_actions(session: WorkshopSession, dimension_id: int) -> list[ActionItem]:
    return list(
        ActionItem.objects.filter(session=session, dimension_id=dimension_id).order_by(
            "created_at", "id"
        )
    )


# --- Actions across an organisation -----------------------------------------------------


def organization_actions(organization, *, status: str | None = None):
    """Every action agreed in the organisation's workshops, newest round first."""
    actions = ActionItem.objects.filter(session__assessment__organization=organization)
    if status:
        actions = actions.filter(status=status)
    return actions.select_related("dimension", "session__assessment").order_by(
        "-session__assessment__created_at", "dimension__order", "created_at", "id"
    )


# --- The gap map (results page) ---------------------------------------------------------

SEVERITY_FILTERS = ("critical", "material", "minor", "aligned")


def filter_items(
    items: list[ItemView], severities: set[str], knowledge_gaps: bool
) -> list[ItemView]:
    """Items of the chosen severities, and (with `knowledge_gaps`) those where someone did
    not know; no choice at all shows every item."""
    if not severities and not knowledge_gaps:
        return items
    return [
        item
        for item in items
        if item.severity in severities or (knowledge_gaps and item.knowledge_gap)
    ]


# --- The PDF report ---------------------------------------------------------------------


def report_agreements(assessment: Assessment) -> list[dict]:
    """The workshop's outcome as rows of the report's "Agreed actions" table, in
    questionnaire order: for each dimension, its agreed position (the consensus answer, with
    the notes) and then its actions. Two queries; [] when there was no workshop."""
    positions = (
        ConsensusAnswer.objects.filter(session__assessment=assessment)
        .filter(Q(value__isnull=False) | ~Q(notes=""))
        .select_related("dimension")
    )
    actions = ActionItem.objects.filter(session__assessment=assessment).select_related("dimension")
    rows = []
    for position in positions:
        text = (
            f"Agreed position: {position.value} on the 1\u20135 scale."
            if position.value is not None
            else "No position agreed."
        )
        if position.notes:
            text += f" Notes: {position.notes}"
        rows.append(
            _report_row(
                position.dimension, 0, position.updated_at, text, "CEO and CISO", None, "Agreed"
            )
        )
    for action in actions:
        rows.append(
            _report_row(
                action.dimension,
                1,
                action.created_at,
                action.description,
                action.get_owner_role_display(),
                action.due_date,
                action.get_status_display(),
            )
        )
    rows.sort(key=lambda row: row.pop("_order"))
    return rows


def _report_row(dimension, kind: int, moment, description, owner, due, status) -> dict:
    return {
        "_order": (dimension.order, kind, moment),
        "dimension": f"{dimension.code} {dimension.name}",
        "description": description,
        "owner": owner,
        "due": due,
        "status": status,
    }
