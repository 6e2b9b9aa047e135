"""The spreadsheets of a version 2 round: a "Perception" sheet with one row per predicted item
and predicting executive, and the overall table's understanding and felt figures."""

import csv
import io

import pytest
from openpyxl import load_workbook

from alignment.presentation.model import round_view
from alignment.spreadsheets import csv_bytes, export_tables, table_by_slug, xlsx_bytes
from tests.factories import scored_assessment

pytestmark = pytest.mark.django_db


def _rows(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_perception_sheet_lists_each_prediction_and_view(questionnaire_v2):
    scored = scored_assessment(questionnaire_v2)
    perception = round_view(scored).perception
    book = load_workbook(io.BytesIO(xlsx_bytes(export_tables([scored]))))
    rows = _rows(book["Perception"])
    header = rows[0]
    assert len(rows) == 1 + 10 * 2
    column = {name: header.index(name) for name in header}
    ceo_23 = next(
        r for r in rows if r[column["Item"]] == "2.3" and r[column["Predicting"]] == "CEO"
    )
    # The realistic round: the CEO answered 5 and predicted the CISO's 3 as 5.
    assert ceo_23[column["Own answer"]] == 5 and ceo_23[column["Other's answer"]] == 3
    assert ceo_23[column["Prediction of the other"]] == 5
    assert ceo_23[column["Prediction in words"]] == "5 \u2013 Very positive"  # scale S
    assert ceo_23[column["Gap (CEO - CISO)"]] == 2
    assert ceo_23[column["Expected gap (CEO - CISO)"]] == 0
    assert ceo_23[column["Error (prediction - answer)"]] == 2
    assert ceo_23[column["View"]] == "Blind spot"
    ciso_51 = next(
        r for r in rows if r[column["Item"]] == "5.1" and r[column["Predicting"]] == "CISO"
    )
    assert ciso_51[column["Prediction in words"]] == "Can\u2019t say"
    assert ciso_51[column["View"]] is None  # written empty: no reading
    views = [r[column["View"]] for r in rows[1:] if r[column["View"]]]
    assert {"Blind spot", "Imagined gap", "Seen gap", "Seen agreement"} <= set(views)

    overall = _rows(book["Overall"])
    figures = dict(zip(overall[0], overall[1], strict=True))
    assert figures["Mutual understanding"] == pytest.approx(perception.mutual_value)
    assert figures["CEO felt alignment"] == 5 and figures["CISO felt alignment"] == 2
    assert figures["CEO felt minus measured"] == pytest.approx(
        perception.ceo.felt_minus_measured_value
    )


def test_a_version_1_round_has_an_empty_perception_table(questionnaire):
    scored = scored_assessment(questionnaire)
    table = table_by_slug(export_tables([scored]), "perception")
    assert table.rows == []
    text = csv_bytes(table).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text)))[0][3:6] == ["Dimension", "Item", "Predicting"]
