"""Stored alignment results: one per assessment and scoring version."""

from django.db import models

from assessments.models import Assessment


class AlignmentResult(models.Model):
    """The scoring engine's output for one assessment, kept whole in `data`.

    `data` is exactly what `alignment.scoring.score` returns (overall figures, one row per
    dimension and one per item, full precision), so a result can always be explained by
    re-reading it. The overall index and band are copied into columns for list pages.
    Re-scoring replaces the row for the same scoring version atomically.
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="results")
    scoring_version = models.CharField(max_length=10)
    computed_at = models.DateTimeField()
    alignment_index = models.FloatField(null=True, blank=True)
    band = models.CharField(max_length=30, blank=True)
    # SHA-256 of the answers that were scored: tells whether a result is stale.
    answers_digest = models.CharField(max_length=64)
    data = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-computed_at"]
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
