"""English in Parley is British English: Django's en_GB locale, with the day-month-year
formats and 24-hour clock Parley always wrote.

Templates and code name a format ({{ when|date:"DATE_FORMAT" }}, formats.date_format(when,
"SHORT_DATE_FORMAT")), never spell one out, so each language shows its own; these are what
the names give in English:

| name                  | English               | for                                  |
|-----------------------|-----------------------|--------------------------------------|
| DATE_FORMAT           | 1 December 2026       | sentences: due dates, deadlines      |
| SHORT_DATE_FORMAT     | 1 Dec 2026            | tables, lists, badges                |
| DATETIME_FORMAT       | 1 December 2026, 14:05| a moment in a sentence               |
| SHORT_DATETIME_FORMAT | 1 Dec 2026, 14:05     | a moment in a table                  |
| TIME_FORMAT           | 14:05                 |                                      |
| MONTH_DAY_FORMAT      | 1 December            | a date this year (the reminder)      |
| YEAR_MONTH_FORMAT     | December 2026         | a round's month                      |
"""

from django.conf.locale.en_GB.formats import *  # noqa: F403

DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
