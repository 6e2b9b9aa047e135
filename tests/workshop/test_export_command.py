"""`manage.py export_results CODE --format csv|xlsx -o FILE`: the web export from the command
line; without --format the command keeps printing the JSON result."""

import csv
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from tests.factories import completed_assessment

pytestmark = pytest.mark.django_db


def test_it_writes_the_xlsx_workbook(scored, tmp_path):
    target = tmp_path / "export.xlsx"
    err = StringIO()
    call_command(
        "export_results", "--format", "xlsx", "-o", str(target), "--", scored.code, stderr=err
    )
    book = load_workbook(target)
    assert book.sheetnames[:5] == ["Overall", "Answers", "Dimension scores", "Item gaps", "Actions"]
    assert book.sheetnames[5:] == ["Perception"]
    assert book["Overall"]["B2"].value == scored.code
    assert f"Wrote {target}" in err.getvalue()


def test_it_writes_one_csv_table_to_a_file_or_stdout(scored, tmp_path):
    target = tmp_path / "gaps.csv"
    call_command(
        "export_results",
        "--format",
        "csv",
        "--table",
        "item-gaps",
        "-o",
        str(target),
        "--",
        scored.code,
    )
    rows = list(csv.reader(target.open(encoding="utf-8-sig")))
    assert rows[0][4] == "Item" and len(rows) == 45
    out = StringIO()
    call_command("export_results", "--format", "csv", "--", scored.code, stdout=out)
    printed = list(csv.reader(StringIO(out.getvalue().lstrip("\ufeff"))))
    assert printed[0][4] == "Role" and len(printed) == 89  # the answers table by default


def test_an_xlsx_needs_a_file(scored):
    with pytest.raises(CommandError, match="-o FILE"):
        call_command("export_results", "--format", "xlsx", "--", scored.code)


def test_an_unscored_round_exports_its_answers(questionnaire, tmp_path):
    pending = completed_assessment(questionnaire, submit=False)
    target = tmp_path / "answers.csv"
    call_command("export_results", "--format", "csv", "-o", str(target), "--", pending.code)
    assert len(target.read_text(encoding="utf-8-sig").splitlines()) == 89
    with pytest.raises(CommandError, match="not scored yet"):
        call_command("export_results", "--", pending.code, stdout=StringIO())


def test_without_format_it_still_prints_json_and_o_writes_it(scored, tmp_path):
    out = StringIO()
    call_command("export_results", "--", scored.code, stdout=out)
    assert json.loads(out.getvalue())["assessment"] == scored.code
    target = tmp_path / "result.json"
    call_command("export_results", "-o", str(target), "--", scored.code)
    assert json.loads(target.read_text())["assessment"] == scored.code
