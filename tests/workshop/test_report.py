"""The workshop's outcome in the PDF report: agreed positions and actions appear in the next
rendered report ("Agreed actions"); without a workshop the section is left out."""

import pytest

from alignment.models import AlignmentResult
from assessments.models import Dimension
from reports.rendering import build_html
from workspace import services

from .conftest import soon

pytestmark = pytest.mark.django_db


def _result(assessment):
    return AlignmentResult.objects.get(assessment=assessment)


def test_the_report_has_no_agreed_actions_before_the_workshop(scored):
    assert "Agreed actions" not in build_html(_result(scored))


def test_agreed_positions_and_actions_appear_in_the_report(scored, consultant):
    session = services.workshop_start(assessment=scored, by=consultant)
    d2 = Dimension.objects.get(questionnaire=scored.questionnaire, code="D2")
    services.consensus_save(session=session, dimension=d2, value=3, notes="Pilots only <for now>")
    services.action_add(
        session=session,
        dimension=d2,
        description="Write the risk-appetite statement",
        owner_role="both",
        due_date=soon(200),
    )

    html = build_html(_result(scored))

    assert "Agreed actions" in html
    assert "Agreed position: 3 on the 1\u20135 scale. Notes: Pilots only &lt;for now&gt;" in html
    assert "Write the risk-appetite statement" in html
    assert "CEO and CISO" in html and soon(200).strftime("%-d %b %Y") in html
