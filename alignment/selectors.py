"""Reads of alignment results and of what scoring needs.

The scoring reads work on batches: one query for the questionnaires (none when they are in
the caller's cache) and one for the answers of every assessment in the batch, so scoring one
assessment or two hundred costs the same number of queries.
"""

from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef

from assessments.models import Answer, Assessment, Question, Respondent

from . import scoring
from .models import AlignmentResult


def current_result(assessment: Assessment) -> AlignmentResult | None:
    """The result of the current scoring version, or None when not (yet) scored."""
    return AlignmentResult.objects.filter(
        assessment=assessment, scoring_version=scoring.SCORING_VERSION
    ).first()


# --- What the engine scores -------------------------------------------------------------


@dataclass(frozen=True)
class QuestionnaireSpec:
    """A questionnaire as the engine sees it, in questionnaire order."""

    dimensions: list[scoring.DimensionSpec]
    items: list[scoring.ItemSpec]
    codes: dict[int, str]  # question id -> item code, to read answers without a join
    # Bank version 2: it asks for predictions and the felt question (scored as perception).
    perceived: bool = False


def questionnaire_specs(
    questionnaire_ids: Iterable[int], *, cache: MutableMapping[int, QuestionnaireSpec] | None = None
) -> dict[int, QuestionnaireSpec]:
    """The specs of the given questionnaires: one query for those not in `cache`.

    A published questionnaire never changes, so a caller scoring many batches (the `rescore`
    command) may keep the cache for its whole run.
    """
    cache = {} if cache is None else cache
    wanted = set(questionnaire_ids)
    missing = wanted - cache.keys()
    if missing:
        questions = (
            Question.objects.filter(questionnaire_id__in=missing)
            .select_related("dimension", "questionnaire")
            .order_by("questionnaire_id", "order")
        )
        grouped: dict[int, list[Question]] = {pk: [] for pk in missing}
        for question in questions:
            grouped[question.questionnaire_id].append(question)
        for pk, rows in grouped.items():
            cache[pk] = _spec(rows)
    return {pk: cache[pk] for pk in wanted}


def _perceived(questions: list[Question]) -> bool:
    """Whether a questionnaire asks what each executive expects of the other."""
    return any(q.predict for q in questions) or (
        bool(questions) and questions[0].questionnaire.has_felt
    )


def _spec(questions: list[Question]) -> QuestionnaireSpec:
    dimensions = {}
    for question in questions:
        dimensions.setdefault(question.dimension.order, question.dimension)
    return QuestionnaireSpec(
        dimensions=[
            scoring.DimensionSpec(code=d.code, name=d.name) for _, d in sorted(dimensions.items())
        ],
        items=[
            scoring.ItemSpec(
                code=q.code, dimension=q.dimension.code, reverse=q.reverse, predict=q.predict
            )
            for q in questions
        ],
        codes={q.pk: q.code for q in questions},
        perceived=_perceived(questions),
    )


def answers_by_assessment(
    assessment_ids: Iterable[int], specs: Iterable[QuestionnaireSpec]
) -> dict[int, dict[str, dict]]:
    """{assessment id: {"ceo": {item code: answer}, "ciso": {…}}} in one query; with
    "predictions" ({"ceo": {code: prediction}, "ciso": {…}}) and "felt" ({"ceo": felt,
    "ciso": felt}) added, from one more query, when a questionnaire is `perceived`.

    An answer is 1..5, scoring.DONT_KNOW, or None (saved without a value, e.g. a comment only);
    a prediction or felt answer 1..5, scoring.CANT_SAY, or None (not given).
    """
    specs = list(specs)
    codes: dict[int, str] = {}
    for spec in specs:
        codes.update(spec.codes)
    perceived = any(spec.perceived for spec in specs)
    ids = list(assessment_ids)
    answers = {pk: {role: {} for role in Respondent.Role.values} for pk in ids}
    if perceived:
        for pk in ids:
            answers[pk]["predictions"] = {role: {} for role in Respondent.Role.values}
            answers[pk]["felt"] = dict.fromkeys(Respondent.Role.values)
    fields = ["respondent__assessment_id", "respondent__role", "question_id", "value", "dont_know"]
    fields += ["predicted_value", "predicted_cant_say"] if perceived else []
    rows = Answer.objects.filter(respondent__assessment_id__in=ids).values_list(*fields)
    for assessment_id, role, question_id, value, dont_know, *prediction in rows:
        code = codes.get(question_id)
        if code is None:
            continue
        answers[assessment_id][role][code] = scoring.DONT_KNOW if dont_know else value
        if prediction:
            predicted, cant_say = prediction
            answers[assessment_id]["predictions"][role][code] = (
                scoring.CANT_SAY if cant_say else predicted
            )
    if perceived:
        _add_felt(answers)
    return answers


def _add_felt(answers: dict[int, dict]) -> None:
    felt = Respondent.objects.filter(assessment_id__in=list(answers)).values_list(
        "assessment_id", "role", "felt_value", "felt_cant_say"
    )
    for assessment_id, role, value, cant_say in felt:
        answers[assessment_id]["felt"][role] = scoring.CANT_SAY if cant_say else value


def perceived_input(spec: QuestionnaireSpec, answers: dict) -> scoring.Perceived | None:
    """The engine's `perceived` argument for one assessment (None on a version 1 bank)."""
    if not spec.perceived:
        return None
    predictions, felt = answers["predictions"], answers["felt"]
    return scoring.Perceived(
        ceo_predictions=predictions[Respondent.Role.CEO],
        ciso_predictions=predictions[Respondent.Role.CISO],
        ceo_felt=felt[Respondent.Role.CEO],
        ciso_felt=felt[Respondent.Role.CISO],
    )


def scoring_inputs(assessment: Assessment) -> dict:
    """The engine's keyword arguments for one assessment (two queries; three on a bank
    with perception)."""
    spec = questionnaire_specs([assessment.questionnaire_id])[assessment.questionnaire_id]
    answers = answers_by_assessment([assessment.pk], [spec])[assessment.pk]
    return {
        "dimensions": spec.dimensions,
        "items": spec.items,
        "ceo": answers[Respondent.Role.CEO],
        "ciso": answers[Respondent.Role.CISO],
        "perceived": perceived_input(spec, answers),
    }


# --- The sweeper ------------------------------------------------------------------------


def _submitted(role: str, before: datetime) -> Exists:
    return Exists(
        Respondent.objects.filter(
            assessment=OuterRef("pk"),
            role=role,
            submitted_at__isnull=False,
            submitted_at__lt=before,
        )
    )


def assessments_awaiting_score(*, submitted_before: datetime, limit: int) -> list[int]:
    """Ids of fully submitted assessments with no result of the current scoring version,
    oldest first, at most `limit`.

    Only assessments whose last submission is older than `submitted_before` count, so the
    sweeper leaves alone the ones whose scoring message is still on its way. "Current" means
    a result of the current SCORING_VERSION exists: answers are locked once submitted, so its
    `answers_digest` cannot go stale through the product (`rescore` recomputes it anyway).
    """
    current = AlignmentResult.objects.filter(
        assessment=OuterRef("pk"), scoring_version=scoring.SCORING_VERSION
    )
    ready = _submitted(Respondent.Role.CEO, submitted_before) & _submitted(
        Respondent.Role.CISO, submitted_before
    )
    return list(
        Assessment.objects.filter(ready)
        .filter(~Exists(current))
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


# --- The results pages ------------------------------------------------------------------


def submitted_count(assessment: Assessment) -> int:
    return assessment.respondents.filter(submitted_at__isnull=False).count()
