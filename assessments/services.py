"""Writes for question banks and assessments. Plain functions `<noun>_<verb>`."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .models import Dimension, Question, Questionnaire
from .question_bank import BankData, BankError


@dataclass(frozen=True)
class LoadOutcome:
    questionnaire: Questionnaire
    created: bool


@transaction.atomic
def questionnaire_load(*, bank: BankData) -> LoadOutcome:
    """Create and publish the questionnaire described by `bank`.

    Idempotent: loading the same file again changes nothing. A published version is never
    modified: a different file with the same slug and version is refused (BankError).
    """
    existing = (
        Questionnaire.objects.select_for_update()
        .filter(slug=bank.slug, version=bank.version)
        .first()
    )
    if existing is not None:
        if existing.content_hash != bank.content_hash:
            raise BankError(
                f"{bank.slug}@{bank.version} is already published with different content; "
                f"published versions are never modified. Give the changed bank a new version "
                f"(e.g. {bank.version + 1})."
            )
        return LoadOutcome(existing, created=False)
    questionnaire = Questionnaire.objects.create(
        slug=bank.slug,
        version=bank.version,
        title=bank.title,
        description=bank.description,
        content_hash=bank.content_hash,
        published_at=timezone.now(),
    )
    _create_dimensions(questionnaire, bank)
    return LoadOutcome(questionnaire, created=True)


def _create_dimensions(questionnaire: Questionnaire, bank: BankData) -> None:
    question_order = 0
    for dimension_order, dimension_data in enumerate(bank.dimensions, 1):
        dimension = Dimension.objects.create(
            questionnaire=questionnaire,
            code=dimension_data.code,
            name=dimension_data.name,
            description=dimension_data.description,
            order=dimension_order,
        )
        questions = []
        for item in dimension_data.items:
            question_order += 1
            questions.append(_question(questionnaire, dimension, item, question_order))
        Question.objects.bulk_create(questions)


def _question(questionnaire, dimension, item, order) -> Question:
    return Question(
        questionnaire=questionnaire,
        dimension=dimension,
        code=item.code,
        ceo_text=item.ceo_text,
        ciso_text=item.ciso_text,
        scale=item.scale,
        anchors=list(item.anchors),
        reverse=item.reverse,
        references=list(item.references),
        benchmark_ids=list(item.benchmarks),
        order=order,
    )
