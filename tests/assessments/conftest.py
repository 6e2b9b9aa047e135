from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import assessment_with_links

from .journey import Round


@pytest.fixture
def rnd(questionnaire, organization, consultant) -> Round:
    """An open round for Acme Health, due in two weeks, created by the consultant."""
    assessment, tokens = assessment_with_links(
        questionnaire,
        organization=organization,
        created_by=consultant,
        due_date=timezone.localdate() + timedelta(days=14),
    )
    return Round(assessment, tokens)


@pytest.fixture
def rnd2(questionnaire_v2, organization, consultant) -> Round:
    """As `rnd`, on bank version 2: ten predicted items and the felt question."""
    assessment, tokens = assessment_with_links(
        questionnaire_v2,
        organization=organization,
        created_by=consultant,
        due_date=timezone.localdate() + timedelta(days=14),
    )
    return Round(assessment, tokens)
