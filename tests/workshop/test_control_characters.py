"""Control characters in typed text (probe hole 2): refused where text comes in, made safe
where text already stored goes out, so no export ever fails on them."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from openpyxl import load_workbook

from assessments.models import Answer, Dimension
from config.text import REPLACEMENT, control_character_problem, without_control_characters
from workspace import services
from workspace.forms import ActionForm, ConsensusForm

from .conftest import url

pytestmark = pytest.mark.django_db
STORED = "Board \x0bsigned\x01 off"  # as a comment saved before the rule would have been kept


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x0b", "\x0c", "\x1b", "\x7f", "\x85"])
def test_the_sanitiser_refuses_each_control_character(char):
    problem = control_character_problem(f"ab{char}c", "comment")
    assert problem == (
        f"The comment contains an invisible control character (U+{ord(char):04X}) at position 3; "
        "remove it and try again."
    )
    assert without_control_characters(f"ab{char}c") == f"ab{REPLACEMENT}c"


def test_the_sanitiser_keeps_tabs_newlines_and_any_language():
    text = "Ligne 1\r\n\tLigne 2 — «ok» 日本語 👍"
    assert control_character_problem(text) is None
    assert without_control_characters(text) == text


def test_workshop_text_is_refused_with_a_clear_message(scored, consultant):
    session = services.workshop_start(assessment=scored, by=consultant)
    d1 = Dimension.objects.get(questionnaire=scored.questionnaire, code="D1")
    with pytest.raises(ValidationError, match=r"notes contain an invisible control .*U\+000B"):
        services.consensus_save(session=session, dimension=d1, notes="a\x0bb")
    with pytest.raises(ValidationError, match=r"action contains an invisible control .*U\+0001"):
        services.action_add(
            session=session, dimension=d1, description="x\x01", owner_role="ceo", by=consultant
        )
    form = ActionForm({"description": "x\x01y", "owner_role": "ceo"})
    assert not form.is_valid()
    assert "U+0001" in form.errors["description"][0]
    assert not ConsensusForm({"notes": "\x1b[31m"}).is_valid()


def _store_bad_comment(assessment) -> None:
    Answer.objects.filter(respondent__assessment=assessment, question__code="1.1").update(
        comment=STORED
    )


def test_exports_of_text_stored_with_control_characters_succeed(consultant_client, scored):
    _store_bad_comment(scored)
    safe = without_control_characters(STORED)

    for response in (
        consultant_client.get(url("xlsx", scored)),
        consultant_client.get(url("org_xlsx", organization=scored.organization)),
    ):
        assert response.status_code == 200
        content = b"".join(response.streaming_content) if response.streaming else response.content
        book = load_workbook(io.BytesIO(content))
        comments = [row[-2] for row in book["Answers"].iter_rows(values_only=True)]
        assert safe in comments

    text = consultant_client.get(url("csv", scored, table="answers")).content.decode("utf-8")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert safe in [row[-2] for row in rows]


def test_the_export_command_writes_the_workbook_too(scored, tmp_path):
    _store_bad_comment(scored)
    target = tmp_path / "export.xlsx"
    call_command("export_results", "--format", "xlsx", "-o", str(target), "--", scored.code)
    values = [row[-2] for row in load_workbook(target)["Answers"].iter_rows(values_only=True)]
    assert without_control_characters(STORED) in values
