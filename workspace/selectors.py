"""Reads for the workshop and the gap map, built on the read model of a round
(alignment.presentation.model): each page costs a fixed number of queries, whatever the
number of dimensions, items, comments or actions."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.http import Http404
from django.utils.translation import gettext_lazy, pgettext_lazy

from alignment.models import ActionItem, AlignmentResult, ConsensusAnswer, WorkshopSession
from alignment.presentation.model import DimensionView, ItemView, RoundView, round_view
from assessments.models import Assessment, Respondent


@dataclass
class Slide:
    """One dimension of the workshop, ranked by its gap."""

    number: int
    dimension: DimensionView
    previous: tuple[str, str] = ("start", pgettext_lazy("first slide", "Start"))  # (id, label)
    following: tuple[str, str] = ("summary", gettext_lazy("What we agreed"))
    consensus: ConsensusAnswer | None = None
    actions: list[ActionItem] = field(default_factory=list)

    # A slide reads as its dimension in the templates.
    @property
    def code(self):
        return self.dimension.code

    @property
    def name(self):
        return self.dimension.name

    @property
    def dimension_id(self):
        return self.dimension.dimension_id

    @property
    def index(self):
        return self.dimension.index

    @property
    def band(self):
        return self.dimension.band

    @property
    def band_label(self):
        return self.dimension.band_label

    @property
    def mean_abs_gap(self):
        return self.dimension.mean_abs_gap

    @property
    def direction_label(self):
        return self.dimension.direction_label

    @property
    def ceo_mean(self):
        return self.dimension.ceo_mean

    @property
    def ciso_mean(self):
        return self.dimension.ciso_mean

    @property
    def items(self):
        return self.dimension.items

    @property
    def value(self) -> int | None:
        return self.consensus.value if self.consensus else None

    @property
    def notes(self) -> str:
        return self.consensus.notes if self.consensus else ""


@dataclass
class Deck:
    view: RoundView
    session: WorkshopSession | None
    slides: list[Slide]

    @property
    def assessment(self) -> Assessment:
        return self.view.assessment

    @property
    def result(self) -> AlignmentResult:
        return self.view.result

    @property
    def respondents(self) -> dict[str, Respondent]:
        return self.view.respondents

    @property
    def index(self) -> str:
        return self.view.overall.index

    @property
    def band_label(self) -> str:
        return self.view.overall.band_label

    @property
    def agreed(self) -> int:
        return sum(1 for slide in self.slides if slide.value is not None)

    @property
    def action_count(self) -> int:
        return sum(len(slide.actions) for slide in self.slides)


def workshop_order(dimensions: list[DimensionView]) -> list[DimensionView]:
    """Dimensions from the widest gap (mean absolute gap) to the narrowest; those with no
    paired answers last; ties in questionnaire order."""
    ranked = list(enumerate(dimensions))
    ranked.sort(
        key=lambda pair: (
            pair[1].mean_abs_gap_value is None,
            -(pair[1].mean_abs_gap_value or 0),
            pair[0],
        )
    )
    return [dimension for _, dimension in ranked]


def workshop_deck(assessment: Assessment) -> Deck | None:
    """The presenter view's content, or None when the assessment is not scored: a fixed
    number of queries (result, respondents, answers, workshop, positions, actions; the
    questions once per process for a published bank)."""
    view = round_view(assessment)
    if not view.scored:
        return None
    slides = [Slide(n, d) for n, d in enumerate(workshop_order(view.dimensions), 1)]
    for before, after in zip(slides, slides[1:], strict=False):
        after.previous = (before.code, f"{before.code} {before.name}")
        before.following = (after.code, f"{after.code} {after.name}")
    session = _session(assessment)
    if session is not None:
        _attach_agreements(session, slides)
    return Deck(view=view, session=session, slides=slides)


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


def round_action(assessment: Assessment, action_code: str) -> ActionItem:
    """An action agreed in this round's workshop, by its code, or Http404: one query."""
    action = (
        ActionItem.objects.filter(session__assessment=assessment, code=action_code)
        .select_related("dimension", "session")
        .first()
    )
    if action is None:
        raise Http404("No such action.")
    action.session.assessment = assessment
    return action


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
        if item.severity.key in severities or (knowledge_gaps and item.knowledge_gap)
    ]
