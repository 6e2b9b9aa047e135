"""Exports of answers, scores and actions: one assessment or every round of an organisation,
as XLSX (one sheet per table, typed cells, frozen header) and as CSV (one table a file)."""

import csv
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

from alignment.spreadsheets import TABLE_SLUGS, export_tables
from assessments.models import Dimension
from organizations.models import AuditEvent
from tests.factories import scored_assessment, small_questionnaire
from workspace import services

from .conftest import soon, url

pytestmark = pytest.mark.django_db
SHEETS = ["Overall", "Answers", "Dimension scores", "Item gaps", "Actions", "Perception"]


@pytest.fixture
def workshop(scored, consultant):
    session = services.workshop_start(assessment=scored, by=consultant)
    d3 = Dimension.objects.get(questionnaire=scored.questionnaire, code="D3")
    services.consensus_save(session=session, dimension=d3, value=2, notes='=HYPERLINK("x")')
    services.action_add(
        session=session,
        dimension=d3,
        description="@SUM(1+1) approve the policy",
        owner_role="ceo",
        due_date=soon(100),
        by=consultant,
    )
    return session


def _workbook(response):
    assert response.status_code == 200
    return load_workbook(
        io.BytesIO(
            b"".join(response.streaming_content if response.streaming else [response.content])
        )
    )


def _rows(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_xlsx_has_one_typed_sheet_per_table(consultant_client, scored, workshop):
    response = consultant_client.get(url("xlsx", scored))

    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    disposition = response["Content-Disposition"]
    assert (
        disposition.startswith('attachment; filename="parley-acme-health-')
        and ".xlsx" in disposition
    )
    assert response["Cache-Control"] == "private, no-store"
    book = _workbook(response)
    assert book.sheetnames == SHEETS
    for sheet in book:
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.bold for cell in sheet[1])

    overall = _rows(book["Overall"])
    assert overall[0][:3] == ["Organisation", "Assessment code", "Round"]
    result = scored.results.get()
    assert overall[1][7] == pytest.approx(result.alignment_index)
    assert isinstance(overall[1][5], datetime)

    answers = _rows(book["Answers"])
    header = answers[0]
    assert len(answers) == 1 + 88 + 1  # both executives' 44 answers, and one agreed position
    row = next(r for r in answers if r[header.index("Item")] == "3.3" and r[4] == "CISO")
    assert row[header.index("Answer")] == 1
    assert row[header.index("Answer in words")] == "1 \u2013 Does not exist"
    assert row[header.index("Comment")].startswith("We found 31 GenAI tools")
    dk = next(r for r in answers if r[header.index("Item")] == "4.3" and r[4] == "CEO")
    assert dk[header.index("Don't know")] is True and dk[header.index("Answer")] is None
    consensus = next(r for r in answers if r[4] == "Consensus")
    assert consensus[header.index("Dimension")] == "D3" and consensus[header.index("Answer")] == 2

    dimensions = _rows(book["Dimension scores"])
    assert len(dimensions) == 11
    columns = dimensions[0]
    d3 = next(r for r in dimensions if r[columns.index("Dimension")] == "D3")
    assert d3[columns.index("Alignment index")] == pytest.approx(60.0)  # a number, not text
    index_cell = book["Dimension scores"].cell(row=4, column=columns.index("Alignment index") + 1)
    assert index_cell.data_type == "n" and index_cell.number_format == "0.00"
    assert d3[columns.index("Agreed position")] == 2
    assert d3[columns.index("Workshop notes")] == '=HYPERLINK("x")'

    items = _rows(book["Item gaps"])
    assert len(items) == 45
    gap = items[0].index("Gap (CEO - CISO)")
    assert all(isinstance(r[gap], int) for r in items[1:] if r[gap] is not None)

    actions = _rows(book["Actions"])
    assert actions[1][actions[0].index("Due date")] == datetime.combine(
        soon(100), datetime.min.time()
    )
    assert (
        book["Actions"].cell(row=2, column=actions[0].index("Due date") + 1).number_format
        == "yyyy-mm-dd"
    )


def test_typed_text_never_becomes_a_formula(consultant_client, scored, workshop):
    book = _workbook(consultant_client.get(url("xlsx", scored)))
    action = book["Actions"].cell(row=2, column=6)
    assert action.value == "@SUM(1+1) approve the policy" and action.data_type == "s"
    answers = book["Answers"]
    comment = [c.value for c in answers[1]].index("Comment")
    notes = [
        row[comment]
        for row in answers.iter_rows(min_row=2)
        if row[comment].value == '=HYPERLINK("x")'
    ]
    assert notes and notes[0].data_type == "s"

    response = consultant_client.get(url("csv", scored, table="actions"))
    text = response.content.decode("utf-8")
    assert "'@SUM(1+1) approve the policy" in text


def test_a_csv_is_one_table_with_a_bom(consultant_client, scored, workshop):
    response = consultant_client.get(url("csv", scored, table="item-gaps"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].endswith('-item-gaps.csv"')
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:5] == ["Organisation", "Assessment code", "Round", "Dimension", "Item"]
    assert len(rows) == 45
    row = next(r for r in rows if r[4] == "2.5")
    assert row[rows[0].index("Severity")] == "Critical gap"
    assert row[rows[0].index("Gap (CEO - CISO)")] == "3"
    assert row[rows[0].index("CEO don't know")] == "false"


def test_an_unknown_table_is_not_found(consultant_client, scored):
    assert consultant_client.get(url("csv", scored, table="secrets")).status_code == 404


def test_the_organisation_export_has_every_round(
    consultant_client, scored, questionnaire, organization
):
    later = scored_assessment(questionnaire, organization=organization, realistic=False)
    response = consultant_client.get(url("org_xlsx", organization=organization))
    assert 'filename="parley-acme-health-all-rounds-' in response["Content-Disposition"]
    book = _workbook(response)
    codes = [row[1] for row in _rows(book["Overall"])[1:]]
    assert codes == [scored.code, later.code]
    assert len(_rows(book["Item gaps"])) == 1 + 2 * 44
    csv_response = consultant_client.get(url("org_csv", organization=organization, table="answers"))
    assert csv_response.status_code == 200


def test_an_unscored_round_exports_its_answers_only(questionnaire, organization):
    from tests.factories import completed_assessment

    pending = completed_assessment(questionnaire, organization=organization, submit=False)
    tables = {t.slug: t for t in export_tables([pending])}
    assert set(tables) == set(TABLE_SLUGS)
    assert len(tables["answers"].rows) == 88
    assert tables["dimension-scores"].rows == tables["item-gaps"].rows == []
    assert tables["overall"].rows[0][7] is None


def test_every_download_is_audited(consultant_client, consultant, scored):
    consultant_client.get(url("xlsx", scored))
    consultant_client.get(url("csv", scored, table="answers"))
    events = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT_DOWNLOADED)
    assert events.count() == 2
    assert {e.actor for e in events} == {consultant}
    assert all(e.organization == scored.organization for e in events)


def test_an_export_costs_a_fixed_number_of_queries(
    consultant_client, organization, django_assert_max_num_queries
):
    small = small_questionnaire(dimensions=1, items_per_dimension=2, slug="small")
    large = small_questionnaire(dimensions=10, items_per_dimension=8, slug="large")
    scored_assessment(small, organization=organization, realistic=False)
    scored_assessment(large, organization=organization, realistic=False)
    scored_assessment(large, organization=organization, realistic=False, ceo=(3,))
    consultant_client.get(url("org_xlsx", organization=organization))
    # Session, user, organisation, rounds, then results, questions, answers, positions,
    # actions, and the audit record.
    with django_assert_max_num_queries(10):
        consultant_client.get(url("org_xlsx", organization=organization))
