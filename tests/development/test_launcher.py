"""`make up`'s launcher (scripts/up.py): the processes it builds from subgraphs.toml, their ports,
the URLs derived from the ports, and the development file's place in their environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.announce_ready import readiness_checks
from scripts.subgraphs import MANIFEST, load
from scripts.up import Process, processes

MOVED_PORTS = {"ROUTER_PORT": "5100", "USERS_PORT": "5101", "POSTS_PORT": "5102"}


@pytest.fixture
def no_dev_file(tmp_path: Path) -> dict[str, str]:
    return {"ENV_FILE": str(tmp_path / "absent")}


def by_name(planned: list[Process]) -> dict[str, Process]:
    return {process.name: process for process in planned}


def port_argument(process: Process) -> str:
    return process.command[process.command.index("--port") + 1]


def test_default_ports_are_the_manifests(no_dev_file: dict[str, str]) -> None:
    planned = by_name(processes(load(), no_dev_file))
    assert list(planned) == ["users", "posts", "users-worker", "router", "ready"]
    assert port_argument(planned["users"]) == "4001"
    assert port_argument(planned["posts"]) == "4002"
    router_env = planned["router"].env
    assert router_env["ROUTER_PORT"] == "4000"
    assert router_env["USERS_SUBGRAPH_URL"] == "http://127.0.0.1:4001/graphql"
    assert router_env["POSTS_SUBGRAPH_URL"] == "http://127.0.0.1:4002/graphql"
    assert router_env["ROUTER_DEVELOPMENT"] == "true"
    worker = planned["users-worker"]
    assert worker.command[1:] == ["manage.py", "task_worker", "--no-reload"]
    assert worker.cwd.name == "users_subgraph"
    assert worker.env["DJANGO_SETTINGS_MODULE"] == "users_subgraph.settings"
    # users' deleteAccount and its worker call posts' internal endpoints directly.
    for name in ("users", "users-worker"):
        assert planned[name].env["POSTS_INTERNAL_URL"] == "http://127.0.0.1:4002"


def test_one_variable_moves_each_port_and_every_url_follows(no_dev_file: dict[str, str]) -> None:
    # Stale URLs in the environment must not send the router to ports nothing listens on.
    environ = {
        **no_dev_file,
        **MOVED_PORTS,
        "USERS_SUBGRAPH_URL": "http://127.0.0.1:4001/graphql",
        "JWT_JWKS_URL": "http://127.0.0.1:4001/.well-known/jwks.json",
    }
    planned = by_name(processes(load(), environ))

    assert port_argument(planned["users"]) == "5101"
    assert port_argument(planned["posts"]) == "5102"
    for process in planned.values():
        assert process.env["ROUTER_PORT"] == "5100", process.name
        assert process.env["USERS_SUBGRAPH_URL"] == "http://127.0.0.1:5101/graphql"
        assert process.env["POSTS_SUBGRAPH_URL"] == "http://127.0.0.1:5102/graphql"
        # posts (without JWT_PUBLIC_KEY) and the router fetch the users keys here.
        assert process.env["JWT_JWKS_URL"] == "http://127.0.0.1:5101/.well-known/jwks.json"
        assert process.env["POSTS_INTERNAL_URL"] == "http://127.0.0.1:5102"
    assert readiness_checks(load(), planned["ready"].env) == {
        "users": "http://127.0.0.1:5101/readyz",
        "posts": "http://127.0.0.1:5102/readyz",
        "router": "http://127.0.0.1:5100/readiness",
    }


def test_a_port_that_is_not_a_number_is_refused_by_name(no_dev_file: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="POSTS_PORT must be a TCP port number"):
        processes(load(), {**no_dev_file, "POSTS_PORT": "42O2"})


def test_the_development_file_completes_the_environment_and_never_overrides_it(
    tmp_path: Path,
) -> None:
    dev_file = tmp_path / "dev.env"
    dev_file.write_text("DEBUG=true\nLOG_LEVEL=DEBUG\nSECRET_KEY=from-the-file\n")
    environ = {"ENV_FILE": str(dev_file), "LOG_LEVEL": "WARNING"}
    for process in processes(load(), environ):
        assert process.env["DEBUG"] == "true", process.name
        assert process.env["SECRET_KEY"] == "from-the-file"
        assert process.env["LOG_LEVEL"] == "WARNING"
        # The subgraphs' settings read the same file (subgraph_kit.settings.load_environment).
        assert process.env["ENV_FILE"] == str(dev_file)


def test_a_subgraph_added_to_the_manifest_is_started_and_routed_to(
    tmp_path: Path, no_dev_file: dict[str, str]
) -> None:
    manifest_file = tmp_path / "subgraphs.toml"
    manifest_file.write_text(
        MANIFEST.read_text() + "\n[[subgraphs]]\n"
        'name = "comments"\nfolder = "comments_subgraph"\nport = 4003\n'
        'port_variable = "COMMENTS_PORT"\n'
        'settings_module = "comments_subgraph.settings"\n'
        'asgi_app = "comments_subgraph.asgi:application"\nissues_tokens = false\n'
    )
    manifest = load(manifest_file)
    planned = by_name(processes(manifest, {**no_dev_file, "COMMENTS_PORT": "5103"}))

    comments = planned["comments"]
    assert comments.cwd.name == "comments_subgraph"
    assert "comments_subgraph.asgi:application" in comments.command
    assert port_argument(comments) == "5103"
    assert comments.env["DJANGO_SETTINGS_MODULE"] == "comments_subgraph.settings"
    assert planned["router"].env["COMMENTS_SUBGRAPH_URL"] == "http://127.0.0.1:5103/graphql"
    assert readiness_checks(manifest, planned["ready"].env)["comments"] == (
        "http://127.0.0.1:5103/readyz"
    )


def test_exactly_one_subgraph_issues_tokens(tmp_path: Path) -> None:
    manifest_file = tmp_path / "subgraphs.toml"
    manifest_file.write_text(
        MANIFEST.read_text().replace("issues_tokens = false", "issues_tokens = true")
    )
    with pytest.raises(ValueError, match="exactly one subgraph issues tokens"):
        load(manifest_file)
