"""The PDF report job: one row per rendering of an assessment's alignment result."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from alignment.models import AlignmentResult
from assessments.models import Assessment

IN_FLIGHT = ("pending", "rendering")


def new_report_code() -> str:
    """An unguessable name for the report's file (about 96 bits); never a sequential id."""
    return secrets.token_urlsafe(12)


def report_languages() -> list[tuple[str, str]]:
    """The languages a report may be rendered in: the project's LANGUAGES once it sets them,
    English alone until then (Django's own default lists every language it knows). A callable,
    so the migration does not freeze today's list."""
    if settings.is_overridden("LANGUAGES"):
        return [(code, str(name)) for code, name in settings.LANGUAGES]
    return [("en", "English")]


def report_upload_to(report: "Report", filename: str) -> str:
    return f"reports/{report.assessment.code}/{filename}"


class Report(models.Model):
    """A PDF alignment report and the state of the job that renders it.

    pending -> rendering -> ready | failed. `claimed_at` and `claim` identify the worker that
    holds a rendering claim: a claim older than the hard time limit belongs to a worker that
    was killed and may be taken over (see reports.services.report_render).

    `pack`, `include_comments` and `language` are the options the consultant chose for this
    render; each combination is a report of its own (reports.packs).

    `result_digest` is the result's `answers_digest` when the report was requested: a report is
    reused while the answers it scored are unchanged, and a re-scoring of different answers
    asks for a new one (reports.services.report_request).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RENDERING = "rendering", _("Rendering")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    class PageSize(models.TextChoices):
        A4 = "A4", "A4"
        LETTER = "Letter", _("US Letter")

    class Pack(models.TextChoices):
        """What a render holds (reports.packs says what each pack shows)."""

        FULL = "full", _("Full report")
        BOARD = "board", _("Board brief")
        CEO = "ceo", _("CEO one-pager")
        CISO = "ciso", _("CISO one-pager")

    code = models.CharField(max_length=32, unique=True, default=new_report_code, editable=False)
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="reports")
    result = models.ForeignKey(AlignmentResult, on_delete=models.CASCADE, related_name="reports")
    result_digest = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    page_size = models.CharField(max_length=10, choices=PageSize.choices, default=PageSize.A4)
    pack = models.CharField(max_length=8, choices=Pack.choices, default=Pack.FULL)
    include_comments = models.BooleanField(
        _("verbatim comments"),
        default=True,
        help_text=_("Whether the executives' comments appear word for word."),
    )
    language = models.CharField(max_length=8, choices=report_languages, default="en")
    file = models.FileField(upload_to=report_upload_to, max_length=200, blank=True)
    pages = models.PositiveSmallIntegerField(null=True, blank=True)
    render_ms = models.PositiveIntegerField(_("render time (ms)"), null=True, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    claim = models.CharField(max_length=32, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The download and status views read an assessment's newest reports.
            models.Index(fields=["assessment", "-created_at"], name="report_assessment_recent"),
            # A sweeper looks for reports stuck pending or rendering.
            models.Index(fields=["status", "claimed_at"], name="report_status_claimed"),
        ]
        constraints = [
            # At most one report in flight per result and options: two concurrent requests
            # (a duplicate scoring message, a double-clicked button) cannot both start a
            # render of the same pack.
            models.UniqueConstraint(
                fields=["result", "pack", "include_comments", "language"],
                condition=models.Q(status__in=IN_FLIGHT),
                name="one_report_in_flight_per_pack",
            ),
        ]

    def __str__(self):
        return f"Report {self.code} ({self.pack}) of {self.assessment} ({self.status})"

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY and bool(self.file)

    @property
    def in_flight(self) -> bool:
        return self.status in IN_FLIGHT
