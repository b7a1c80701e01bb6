"""Hot reads compiled to SQL once, then run with each request's values.

For a small read, the ORM's Python costs more than the database does: a page of 20 posts took
~1.1 ms in-process against PostgreSQL, about half of it building the queryset and compiling it
to the same SQL every time. A read whose shape is fixed (which filters, which order, which
LIMIT) writes its queryset once with a `QueryParameter` where each value goes;
`CompiledQuery.compile` has Django's compiler write its SQL for the database it will run on, and
`CompiledQuery.run(**values)` sends that SQL through Django's `raw()` with the values bound as
the model's fields prepare them (`get_db_prep_value`). The rows come back as the same model
instances, from the SQL the ORM writes for that queryset.

What a parameter can stand for: the one value on the right of a lookup (`=`, `<`, `>=`, ...). Not
None (the ORM writes `= None` as `IS NULL`; a bound None would be `= NULL`, true for no row):
`run` refuses it. Django writes LIMIT and OFFSET into the SQL itself, so a page size is part of a
query's shape, not a parameter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import connections
from django.db.models import Expression, Field, Model, QuerySet
from django.db.models.query import RawQuerySet

ModelT = TypeVar("ModelT", bound=Model)


@dataclass(frozen=True, slots=True)
class Placeholder:
    """Where a parameter's value goes among a compiled query's parameters."""

    name: str
    field: Field


class QueryParameter(Expression):
    """A named value a queryset leaves open: compiled as a placeholder, bound by `run`.

    `field` is the model field the value is compared with: it prepares the value for the
    database (a UUID is a string on SQLite, a uuid on PostgreSQL).
    """

    def __init__(self, name: str, field: Field) -> None:
        super().__init__(output_field=field)
        self.name = name

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        return "%s", [Placeholder(self.name, self.output_field)]


@dataclass(frozen=True, slots=True)
class CompiledQuery(Generic[ModelT]):
    """A queryset's SQL and parameters; its `QueryParameter`s are placeholders to bind."""

    model: type[ModelT]
    sql: str
    params: tuple[Any, ...]
    parameter_names: frozenset[str]
    using: str

    @classmethod
    def compile(cls, queryset: QuerySet[ModelT]) -> CompiledQuery[ModelT]:
        """The SQL Django would send for `queryset`, written once. Call it from sync code: the
        compiler may ask the database for its version."""
        using = queryset.db
        sql, params = queryset.query.get_compiler(using=using).as_sql()
        names = frozenset(param.name for param in params if isinstance(param, Placeholder))
        return cls(
            model=queryset.model, sql=sql, params=tuple(params), parameter_names=names, using=using
        )

    def bind(self, values: Mapping[str, Any]) -> list[Any]:
        """The query's parameters with `values` in their places, prepared by their fields."""
        if set(values) != self.parameter_names:
            raise TypeError(
                f"expected values for {sorted(self.parameter_names)}, got {sorted(values)}"
            )
        connection = connections[self.using]
        bound = []
        for param in self.params:
            if isinstance(param, Placeholder):
                value = values[param.name]
                if value is None:
                    raise ValueError(f"{param.name} is None: a parameter cannot stand for NULL")
                param = param.field.get_db_prep_value(value, connection, prepared=False)
            bound.append(param)
        return bound

    def run(self, **values: Any) -> RawQuerySet:
        """The query's rows as model instances, lazily, like any queryset."""
        return self.model._default_manager.raw(self.sql, self.bind(values), using=self.using)
