"""Querysets compiled once and run again with new values (subgraph_kit.compiled_queries)."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.db.models.sql.compiler import SQLCompiler

from subgraph_kit.compiled_queries import CompiledQuery, QueryParameter

pytestmark = pytest.mark.django_db

JOINED = User._meta.get_field("date_joined")
USERNAME = User._meta.get_field("username")
NOON = dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)


def joined_since(since: object):
    return User.objects.filter(date_joined__gte=since, is_active=True).order_by("username")[:2]


@pytest.fixture
def members() -> list[User]:
    return [
        User.objects.create(username=name, date_joined=NOON + dt.timedelta(hours=hours))
        for name, hours in [("ada", -1), ("bob", 1), ("cy", 2), ("dee", 3)]
    ]


def usernames(users) -> list[str]:
    return [user.username for user in users]


def test_runs_as_the_queryset_would_with_each_value(members):
    query = CompiledQuery.compile(joined_since(QueryParameter("since", JOINED)))

    for since in [NOON - dt.timedelta(days=1), NOON, NOON + dt.timedelta(hours=2)]:
        assert usernames(query.run(since=since)) == usernames(joined_since(since))


def test_values_are_bound_as_the_orm_prepares_them():
    # On SQLite a datetime is sent as text: the field prepares the value, not the driver.
    query = CompiledQuery.compile(joined_since(QueryParameter("since", JOINED)))

    assert query.bind({"since": NOON}) == list(joined_since(NOON).query.sql_with_params()[1])


def test_running_compiles_nothing(members, django_assert_num_queries):
    query = CompiledQuery.compile(joined_since(QueryParameter("since", JOINED)))

    with (
        mock.patch.object(SQLCompiler, "as_sql", side_effect=AssertionError("compiled again")),
        django_assert_num_queries(1),
    ):
        assert usernames(query.run(since=NOON)) == ["bob", "cy"]


def test_rows_are_model_instances_of_the_database_they_came_from(members):
    query = CompiledQuery.compile(User.objects.filter(username=QueryParameter("name", USERNAME)))

    (ada,) = query.run(name="ada")

    assert ada == members[0]
    assert ada.date_joined == members[0].date_joined
    assert ada._state.db == "default"
    assert not ada._state.adding


def test_every_parameter_needs_a_value_and_nothing_else():
    query = CompiledQuery.compile(joined_since(QueryParameter("since", JOINED)))

    assert query.parameter_names == {"since"}
    with pytest.raises(TypeError, match="since"):
        query.run()
    with pytest.raises(TypeError, match="until"):
        query.run(since=NOON, until=NOON)


def test_a_parameter_cannot_stand_for_null():
    # The ORM writes `= None` as IS NULL; a bound NULL would match no row, silently.
    query = CompiledQuery.compile(User.objects.filter(username=QueryParameter("name", USERNAME)))

    with pytest.raises(ValueError, match="name"):
        query.run(name=None)
