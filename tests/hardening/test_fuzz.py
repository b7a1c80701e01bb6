"""Schemathesis fuzzing, in GraphQL mode, of the router and of each subgraph called directly.

Every root field of each committed schema (schema/api.graphql for the router; the subgraph SDL,
with `_entities` and `_service`, for users and posts) gets generated operations: valid ones and
invalid ones (wrong argument types, missing arguments), anonymous and with a real access token.
Each answer must be a client's answer: no HTTP 5xx, no stack trace or SQL in the body, and no
unexpected (masked) GraphQL error. Each query sent to the router is sent once more as a
subscription, which the API does not have: it must be refused with 400
GRAPHQL_VALIDATION_FAILED. Afterwards every process must still be healthy and serve a normal
query.

The bounded run here sends a few hundred operations (FUZZ_EXAMPLES per root field, generation
mode and caller); `make fuzz-long` raises FUZZ_EXAMPLES for a few thousand and writes the report
to FUZZ_REPORT. Generation is derandomized: a run is repeatable.
"""

from __future__ import annotations

import dataclasses
import os
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import graphql
import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import strategies as st
from schemathesis.generation import GenerationMode
from schemathesis.graphql import nodes

from tests.hardening.conftest import add_run_summary, response_problems, subgraph_headers
from tests.support.client import call, error_codes, signup
from tests.support.stack import REPO_ROOT, Stack

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))
FUZZ_REPORT = os.environ.get("FUZZ_REPORT", "")
SCHEMA_FILES = {
    "router": REPO_ROOT / "schema" / "api.graphql",
    "users": REPO_ROOT / "schema" / "users.graphql",
    "posts": REPO_ROOT / "schema" / "posts.graphql",
}
CALLERS = ("anonymous", "signed-in")


def _object_node(values: dict[str, graphql.ValueNode]) -> graphql.ObjectValueNode:
    return nodes.Object(
        [
            graphql.ObjectFieldNode(name=graphql.NameNode(value=name), value=value)
            for name, value in values.items()
        ]
    )


# `_Any` (an entity representation) has no strategy of its own: objects shaped like the router's
# representations, with right and wrong type names and ids, and now and then not an object.
_representation_ids = st.one_of(
    st.uuids().map(str).map(nodes.String),
    st.text(max_size=40).map(nodes.String),
    st.integers().map(nodes.Int),
    st.just(nodes.Null),
)
_representations = st.fixed_dictionaries(
    {"__typename": st.sampled_from(["User", "Post", "Query", "Nope"]).map(nodes.String)},
    optional={"id": _representation_ids, "email": st.text(max_size=20).map(nodes.String)},
).map(_object_node)
schemathesis.graphql.scalar(
    "_Any",
    st.one_of(
        _representations,
        st.just(_object_node({})),
        st.text(max_size=20).map(nodes.String),
        st.integers().map(nodes.Int),
    ),
)


def fuzzing_schema(sdl_path: Path) -> Any:
    """A schemathesis schema for every root field of an SDL file, federation fields included.

    The subgraph SDL applies federation directives (@link, @key) it does not define: built
    without SDL validation, they are ignored; the operations are the subgraph's own.
    """
    document = graphql.parse(sdl_path.read_text())
    client_schema = graphql.build_ast_schema(document, assume_valid_sdl=True)
    loaded = schemathesis.graphql.from_dict(graphql.introspection_from_schema(client_schema))
    # `_entities` and `_service` are left out unless named: select every field explicitly.
    return loaded.include(name_regex=".*")


@dataclass
class FuzzReport:
    """What the fuzzer sent where, and every response that broke a rule."""

    requests: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    def record(self, target: str, caller: str, operation: str, problems: list[str]) -> None:
        self.requests[(target, caller, operation)] += 1
        self.failures.extend(f"{target} ({caller}) {operation}: {problem}" for problem in problems)

    def render(self) -> str:
        lines = [
            f"Fuzzing report: schemathesis {schemathesis.__version__}, GraphQL mode, derandomized, "
            f"{FUZZ_EXAMPLES} examples per root field, generation mode (positive, negative) "
            "and caller",
            "",
            f"{'target':<8} {'caller':<10} {'root fields':>11} {'operations':>10}",
        ]
        for target in SCHEMA_FILES:
            for caller in CALLERS:
                counts = [
                    count
                    for (t, c, _operation), count in self.requests.items()
                    if (t, c) == (target, caller)
                ]
                lines.append(f"{target:<8} {caller:<10} {len(counts):>11} {sum(counts):>10}")
        lines.append(f"{'total':<31} {sum(self.requests.values()):>10}")
        lines += ["", "Operations per root field (both callers):"]
        per_field: Counter[tuple[str, str]] = Counter()
        for (target, _caller, operation), count in self.requests.items():
            per_field[(target, operation)] += count
        lines += [
            f"  {target:<8} {operation:<24} {n:>6}" for (target, operation), n in per_field.items()
        ]
        lines += ["", f"Failures: {len(self.failures)}"]
        lines += [f"  {failure}" for failure in self.failures]
        return "\n".join(lines)


def for_each_case(strategy: st.SearchStrategy[Any], handle: Callable[[Any], None]) -> None:
    """Draw FUZZ_EXAMPLES cases, the same ones on every run, and hand each to `handle`."""

    @settings(
        max_examples=FUZZ_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        # Failures are collected, not raised: nothing to shrink.
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
    )
    @given(case=strategy)
    def run(case: Any) -> None:
        handle(case)

    run()


def as_subscription(query: str) -> str:
    """The same operations with `subscription` as their type (the API has none)."""
    document = graphql.parse(query)
    definitions = tuple(
        dataclasses.replace(definition, operation=graphql.OperationType.SUBSCRIPTION)
        if isinstance(definition, graphql.OperationDefinitionNode)
        else definition
        for definition in document.definitions
    )
    return graphql.print_ast(dataclasses.replace(document, definitions=definitions))


def subscription_problems(response: requests.Response) -> list[str]:
    """Why the router's answer to a subscription is not a plain refusal; empty when it is."""
    problems = response_problems(response.status_code, response.content)
    codes = {error.get("extensions", {}).get("code") for error in response.json()["errors"]}
    if response.status_code != 400 or codes != {"GRAPHQL_VALIDATION_FAILED"}:
        problems.append(f"subscription answered {response.status_code}, codes {codes}")
    return problems


def fuzz(target: str, caller: str, url: str, headers: dict[str, str], report: FuzzReport) -> None:
    schema = fuzzing_schema(SCHEMA_FILES[target])
    with requests.Session() as session:

        def send(case: Any) -> None:
            response = case.call(base_url=url, session=session, headers=headers, timeout=30)
            problems = response_problems(response.status_code, response.content)
            if target == "router" and case.operation.definition.is_query:
                # Each generated query once more as a subscription: refused before planning.
                subscription = session.post(
                    url,
                    json={"query": as_subscription(case.body)},
                    headers=headers,
                    timeout=30,
                )
                problems += subscription_problems(subscription)
            report.record(
                target,
                caller,
                case.operation.label,
                [f"{problem}\n    query: {case.body!r}"[:800] for problem in problems],
            )

        for result in schema.get_all_operations():
            operation = result.ok()
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                for_each_case(operation.as_strategy(generation_mode=mode), send)


@pytest.fixture(scope="module")
def report(request: pytest.FixtureRequest) -> Iterator[FuzzReport]:
    fuzz_report = FuzzReport()
    yield fuzz_report
    rendered = fuzz_report.render()
    add_run_summary(request.config, rendered)
    if FUZZ_REPORT:
        Path(FUZZ_REPORT).write_text(rendered + "\n")


@pytest.fixture(scope="module")
def viewer(stack: Stack) -> dict[str, Any]:
    """The signed-in caller: signup's answer (tokens and user)."""
    return signup(stack)


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("target", list(SCHEMA_FILES))
def test_fuzzed_operations_get_client_answers_only(
    stack: Stack, viewer: dict[str, Any], report: FuzzReport, target: str, caller: str
) -> None:
    if target == "router":
        url, headers = f"{stack.router_url}/graphql", {}
    else:
        url, headers = f"{stack.subgraph_url(target)}/graphql", subgraph_headers(stack)
    if caller == "signed-in":
        headers = {**headers, "Authorization": f"Bearer {viewer['access']}"}
    failures_before = len(report.failures)

    fuzz(target, caller, url, headers, report)

    assert sum(n for (t, c, _), n in report.requests.items() if (t, c) == (target, caller)) > 0
    assert report.failures[failures_before:] == []


def test_every_process_is_healthy_and_serves_afterwards(
    stack: Stack, viewer: dict[str, Any]
) -> None:
    for health_url in (
        f"{stack.router_url}/healthcheck",
        f"{stack.router_url}/readiness",
        *(
            f"{stack.subgraph_url(name)}/{path}"
            for name in ("users", "posts")
            for path in ("healthz", "readyz")
        ),
    ):
        assert httpx.get(health_url, timeout=10).status_code == 200, health_url
    variables = {"input": {"title": "After the fuzz"}}
    created = call(stack, "CreatePost", variables, access_token=viewer["access"])
    assert error_codes(created) == [], created
    post_id = created["data"]["createPost"]["id"]
    read = call(stack, "Post", {"id": post_id}, access_token=viewer["access"])
    assert error_codes(read) == [], read
    assert read["data"]["post"]["title"] == "After the fuzz"
    assert read["data"]["post"]["author"]["email"] == viewer["user"]["email"]
