"""Dates and figures follow the reader's language: templates and code name a format
(config/formats/en/formats.py lists what each gives in English), and `words.fixed` writes
the language's decimal separator. English reads as it always did."""

import re
from datetime import date, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import formats, translation

from alignment import charts
from alignment.presentation import words

DAY = date(2026, 12, 1)
MOMENT = datetime(2026, 12, 1, 14, 5)


def test_english_keeps_its_formats():
    with translation.override("en"):
        assert formats.date_format(DAY, "DATE_FORMAT") == "1 December 2026"
        assert formats.date_format(DAY, "SHORT_DATE_FORMAT") == "1 Dec 2026"
        assert formats.date_format(MOMENT, "DATETIME_FORMAT") == "1 December 2026, 14:05"
        assert formats.date_format(MOMENT, "SHORT_DATETIME_FORMAT") == "1 Dec 2026, 14:05"
        assert formats.time_format(MOMENT, "TIME_FORMAT") == "14:05"
        assert formats.date_format(DAY, "MONTH_DAY_FORMAT") == "1 December"
        assert formats.date_format(DAY, "YEAR_MONTH_FORMAT") == "December 2026"


@pytest.mark.parametrize(
    ("language", "long", "short"),
    [
        ("de", "1. Dezember 2026", "01.12.2026"),
        ("fr", "1 décembre 2026", "01/12/2026"),
        ("es", "1 de diciembre de 2026", "01/12/2026"),
        ("ja", "2026年12月1日", "2026/12/01"),
    ],
)
def test_each_language_writes_a_date_its_own_way(language, long, short):
    with translation.override(language):
        assert formats.date_format(DAY, "DATE_FORMAT") == long
        assert formats.date_format(DAY, "SHORT_DATE_FORMAT") == short


def test_figures_take_the_languages_decimal_separator():
    with translation.override("en"):
        assert words.fixed(0.455, 2) == "0.46"
        assert words.fixed(-0.25, 1, signed=True) == "\u22120.3"
        assert words.fixed(12.5, signed=True) == "+13"
        assert words.fixed(-0.0001, 2) == "0.00"  # never a minus zero
        assert charts.fmt_mean(4.25) == "4.3"
    with translation.override("de"):
        assert words.fixed(0.455, 2) == "0,46"
        assert words.fixed(-0.25, 1, signed=True) == "\u22120,3"
        assert words.fixed(1234.5, 1) == "1234,5"  # no thousands separator in a figure
        assert charts.fmt_mean(4.25) == "4,3"
    with translation.override("fr"):
        assert words.fixed(3.14159, 2, signed=True) == "+3,14"


def test_no_template_spells_out_a_date_format():
    """A spelled-out format ("j M Y") is English order in every language: name one instead.
    An ISO timestamp (the audit log's) is the same everywhere and may stay."""
    spelled = re.compile(r'\|(?:date|time):"(?![A-Z_]+")(?!Y-m-d H:i:s")[^"]*"')
    found = [
        f"{path.relative_to(settings.BASE_DIR)}: {match.group()}"
        for path in Path(settings.BASE_DIR, "templates").rglob("*.*")
        if "reports" not in path.parts  # the PDF's templates: the report's own work (#13)
        for match in spelled.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not found, "\n".join(found)
