"""Fixtures of the data-lifecycle tests: two complete tenants (the security tests' world),
and a way to look for a piece of text in every table of the database."""

import pytest
from django.db import connection

from tests.security.world import build_tenant


@pytest.fixture
def tenant(questionnaire, organization):
    return build_tenant(questionnaire, organization, "zq7lifecycle")


@pytest.fixture
def rival(questionnaire, other_organization):
    return build_tenant(questionnaire, other_organization, "rv4lifecycle")


def tables_containing(text: str) -> dict[str, int]:
    """{table: rows} for every table with a row whose text (all columns, PostgreSQL's
    row-to-text cast) contains `text`, case-insensitively."""
    found = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            quoted = connection.ops.quote_name(table)
            cursor.execute(
                f"SELECT count(*) FROM {quoted} AS t WHERE t::text ILIKE %s",  # noqa: S608
                [f"%{text}%"],
            )
            (count,) = cursor.fetchone()
            if count:
                found[table] = count
    return found
