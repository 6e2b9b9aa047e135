"""The Python client of docs/api.md runs as written against a live server: it creates a
round, waits while the two executives answer (played here when it sleeps), and prints the
results the API serves."""

import re
import time
from pathlib import Path

import pytest

from alignment.models import AlignmentResult
from api.tokens import api_token_create
from assessments.models import Assessment
from assessments.services import respondent_submit
from tests.factories import answer_all

DOCS = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def _client_example() -> str:
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("## A Python client", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


@pytest.mark.django_db(transaction=True)
def test_the_documented_client_creates_a_round_and_gets_its_results(
    live_server, questionnaire, organization, consultant, monkeypatch, capsys
):
    assert organization.slug == "acme-health"  # the slug the example uses
    token = api_token_create(user=consultant, name="docs example").raw
    code = _client_example()
    code = code.replace("https://parley.example.com/api/v1", f"{live_server.url}/api/v1")
    code = code.replace('"Bearer prly_..."', f'"Bearer {token}"')
    sleeps = []

    def executives_answer(seconds):
        """Instead of waiting ten minutes: both executives answer and submit."""
        sleeps.append(seconds)
        if len(sleeps) == 1:
            assessment = Assessment.objects.get(organization=organization)
            for values, respondent in zip(
                ([4, 3, 5], [2, 3]), assessment.respondents.all(), strict=True
            ):
                answer_all(respondent, values)
                respondent_submit(respondent=respondent)

    monkeypatch.setattr(time, "sleep", executives_answer)
    exec(compile(code, str(DOCS), "exec"), {"__name__": "docs_example"})  # noqa: S102
    out = capsys.readouterr().out
    result = AlignmentResult.objects.get(assessment__organization=organization)
    assert "is open" in out
    assert f"alignment index {result.alignment_index:.1f} ({result.band})" in out
    assert len(re.findall(r"^D\d+ ", out, re.M)) == 10
    assert sleeps == [600]
