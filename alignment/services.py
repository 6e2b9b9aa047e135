"""Scoring an assessment and storing its result."""

import hashlib
import json
import logging

from django.db import transaction
from django.utils import timezone

from assessments.models import Assessment

from . import scoring
from .models import AlignmentResult
from .selectors import scoring_inputs

logger = logging.getLogger(__name__)


class NotReadyToScore(Exception):
    """The assessment is not fully submitted; there is nothing to score yet."""


def _digest(inputs: dict) -> str:
    answers = {"ceo": inputs["ceo"], "ciso": inputs["ciso"]}
    canonical = json.dumps(answers, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@transaction.atomic
def assessment_score(*, assessment_id: int) -> AlignmentResult:
    """Score a fully submitted assessment and store (or replace) its current result.

    Idempotent and safe under concurrency: the assessment row is locked for the duration,
    so two workers scoring the same assessment run one after the other, and the unique
    (assessment, scoring_version) row is updated in place, never duplicated.
    """
    assessment = Assessment.objects.select_for_update().get(pk=assessment_id)
    submitted = assessment.respondents.filter(submitted_at__isnull=False).count()
    if submitted < 2:
        raise NotReadyToScore(f"assessment {assessment.code}: {submitted} of 2 submitted")
    inputs = scoring_inputs(assessment)
    data = scoring.score(**inputs)
    result, _ = AlignmentResult.objects.update_or_create(
        assessment=assessment,
        scoring_version=scoring.SCORING_VERSION,
        defaults={
            "computed_at": timezone.now(),
            "alignment_index": data["overall"]["alignment_index"],
            "band": data["overall"]["band"] or "",
            "answers_digest": _digest(inputs),
            "data": data,
        },
    )
    if assessment.status == Assessment.Status.OPEN:
        assessment.status = Assessment.Status.SCORED
        assessment.save(update_fields=["status", "updated_at"])
    return result
