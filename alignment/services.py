"""Scoring assessments and storing their results.

One code path scores one assessment (`assessment_score`, for the task) or a batch of them
(`assessments_score`, for the `rescore` command): the batch of one is the single case.

A batch runs in one transaction and costs the same few queries whatever its size and the
number of items: lock the assessments (with their submitted count), read the questionnaires
(none when cached), read every answer, read the digests of the results being replaced,
upsert every result in one INSERT … ON CONFLICT, and mark the open rounds scored.
"""

import hashlib
import json
import logging
from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from assessments.models import Assessment, Respondent

from . import scoring
from .models import AlignmentResult, dimension_indices_of, perception_summary_of
from .selectors import (
    QuestionnaireSpec,
    answers_by_assessment,
    perceived_input,
    questionnaire_specs,
)

logger = logging.getLogger(__name__)

ROLES = len(Respondent.Role.values)
# What an upsert rewrites on the row of the same assessment and version.
_REPLACED_FIELDS = [
    "computed_at",
    "alignment_index",
    "band",
    "answers_digest",
    "data",
    "dimension_indices",
    "perception_summary",
    "updated_at",
]


class NotReadyToScore(Exception):
    """The assessment is not fully submitted; there is nothing to score yet."""


def answers_digest(answers: dict) -> str:
    """SHA-256 of the scored answers ({"ceo": {code: answer}, "ciso": {…}}, and on a bank
    with perception its "predictions" and "felt"), canonical JSON. A version 1 bank's digest
    is what it always was."""
    scored = {"ceo": answers["ceo"], "ciso": answers["ciso"]}
    scored |= {key: answers[key] for key in ("predictions", "felt") if key in answers}
    canonical = json.dumps(scored, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass
class ScoringOutcome:
    """What a batch did. `results` are stored (committed once the transaction is); `changed`
    are those that are new or scored different answers than the row they replaced: the ones
    whose report is out of date."""

    results: list[AlignmentResult] = field(default_factory=list)
    changed: list[AlignmentResult] = field(default_factory=list)
    not_ready: list[Assessment] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)  # assessment id -> reason
    missing: list[int] = field(default_factory=list)  # ids with no assessment


def _submitted_count() -> Coalesce:
    submitted = (
        Respondent.objects.filter(assessment=OuterRef("pk"), submitted_at__isnull=False)
        .values("assessment")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(submitted, output_field=IntegerField()), 0)


def _result(assessment: Assessment, spec: QuestionnaireSpec, answers: dict, now) -> AlignmentResult:
    data = scoring.score(
        spec.dimensions,
        spec.items,
        answers["ceo"],
        answers["ciso"],
        perceived_input(spec, answers),
    )
    return AlignmentResult(
        assessment=assessment,
        scoring_version=scoring.SCORING_VERSION,
        computed_at=now,
        alignment_index=data["overall"]["alignment_index"],
        band=data["overall"]["band"] or "",
        answers_digest=answers_digest(answers),
        data=data,
        dimension_indices=dimension_indices_of(data),
        perception_summary=perception_summary_of(data),
    )


@transaction.atomic
def assessments_score(
    *,
    assessment_ids: Iterable[int],
    spec_cache: MutableMapping[int, QuestionnaireSpec] | None = None,
) -> ScoringOutcome:
    """Score the fully submitted assessments among `assessment_ids`; store (or replace)
    their current results in one transaction.

    The assessment rows are locked (in id order, so two batches cannot deadlock) for the
    whole transaction: two scorings of the same assessment run one after the other, and the
    unique (assessment, scoring_version) row is replaced in place, never duplicated.
    Assessments not fully submitted are left alone (`not_ready`); one the engine refuses
    (`failed`) does not stop the others. Results carry `data` exactly as the engine returns it.
    The returned instances have their primary keys; `created_at` is only accurate for new rows.
    """
    return _score(assessment_ids, spec_cache)


def _score(assessment_ids: Iterable[int], spec_cache) -> ScoringOutcome:
    """The body of `assessments_score`; the caller holds the transaction."""
    ids = sorted(set(assessment_ids))
    outcome = ScoringOutcome()
    assessments = list(
        Assessment.objects.select_for_update()
        .filter(pk__in=ids)
        .annotate(submitted=_submitted_count())
        .order_by("pk")
    )
    outcome.missing = sorted(set(ids) - {a.pk for a in assessments})
    ready = [a for a in assessments if a.submitted >= ROLES]
    outcome.not_ready = [a for a in assessments if a.submitted < ROLES]
    if not ready:
        return outcome
    specs = questionnaire_specs({a.questionnaire_id for a in ready}, cache=spec_cache)
    answers = answers_by_assessment([a.pk for a in ready], specs.values())
    previous = dict(
        AlignmentResult.objects.filter(
            assessment_id__in=[a.pk for a in ready], scoring_version=scoring.SCORING_VERSION
        )
        .order_by()
        .values_list("assessment_id", "answers_digest")
    )
    now = timezone.now()
    for assessment in ready:
        try:
            result = _result(
                assessment, specs[assessment.questionnaire_id], answers[assessment.pk], now
            )
        except ValueError as error:  # invalid stored answers: say which, score the others
            logger.error("assessment %s not scored: %s", assessment.code, error)
            outcome.failed[assessment.pk] = str(error)
            continue
        outcome.results.append(result)
        if previous.get(assessment.pk) != result.answers_digest:
            outcome.changed.append(result)
    _store(outcome.results, now)
    return outcome


def _store(results: list[AlignmentResult], now) -> None:
    if not results:
        return
    AlignmentResult.objects.bulk_create(
        results,
        update_conflicts=True,
        unique_fields=["assessment", "scoring_version"],
        update_fields=_REPLACED_FIELDS,
    )
    scored = [r.assessment for r in results if r.assessment.status == Assessment.Status.OPEN]
    if scored:
        Assessment.objects.filter(
            pk__in=[a.pk for a in scored], status=Assessment.Status.OPEN
        ).update(status=Assessment.Status.SCORED, updated_at=now)
        for assessment in scored:
            assessment.status = Assessment.Status.SCORED


@transaction.atomic
def assessment_score(*, assessment_id: int) -> AlignmentResult:
    """Score a fully submitted assessment and store (or replace) its current result.

    Idempotent and safe under concurrency (see `assessments_score`). Raises
    Assessment.DoesNotExist, NotReadyToScore, or the engine's ValueError for invalid answers.
    """
    outcome = _score([assessment_id], None)
    if outcome.missing:
        raise Assessment.DoesNotExist(f"no assessment with id {assessment_id}")
    if outcome.not_ready:
        assessment = outcome.not_ready[0]
        raise NotReadyToScore(
            f"assessment {assessment.code}: {assessment.submitted} of {ROLES} submitted"
        )
    if outcome.failed:
        raise ValueError(outcome.failed[assessment_id])
    return outcome.results[0]
