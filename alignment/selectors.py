"""Reads of alignment results."""

from assessments.models import Answer, Assessment, Question, Respondent

from . import scoring
from .models import AlignmentResult


def current_result(assessment: Assessment) -> AlignmentResult | None:
    """The result of the current scoring version, or None when not (yet) scored."""
    return AlignmentResult.objects.filter(
        assessment=assessment, scoring_version=scoring.SCORING_VERSION
    ).first()


def scoring_inputs(assessment: Assessment) -> dict:
    """The engine's inputs for an assessment, in three queries whatever its size."""
    questionnaire_id = assessment.questionnaire_id
    questions = list(
        Question.objects.filter(questionnaire_id=questionnaire_id)
        .select_related("dimension")
        .order_by("order")
    )
    dimensions = {}
    for question in questions:
        dimensions.setdefault(question.dimension.order, question.dimension)
    answers = {Respondent.Role.CEO: {}, Respondent.Role.CISO: {}}
    rows = Answer.objects.filter(respondent__assessment=assessment).values_list(
        "respondent__role", "question__code", "value", "dont_know"
    )
    for role, code, value, dont_know in rows:
        answers[role][code] = scoring.DONT_KNOW if dont_know else value
    return {
        "dimensions": [
            scoring.DimensionSpec(code=d.code, name=d.name) for _, d in sorted(dimensions.items())
        ],
        "items": [
            scoring.ItemSpec(code=q.code, dimension=q.dimension.code, reverse=q.reverse)
            for q in questions
        ],
        "ceo": answers[Respondent.Role.CEO],
        "ciso": answers[Respondent.Role.CISO],
    }
