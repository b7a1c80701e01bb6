"""compose.yaml as a user runs it, checked from the host through the router only.

The tests run in file order on one compose project (conftest.py): a user's journey, what is
published, the router's secret on the backend network, the subgraphs' user and group ids,
scaling posts from the env file and losing a replica, rotating the router's secret, rotating a
database password (only that subgraph recreated), PostgreSQL restarted and killed under writes,
every log line JSON, and last a clean `docker compose down`.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from tests.compose.conftest import STEPS
from tests.compose.stack import ComposeProject, run
from tests.support.client import PASSWORD, error_codes

SUBGRAPH_SERVICES = ("users", "posts")


def signup(project: ComposeProject) -> dict[str, Any]:
    email = f"compose-{uuid.uuid4().hex[:12]}@example.com"
    body = project.graphql("Signup", {"input": {"email": email, "password": PASSWORD}})
    assert "errors" not in body, body
    return body["data"]["signup"]


def create_post(project: ComposeProject, access_token: str, title: str) -> dict[str, Any]:
    body = project.graphql("CreatePost", {"input": {"title": title}}, access_token=access_token)
    assert "errors" not in body, body
    return body["data"]["createPost"]


def my_post_ids(project: ComposeProject, access_token: str) -> set[str]:
    """Every post of the viewer, page by page (100 is the largest page)."""
    ids: set[str] = set()
    after = None
    while True:
        body = project.graphql("MyPosts", {"first": 100, "after": after}, access_token=access_token)
        assert "errors" not in body, body
        page = body["data"]["myPosts"]
        ids.update(edge["node"]["id"] for edge in page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            return ids
        after = page["pageInfo"]["endCursor"]


def create_posts_served(container: str) -> int:
    """createPost requests in a subgraph container's request log (one JSON line per request)."""
    logs = subprocess.run(
        ["docker", "logs", container], capture_output=True, text=True, check=True, timeout=60
    )
    # Both streams: where a log line goes depends on the logging configuration.
    return sum("{createPost}" in line for line in (logs.stdout + logs.stderr).splitlines())


def test_signup_login_post_and_read_back_through_the_router(project: ComposeProject) -> None:
    with STEPS.step("journey: signup, login, createPost, myPosts with author, me"):
        account = signup(project)
        email = account["user"]["email"]
        login = project.graphql("Login", {"input": {"email": email, "password": PASSWORD}})
        assert "errors" not in login, login
        access_token = login["data"]["login"]["access"]

        post = create_post(project, access_token, "Written through compose")

        body = project.graphql("MyPosts", access_token=access_token)
        assert "errors" not in body, body
        [edge] = body["data"]["myPosts"]["edges"]
        assert edge["node"]["id"] == post["id"]
        # The author comes from the users subgraph: the router joined two services.
        assert edge["node"]["author"] == {"id": account["user"]["id"], "email": email}

        me = project.graphql("Me", access_token=access_token)
        assert "errors" not in me, me
        assert me["data"]["me"]["email"] == email


def test_only_the_router_is_published_on_loopback(project: ComposeProject) -> None:
    with STEPS.step("published ports: the router on 127.0.0.1 only"):
        published: dict[str, set[tuple[str, int]]] = {}
        for container in project.containers():
            published.setdefault(container["Service"], set()).update(
                (publisher["URL"], publisher["PublishedPort"])
                for publisher in container.get("Publishers") or []
                if publisher.get("PublishedPort")
            )
        assert {"postgres", *SUBGRAPH_SERVICES, "router"} <= published.keys(), published
        assert published.pop("router") == {("127.0.0.1", project.router_port)}
        assert all(not ports for ports in published.values()), published


@pytest.mark.parametrize("service", SUBGRAPH_SERVICES)
def test_subgraph_refuses_a_request_without_the_router_secret(
    project: ComposeProject, service: str
) -> None:
    with STEPS.step(f"{service}: refuses a request without the router's secret (backend network)"):
        secret = project.env("ROUTER_SHARED_SECRET")

        def status_from_router_container(*headers: str) -> str:
            # The router's container sits on the backend network, where the subgraphs listen.
            command = ["exec", "-T", "router", "curl", "--silent", "--output", "/dev/null"]
            command += ["--write-out", "%{http_code}", "--max-time", "10"]
            for header in ("Content-Type: application/json", *headers):
                command += ["--header", header]
            command += ["--data", json.dumps({"query": "{ _service { sdl } }"})]
            return project.compose(*command, f"http://{service}:8000/graphql")

        assert status_from_router_container() == "403"
        assert status_from_router_container("X-Router-Secret: wrong") == "403"
        # The same request with the secret is answered: the refusal is the secret's doing.
        assert status_from_router_container(f"X-Router-Secret: {secret}") == "200"


@pytest.mark.parametrize("service", SUBGRAPH_SERVICES)
def test_subgraph_runs_as_app_with_one_id_for_user_and_group(
    project: ComposeProject, service: str
) -> None:
    with STEPS.step(f"{service}: runs as app, uid and gid 10001"):
        identity = project.compose("exec", "-T", service, "id").strip()
        assert identity.startswith("uid=10001(app) gid=10001(app)"), identity


def test_posts_scales_and_survives_the_loss_of_a_replica(project: ComposeProject) -> None:
    account = signup(project)
    access_token = account["access"]
    with STEPS.step("scale: POSTS_REPLICAS=3 in the env file, up -d --wait"):
        project.set_env(POSTS_REPLICAS="3")
        project.compose("up", "--detach", "--wait", timeout=300)
        replicas = project.containers("posts")
        assert len(replicas) == 3, replicas
        assert all(replica["Health"] == "healthy" for replica in replicas), replicas
    with STEPS.step("scale: a second plain up -d keeps the 3 replicas"):
        project.compose("up", "--detach", "--wait", timeout=300)
        assert {c["Name"] for c in project.containers("posts")} == {r["Name"] for r in replicas}

    with STEPS.step("scale: 30 writes with 3 replicas"):
        written = {create_post(project, access_token, f"scaled {n}")["id"] for n in range(30)}

    # The replica the router used most (by its request log) is the one lost.
    served = {replica["Name"]: create_posts_served(replica["Name"]) for replica in replicas}
    lost = max(served, key=served.__getitem__)
    assert served[lost] > 0, served
    print(f"createPost requests per replica: {served}; killing {lost}")
    with STEPS.step("scale: the replica in use killed, 30 more writes"):
        run(["docker", "kill", lost])
        after_loss = {create_post(project, access_token, f"one lost {n}")["id"] for n in range(30)}
    assert my_post_ids(project, access_token) == written | after_loss

    with STEPS.step("scale: POSTS_REPLICAS=1, back to one replica"):
        project.set_env(POSTS_REPLICAS="1")
        project.compose("up", "--detach", "--wait", timeout=300)
        assert len(project.containers("posts")) == 1


def subgraph_status_with_secret(project: ComposeProject, service: str, secret: str) -> str:
    """The HTTP status a subgraph answers a request carrying `secret`, from the backend network."""
    command = ["exec", "-T", "router", "curl", "--silent", "--output", "/dev/null"]
    command += ["--write-out", "%{http_code}", "--max-time", "10"]
    command += ["--header", "Content-Type: application/json"]
    command += ["--header", f"X-Router-Secret: {secret}"]
    command += ["--data", json.dumps({"query": "{ _service { sdl } }"})]
    return project.compose(*command, f"http://{service}:8000/graphql")


@dataclass
class UsersProbe:
    """`me` (answered by users) through the router every 0.2 s until stopped, with outcomes."""

    project: ComposeProject
    access_token: str
    outcomes: list[tuple[float, list[str | None] | None]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def _probe(self) -> None:
        with httpx.Client() as client:
            while not self.stop.wait(0.2):
                try:
                    body = self.project.graphql("Me", access_token=self.access_token, client=client)
                    codes = error_codes(body) if body.get("errors") else None
                except (AssertionError, httpx.HTTPError):
                    codes = ["no GraphQL answer"]
                self.outcomes.append((time.monotonic(), codes))

    def longest_outage_seconds(self) -> float:
        longest, started = 0.0, None
        for at, codes in self.outcomes:
            if codes is None:
                started = None
            else:
                started = at if started is None else started
                longest = max(longest, at - started)
        return longest

    def __enter__(self) -> UsersProbe:
        self.thread = threading.Thread(target=self._probe, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop.set()
        self.thread.join(timeout=60)


def test_router_secret_rotation_keeps_the_router_answered(project: ComposeProject) -> None:
    # docs/deploy.md, "Rotating the router's secret": subgraphs (and the users worker, which
    # calls posts with the secret) first with both, then the router, then the previous one
    # dropped. After each step a journey through the router still works.
    account = signup(project)
    old_secret = project.env("ROUTER_SHARED_SECRET")
    new_secret = f"rotated-{uuid.uuid4().hex}"

    def recreate(*services: str) -> None:
        project.compose("up", "--detach", "--wait", "--no-deps", *services, timeout=300)

    with STEPS.step("secret rotation: subgraphs take the new secret, keep the old as previous"):
        project.set_env(ROUTER_SHARED_SECRET=new_secret, ROUTER_SHARED_SECRET_PREVIOUS=old_secret)
        with UsersProbe(project, account["access"]) as probe:
            recreate(*SUBGRAPH_SERVICES, "users-worker")
            time.sleep(1)
        # The router, not recreated, still sends the old secret: still answered.
        create_post(project, account["access"], "during the rotation")
    # Recreating the one users container is an outage (docs/deploy.md says how long), but never
    # a refusal of the router's secret.
    failures = [codes for _, codes in probe.outcomes if codes is not None]
    print(f"users recreated: longest outage {probe.longest_outage_seconds():.1f} s, {failures[:3]}")
    assert probe.outcomes, "the probe never ran"
    assert probe.outcomes[-1][1] is None, probe.outcomes[-5:]
    assert all("FORBIDDEN" not in codes for codes in failures), failures
    # Every answer meanwhile is a GraphQL body whose errors carry a code (the router reports
    # users as unreachable: DOWNSTREAM_SERVICE_ERROR), never a bare 5xx or no answer.
    assert all(codes and None not in codes for codes in failures), failures
    assert all("no GraphQL answer" not in codes for codes in failures), failures
    with STEPS.step("secret rotation: the router recreated with the new secret"):
        recreate("router")
        create_post(project, account["access"], "router rotated")
    with STEPS.step("secret rotation: previous dropped, the old secret refused"):
        project.set_env(ROUTER_SHARED_SECRET_PREVIOUS="")
        recreate(*SUBGRAPH_SERVICES, "users-worker")
        create_post(project, account["access"], "rotation done")
        for service in SUBGRAPH_SERVICES:
            assert subgraph_status_with_secret(project, service, old_secret) == "403"
            assert subgraph_status_with_secret(project, service, new_secret) == "200"


def database_login_works(project: ComposeProject, role: str, password: str) -> bool:
    """Whether `role` logs in with `password`, over the network as the subgraphs connect (not
    over loopback, which the image's default pg_hba.conf trusts without a password)."""
    url = f"postgresql://{role}:{password}@postgres:5432/{role}"
    command = project.command("exec", "-T", "postgres", "psql", url, "-tAc", "SELECT 1")
    environment = {**os.environ, **project.overrides}
    return subprocess.run(command, capture_output=True, env=environment, timeout=60).returncode == 0


def test_database_password_rotation_recreates_only_that_subgraph(project: ComposeProject) -> None:
    # docs/deploy.md, "Database passwords": a new USERS_DB_PASSWORD in .env, then `up -d`.
    account = signup(project)
    before = {c["Service"]: c["ID"] for c in project.containers()}
    old_password = project.env("USERS_DB_PASSWORD")
    new_password = f"rotated-{uuid.uuid4().hex}"
    with STEPS.step("database password: new USERS_DB_PASSWORD, plain up -d --wait"):
        project.set_env(USERS_DB_PASSWORD=new_password)
        project.compose("up", "--detach", "--wait", timeout=300)
    after = {c["Service"]: c["ID"] for c in project.containers()}
    recreated = {service for service in before if before[service] != after.get(service)}
    # The users worker shares the users settings (its database URL too): recreated with it.
    assert recreated == {"users", "users-worker"}, (before, after)
    assert database_login_works(project, "users", new_password)
    assert not database_login_works(project, "users", old_password)
    login = project.graphql(
        "Login", {"input": {"email": account["user"]["email"], "password": PASSWORD}}
    )
    assert "errors" not in login, login
    create_post(project, login["data"]["login"]["access"], "after the password rotation")


@dataclass
class WritesInFlight:
    """Writers creating posts through the router until stopped; they keep what was acknowledged."""

    project: ComposeProject
    access_token: str
    writers: int = 4
    acknowledged: list[tuple[float, str]] = field(default_factory=list)
    refused: list[list[str | None]] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _write(self, writer: int) -> None:
        with httpx.Client() as client:
            sequence = 0
            while not self.stop.is_set():
                sequence += 1
                try:
                    body = self.project.graphql(
                        "CreatePost",
                        {"input": {"title": f"in flight {writer}-{sequence}"}},
                        access_token=self.access_token,
                        client=client,
                    )
                except (AssertionError, httpx.HTTPError) as error:
                    # Not a GraphQL answer: a non-200 status or no response at all.
                    with self.lock:
                        self.failed.append(f"{type(error).__name__}: {error}")
                    continue
                with self.lock:
                    if body.get("errors"):
                        self.refused.append(error_codes(body))
                    else:
                        self.acknowledged.append(
                            (time.monotonic(), body["data"]["createPost"]["id"])
                        )

    def __enter__(self) -> WritesInFlight:
        self.threads = [
            threading.Thread(target=self._write, args=(writer,), daemon=True)
            for writer in range(self.writers)
        ]
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)


@pytest.mark.parametrize("outage", ["restart", "kill"])
def test_postgres_outage_loses_no_acknowledged_write(project: ComposeProject, outage: str) -> None:
    account = signup(project)
    with WritesInFlight(project, account["access"]) as writes:
        time.sleep(3)
        with STEPS.step(f"postgres {outage} with 4 writers in flight"):
            if outage == "restart":
                project.compose("restart", "postgres", timeout=120)
            else:
                project.compose("kill", "--signal", "SIGKILL", "postgres")
                project.compose("start", "postgres")
            project.wait_healthy("postgres")
            back = time.monotonic()
        # Service resumes: writes are acknowledged again once the database is back.
        deadline = back + 60
        while time.monotonic() < deadline and not any(t > back + 2 for t, _ in writes.acknowledged):
            time.sleep(0.5)
    acknowledged = {post_id for _, post_id in writes.acknowledged}
    print(f"{outage}: {len(acknowledged)} writes acknowledged, {len(writes.refused)} refused")
    assert writes.failed == []
    assert any(t > back + 2 for t, _ in writes.acknowledged), (
        "no write acknowledged after the outage"
    )
    # A refused write is a GraphQL error a client can branch on, never an anonymous failure.
    assert all(codes and all(codes) for codes in writes.refused), writes.refused

    with STEPS.step(f"postgres {outage}: {len(acknowledged)} acknowledged writes read back"):
        assert acknowledged <= my_post_ids(project, account["access"])


def test_every_log_line_of_the_long_running_services_is_json(project: ComposeProject) -> None:
    # After start-up, scaling, a secret rotation and database outages: a log collector parses
    # each line, and a plain-text one (uvicorn's supervisor, Node's warnings) arrives unparsed.
    with STEPS.step("logs: every line of users, posts and router is a JSON object"):
        for service in (*SUBGRAPH_SERVICES, "router"):
            logs = project.compose("logs", "--no-color", "--no-log-prefix", service)
            lines = [line for line in logs.splitlines() if line.strip()]
            assert lines, service
            not_json = [line for line in lines if not is_json_object(line)]
            assert not_json == [], (service, len(not_json), not_json[:5])


def is_json_object(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


def test_compose_down_is_clean(project: ComposeProject) -> None:
    running = {container["Name"]: container["Service"] for container in project.containers()}
    with STEPS.step("docker compose stop: every service exits on its own"):
        project.compose("stop", "--timeout", "30", timeout=120)
        exits = {
            name: json.loads(run(["docker", "inspect", "--format", "{{json .State}}", name]))
            for name in running
        }
        assert {name: (state["ExitCode"], state["OOMKilled"]) for name, state in exits.items()} == {
            name: (0, False) for name in running
        }
    with STEPS.step("docker compose down --volumes: nothing of the project left"):
        project.compose("down", "--volumes", "--remove-orphans", "--timeout", "30", timeout=120)
        assert project.resources() == {"containers": [], "networks": [], "volumes": []}
