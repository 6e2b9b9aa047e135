"""Stored alignment results: one per assessment and scoring version."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from assessments.models import Assessment, Dimension, new_public_code


class AlignmentResult(models.Model):
    """The scoring engine's output for one assessment, kept whole in `data`.

    `data` is exactly what `alignment.scoring.score` returns (overall figures, one row per
    dimension and one per item, full precision), so a result can always be explained by
    re-reading it. The overall index and band are copied into columns for list pages, and
    each dimension's index into `dimension_indices` for the portfolio (which reads thousands
    of results and must not read their `data`). Re-scoring replaces the row for the same
    scoring version atomically.
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="results")
    scoring_version = models.CharField(max_length=10)
    computed_at = models.DateTimeField()
    alignment_index = models.FloatField(null=True, blank=True)
    band = models.CharField(max_length=30, blank=True)
    # SHA-256 of the answers that were scored: tells whether a result is stale.
    answers_digest = models.CharField(max_length=64)
    data = models.JSONField()
    # {dimension code: index or None}, from `data` by dimension_indices_of().
    dimension_indices = models.JSONField(default=dict, blank=True)
    # What the portfolio reads of `perception` (perception_summary_of): small, so that its
    # index-only scan never reads `data`. None on a version 1 bank.
    perception_summary = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-computed_at"]
        indexes = [
            # The portfolio reads the latest result of each of thousands of organisations:
            # their figures come from this index alone (an index-only scan), not from the
            # rows and their `data`. PostgreSQL only; elsewhere a plain index.
            models.Index(
                fields=["assessment", "scoring_version"],
                include=["alignment_index", "dimension_indices", "perception_summary"],
                name="result_latest_figures",
            ),
        ]
        constraints = [
            # One result per assessment and version: concurrent scorings cannot both insert.
            models.UniqueConstraint(
                fields=["assessment", "scoring_version"], name="unique_result_per_version"
            )
        ]

    def __str__(self):
        return f"Result v{self.scoring_version} of {self.assessment}"

    @property
    def overall(self) -> dict:
        return self.data["overall"]

    @property
    def dimensions(self) -> list[dict]:
        return self.data["dimensions"]

    @property
    def items(self) -> list[dict]:
        return self.data["items"]


def dimension_indices_of(data: dict) -> dict[str, float | None]:
    """What `dimension_indices` holds for a result whose engine output is `data`."""
    return {row["code"]: row["alignment_index"] for row in data.get("dimensions", [])}


def perception_summary_of(data: dict) -> dict | None:
    """What `perception_summary` holds: the figures the portfolio reads of `perception`
    (mutual understanding; each side's felt answer and its reading), without the items;
    None on a version 1 bank."""
    perception = data.get("perception")
    if not perception:
        return None
    sides = {
        role: {key: perception[role][key] for key in ("felt", "felt_reading")}
        for role in ("ceo", "ciso")
    }
    return {"mutual_understanding": perception["mutual_understanding"], **sides}


# --- The workshop (its pages are the workspace app's) ---------------------------------------


class WorkshopSession(models.Model):
    """The alignment workshop of one assessment: what the CEO and the CISO agreed, with the
    consultant, after reading the results together. One per assessment (a workshop held over
    two meetings carries on where it stopped).

    `version` goes up by one on every change (position, notes, action), so a second screen
    polls one small number and fetches the rest only when it moved.
    """

    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="workshop")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Workshop of {self.assessment}"


class ConsensusAnswer(models.Model):
    """The third answer set: for one dimension, the position (1–5) that both executives
    accept, and the notes taken while they discussed it."""

    session = models.ForeignKey(WorkshopSession, on_delete=models.CASCADE, related_name="consensus")
    dimension = models.ForeignKey(Dimension, on_delete=models.PROTECT, related_name="+")
    value = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    notes = models.TextField(blank=True, max_length=4000)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["session", "dimension__order"]
        constraints = [
            # One position per dimension; the save is an upsert on this pair.
            models.UniqueConstraint(fields=["session", "dimension"], name="unique_consensus"),
            models.CheckConstraint(
                condition=models.Q(value__isnull=True) | models.Q(value__gte=1, value__lte=5),
                name="consensus_value_1_to_5",
            ),
        ]

    def __str__(self):
        return f"{self.dimension.code}: {self.value or 'no position'}"


class ActionItem(models.Model):
    """An action the executives agreed in the workshop, tied to one dimension."""

    class OwnerRole(models.TextChoices):
        CEO = "ceo", _("CEO")
        CISO = "ciso", _("CISO")
        BOTH = "both", _("CEO and CISO")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("an action's status", "Open")
        DONE = "done", pgettext_lazy("an action's status", "Done")

    code = models.CharField(max_length=32, unique=True, default=new_public_code, editable=False)
    session = models.ForeignKey(WorkshopSession, on_delete=models.CASCADE, related_name="actions")
    dimension = models.ForeignKey(Dimension, on_delete=models.PROTECT, related_name="+")
    description = models.TextField(max_length=1000)
    owner_role = models.CharField(max_length=4, choices=OwnerRole.choices)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=4, choices=Status.choices, default=Status.OPEN)
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        # The workshop and the report read a session's actions through the session_id
        # foreign-key index; the organisation's action list joins session -> assessment.

    def __str__(self):
        return f"{self.dimension.code}: {self.description[:60]}"
