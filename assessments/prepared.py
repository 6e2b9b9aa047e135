"""ORM querysets compiled to SQL once per process, then run again with new values.

The respondent journey runs the same few small queries on every request (the link lookup,
the item by its code, the page's items and answers). Turning a queryset into SQL costs the
ORM several times more CPU than PostgreSQL spends answering it: about 0.6 ms against 0.1 ms
for the link lookup with its joins. A PreparedQuery keeps the queryset as the single source
of truth (fields, joins, converters and model instances all come from Django), and only
skips recompiling it: the SQL is built once, with placeholder values, and the values of
each call are put in their place.

Only a queryset whose filter values reach the SQL unchanged, as parameters, can be
prepared (equality on strings and integers); anything else is refused when compiled.
"""

import threading
from collections.abc import Callable

from django.db import connections
from django.db.models.query import (
    FlatValuesListIterable,
    ValuesListIterable,
    get_related_populators,
)

_PLACEHOLDERS = {
    str: lambda n: f"\x1fprepared-placeholder-{n}\x1f",
    int: lambda n: -987_654_000 - n,
}


class NotPreparable(Exception):
    """The queryset does not pass each value through as one SQL parameter."""


class PreparedQuery:
    def __init__(self, build: Callable, *types: type):
        """`build(*values)` returns the queryset; `types` are the values' types (str, int)."""
        self._build = build
        self._placeholders = tuple(_PLACEHOLDERS[kind](n) for n, kind in enumerate(types))
        self._compiled: dict[str, tuple] = {}
        self._lock = threading.Lock()

    def _compile(self, alias: str):
        compiled = self._compiled.get(alias)
        if compiled is None:
            with self._lock:
                queryset = self._build(*self._placeholders).using(alias)
                compiler = queryset.query.get_compiler(using=alias)
                sql, params = compiler.as_sql()
                try:
                    positions = tuple(self._placeholders.index(p) for p in params)
                except ValueError:
                    raise NotPreparable(f"unexpected parameters {params!r}") from None
                columns = [column[0] for column in compiler.select[0 : compiler.col_count]]
                converters = compiler.get_converters(columns)
                compiled = (queryset, compiler, sql, positions, converters)
                self._compiled[alias] = compiled
        return compiled

    def _execute(self, values, alias):
        queryset, compiler, sql, positions, converters = self._compile(alias)
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, [values[p] for p in positions])
            rows = cursor.fetchall()
        if converters:
            rows = compiler.apply_converters(rows, converters)
        return queryset, compiler, rows

    def rows(self, *values, alias: str = "default") -> list:
        """The rows of a values_list() queryset: tuples, or single values when flat."""
        queryset, _, rows = self._execute(values, alias)
        if queryset._iterable_class is FlatValuesListIterable:
            return [row[0] for row in rows]
        if queryset._iterable_class is ValuesListIterable:
            return [tuple(row) for row in rows]
        raise NotPreparable("rows() is for values_list() querysets")

    def objects(self, *values, alias: str = "default") -> list:
        """Model instances, with select_related() objects and annotations, as the ORM
        builds them (the same steps as django.db.models.query.ModelIterable)."""
        queryset, compiler, rows = self._execute(values, alias)
        select, klass_info = compiler.select, compiler.klass_info
        model = klass_info["model"]
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        names = [column[0].target.attname for column in select[start:end]]
        populators = get_related_populators(klass_info, select, alias)
        found = []
        for row in rows:
            obj = model.from_db(alias, names, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for name, position in (compiler.annotation_col_map or {}).items():
                setattr(obj, name, row[position])
            found.append(obj)
        return found

    def first(self, *values, alias: str = "default"):
        found = self.objects(*values, alias=alias)
        return found[0] if found else None
