"""The consultant's home: their client organisations, each with its rounds, the executives'
progress, the index and its trend, and the last activity.

A page costs a fixed number of queries whatever the number of organisations and rounds:
count and page of organisations (with the user's role and open actions), then every round of
those organisations with its result, workshop and last answer, then their respondents with
their progress.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timesince import timesince
from django.utils.translation import gettext

from alignment import scoring
from alignment.models import ActionItem, AlignmentResult, WorkshopSession
from alignment.presentation.words import band_label, fixed
from assessments.models import Answer, Assessment, Invitation, Question, Respondent
from assessments.selectors import RespondentStatus, respondent_status
from organizations.models import Membership, Organization
from organizations.selectors import MANAGER_ROLES, organizations_for_user

PER_PAGE = 10
ROUNDS_SHOWN = 4  # the newest rounds of each organisation; the assessments list has them all
STATUSES = tuple(Assessment.Status.choices)


def _count(queryset, outer: str) -> Coalesce:
    counted = queryset.order_by().values(outer).annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


@dataclass
class RoundRow:
    assessment: Assessment
    respondents: list[tuple[Respondent, RespondentStatus]]
    index: str | None
    band: str
    band_label: str
    delta: str
    trend: str  # up | down | same | ""
    last_activity: datetime | None
    has_workshop: bool

    @property
    def scored(self) -> bool:
        return self.index is not None

    @property
    def activity_words(self) -> str:
        """ "just now", "5 minutes ago", "3 days ago"; a date after a month."""
        if self.last_activity is None:
            return ""
        age = timezone.now() - self.last_activity
        if age < timedelta(minutes=1):
            return gettext("just now")
        if age > timedelta(days=30):
            return date_format(timezone.localtime(self.last_activity), "SHORT_DATE_FORMAT")
        return gettext("%(time)s ago") % {"time": timesince(self.last_activity, depth=1)}


@dataclass
class OrganizationRow:
    organization: Organization
    is_manager: bool
    open_actions: int
    rounds: list[RoundRow] = field(default_factory=list)
    more_rounds: int = 0

    @property
    def last_activity(self) -> datetime | None:
        moments = [r.last_activity for r in self.rounds if r.last_activity]
        return max(moments) if moments else None


def _organizations(user, query: str, status: str):
    """The user's organisations matching the search, in page order: what the paginator
    counts and slices, with nothing computed per row (a page deep in thousands of
    organisations must not compute every row before it)."""
    organizations = organizations_for_user(user)
    if query:
        organizations = organizations.filter(name__icontains=query)
    if status:
        organizations = organizations.filter(
            Exists(Assessment.objects.filter(organization=OuterRef("pk"), status=status))
        )
    return organizations.order_by("name", "pk")


def _page_rows(user, page_organizations) -> list[Organization]:
    """The organisations of one page (a sliced queryset, kept as a subquery: still one
    query) with the user's role and their open actions, computed for those rows only."""
    if user.is_staff:
        role = Value(Membership.Role.ADMIN)
    else:
        role = Subquery(
            Membership.objects.filter(user=user, organization=OuterRef("pk")).values("role")[:1]
        )
    open_actions = ActionItem.objects.filter(
        session__assessment__organization=OuterRef("pk"), status=ActionItem.Status.OPEN
    )
    return list(
        Organization.objects.filter(pk__in=page_organizations.values("pk"))
        .annotate(role=role, open_actions=_count(open_actions, "session__assessment__organization"))
        .order_by("name", "pk")
    )


def _rounds(organization_ids: list[int]) -> list[Assessment]:
    """Every round of the organisations, oldest first, with what the rows show: two queries
    (the rounds, then their respondents with progress)."""
    result = AlignmentResult.objects.filter(
        assessment=OuterRef("pk"), scoring_version=scoring.SCORING_VERSION
    )
    last_answer = (
        Answer.objects.filter(respondent__assessment=OuterRef("pk"))
        .order_by("-updated_at")
        .values("updated_at")[:1]
    )
    complete = Answer.objects.filter(respondent=OuterRef("pk")).filter(
        Q(value__isnull=False) | Q(dont_know=True)
    )
    pending = Invitation.objects.filter(
        respondent=OuterRef("pk"), sent_at__isnull=True, revoked_at__isnull=True
    )
    respondents = Respondent.objects.annotate(
        answered=_count(complete, "respondent"),
        pending_invitations=_count(pending, "respondent"),
    ).order_by("role")
    items = Question.objects.filter(questionnaire=OuterRef("questionnaire"))
    return list(
        Assessment.objects.filter(organization_id__in=organization_ids)
        .select_related("workshop")
        .annotate(
            item_count=_count(items, "questionnaire"),
            result_index=Subquery(result.values("alignment_index")[:1]),
            result_band=Subquery(result.values("band")[:1]),
            scored=Exists(result),
            last_answer_at=Subquery(last_answer),
        )
        .prefetch_related(Prefetch("respondents", queryset=respondents))
        .order_by("organization_id", "created_at", "pk")
    )


def _workshop(assessment: Assessment):
    try:
        return assessment.workshop
    except WorkshopSession.DoesNotExist:
        return None


def _round_row(assessment: Assessment, previous_index: float | None) -> RoundRow:
    respondents = list(assessment.respondents.all())
    workshop = _workshop(assessment)
    moments = [assessment.updated_at, assessment.last_answer_at]
    moments += [r.updated_at for r in respondents]
    moments.append(workshop.updated_at if workshop else None)
    index = assessment.result_index if assessment.scored else None
    delta = index - previous_index if index is not None and previous_index is not None else None
    shown = None if delta is None else fixed(delta, signed=True)
    return RoundRow(
        assessment=assessment,
        respondents=[(r, respondent_status(r, assessment.item_count)) for r in respondents],
        index=fixed(index) if assessment.scored else None,
        band=assessment.result_band or "",
        band_label=band_label(assessment.result_band) if assessment.scored else "",
        delta=shown or "",
        trend="" if shown is None else "same" if shown == "0" else "up" if delta > 0 else "down",
        last_activity=max((m for m in moments if m), default=None),
        has_workshop=workshop is not None,
    )


def _rows(organizations: list[Organization], status: str) -> list[OrganizationRow]:
    manager_ids = [o.pk for o in organizations if o.role in MANAGER_ROLES]
    by_org: dict[int, list[RoundRow]] = {pk: [] for pk in manager_ids}
    previous: dict[int, float | None] = {}
    for assessment in _rounds(manager_ids):
        org_id = assessment.organization_id
        row = _round_row(assessment, previous.get(org_id))
        if assessment.scored and assessment.result_index is not None:
            previous[org_id] = assessment.result_index
        by_org[org_id].append(row)
    rows = []
    for organization in organizations:
        rounds = by_org.get(organization.pk, [])[::-1]  # newest first
        if status:
            rounds = [r for r in rounds if r.assessment.status == status]
        rows.append(
            OrganizationRow(
                organization=organization,
                is_manager=organization.pk in by_org,
                open_actions=organization.open_actions,
                rounds=rounds[:ROUNDS_SHOWN],
                more_rounds=max(len(rounds) - ROUNDS_SHOWN, 0),
            )
        )
    return rows


@dataclass
class Dashboard:
    page: Page
    rows: list[OrganizationRow]
    query: str
    status: str
    total: int

    @property
    def status_label(self) -> str:
        """The filtered status as words within the sentence above the list ("" without one)."""
        return str(Assessment.STATUS_IN_SENTENCE.get(self.status, ""))


def consultant_dashboard(user, *, query: str = "", status: str = "", page=1) -> Dashboard:
    """One page of the user's organisations (search by name, filter by round status)."""
    query = (query or "").strip()[:100]
    status = status if status in Assessment.Status.values else ""
    paginator = Paginator(_organizations(user, query, status), PER_PAGE)
    current = paginator.get_page(page)
    organizations = _page_rows(user, current.object_list)
    return Dashboard(
        page=current,
        rows=_rows(organizations, status),
        query=query,
        status=status,
        total=paginator.count,
    )
