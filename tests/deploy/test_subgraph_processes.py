"""Each subgraph, started exactly as its container starts, behaves as production needs.

For each service this replays, outside Docker: the image build's `collectstatic` RUN line, the
compose `<service>-migrate` command, then the image's CMD (subgraph_kit/container/serve.sh)
with the image's ENV and compose's environment (DEBUG off, the operator's secrets, PostgreSQL).
Only what cannot be the same on this machine differs: the database (a fresh one on the server
DATABASE_URL names), HOST=127.0.0.1, a free PORT, STATIC_ROOT in a temporary folder, and the
users JWKS URL. Everything a request checks here goes through real HTTP.

The router then runs with its image's command and compose's environment (the modules the image
copies and the supergraph compose mounts, from the repository) in front of both, to check the
wiring between them: the shared secret, the subgraph URLs and the JWKS.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from scripts.subgraphs import router_node_dir
from subgraph_kit.keys import generate_private_key_pem
from subgraph_kit.router_secret import ROUTER_SECRET_HEADER
from subgraph_kit.testing import mint_token
from tests.deploy.specs import (
    REPO_ROOT,
    SUBGRAPHS,
    Dockerfile,
    bind_mounts,
    compose,
    service_environment,
    subgraph_dockerfile,
)
from tests.deploy.subgraph_environment import (
    build_step_environment,
    host_environment,
    operator_dotenv,
    replay,
    subgraph_process_environment,
)
from tests.support.reporting import call_failed
from tests.support.stack import Databases, ServiceProcess, free_port

pytestmark = pytest.mark.skipif(
    not Databases(Path()).uses_postgres,
    reason="set DATABASE_URL to a PostgreSQL server URL (postgres://USER@HOST:PORT/DB): the "
    "containers run on PostgreSQL, and so does this test (CI always sets it)",
)

SERVICE_SDL = "{ _service { sdl } }"
ENTITIES = (
    "query ($representations: [_Any!]!) "
    "{ _entities(representations: $representations) { __typename } }"
)
INTERNALS = ("Traceback", 'File "', "KeyError", "psycopg", "django.", "SELECT ", "site-packages")


@dataclass
class RunningSubgraph:
    name: str
    dockerfile: Dockerfile
    environment: dict[str, str]
    static_root: Path
    process: ServiceProcess

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.environment['PORT']}"

    @property
    def router_headers(self) -> dict[str, str]:
        return {ROUTER_SECRET_HEADER: self.environment["ROUTER_SHARED_SECRET"]}

    def graphql(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        return httpx.post(
            f"{self.url}/graphql",
            json={"query": query, "variables": variables or {}},
            headers=headers or {},
            timeout=30,
        )


def prepare_and_start(
    service: str, *, work_dir: Path, databases: Databases, users_url: str, port: int
) -> RunningSubgraph:
    dockerfile = subgraph_dockerfile(service)
    workdir = dockerfile.repo_path(dockerfile.workdir)
    static_root = work_dir / f"{service}-static"
    environment = {
        **subgraph_process_environment(service, operator_dotenv()),
        "DATABASE_URL": databases.create(service),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "STATIC_ROOT": str(static_root),
    }
    if "JWT_JWKS_URL" in environment:
        environment["JWT_JWKS_URL"] = f"{users_url}/.well-known/jwks.json"

    collectstatic = dockerfile.run("collectstatic")
    replay(
        ["sh", "-c", collectstatic.arguments],
        cwd=workdir,
        env={**build_step_environment(dockerfile, collectstatic), "STATIC_ROOT": str(static_root)},
    )
    replay(compose()["services"][f"{service}-migrate"]["command"], cwd=workdir, env=environment)
    process = ServiceProcess(
        name=service,
        command=dockerfile.host_command(dockerfile.command),
        cwd=workdir,
        env=environment,
        health_url=f"http://127.0.0.1:{port}/readyz",
        log_path=work_dir / f"{service}.log",
    )
    running = RunningSubgraph(service, dockerfile, environment, static_root, process)
    process.start()
    return running


@pytest.fixture(scope="module")
def subgraphs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, RunningSubgraph]]:
    work_dir = tmp_path_factory.mktemp("subgraph-processes")
    databases = Databases(work_dir)
    ports = {service: free_port() for service in SUBGRAPHS}
    running: dict[str, RunningSubgraph] = {}
    try:
        for service in SUBGRAPHS:
            running[service] = prepare_and_start(
                service,
                work_dir=work_dir,
                databases=databases,
                users_url=f"http://127.0.0.1:{ports['users']}",
                port=ports[service],
            )
        for subgraph in running.values():
            subgraph.process.wait_until_healthy()
        yield running
    finally:
        for subgraph in running.values():
            subgraph.process.stop()
        databases.drop_all()


@pytest.fixture(params=SUBGRAPHS)
def subgraph(request: pytest.FixtureRequest, subgraphs) -> Iterator[RunningSubgraph]:
    running = subgraphs[request.param]
    yield running
    if call_failed(request):
        print(f"----- {running.name} log -----\n{running.process.log_tail()}")


def entity_representation(subgraph: RunningSubgraph) -> dict[str, str]:
    """A representation of an entity this subgraph resolves, with an id no row has."""
    sdl = subgraph.graphql(SERVICE_SDL, headers=subgraph.router_headers).json()
    entity = re.search(r'type (\w+) @key\(fields: "id"', sdl["data"]["_service"]["sdl"])
    assert entity, "the subgraph declares no entity keyed by id"
    return {"__typename": entity[1], "id": str(uuid.uuid4())}


def test_health_endpoints_answer_without_the_router_secret(subgraph):
    healthz = httpx.get(f"{subgraph.url}/healthz", timeout=5)
    readyz = httpx.get(f"{subgraph.url}/readyz", timeout=5)
    assert (healthz.status_code, healthz.json()) == (200, {"status": "ok"})
    assert (readyz.status_code, readyz.json()["database"]) == (200, "ok")


def test_the_image_and_compose_health_checks_pass_and_can_fail(subgraph):
    compose_probe = compose()["services"][subgraph.name]["healthcheck"]["test"][1:]
    for probe in (subgraph.dockerfile.healthcheck, compose_probe):
        command = subgraph.dockerfile.host_command(probe)
        passing = subprocess.run(command, env=subgraph.environment, timeout=15)
        nothing_listening = {**subgraph.environment, "PORT": str(free_port())}
        failing = subprocess.run(command, env=nothing_listening, capture_output=True, timeout=15)
        assert (passing.returncode, failing.returncode) == (0, 1)


def test_runs_the_configured_number_of_uvicorn_workers(subgraph):
    workers = int(subgraph.environment["WEB_CONCURRENCY"])
    deadline = time.monotonic() + 20
    started = 0
    while time.monotonic() < deadline:
        started = subgraph.process.log_tail(lines=500).count("Started server process")
        if started >= workers:
            break
        time.sleep(0.2)
    assert started == workers


def test_direct_calls_without_the_router_secret_are_refused(subgraph):
    representation = entity_representation(subgraph)
    for headers in ({}, {ROUTER_SECRET_HEADER: "not-the-secret"}):
        for query, variables in (
            (SERVICE_SDL, None),
            (ENTITIES, {"representations": [representation]}),
        ):
            response = subgraph.graphql(query, variables, headers=headers)
            assert response.status_code == 403
            assert response.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_router_calls_are_answered(subgraph):
    sdl = subgraph.graphql(SERVICE_SDL, headers=subgraph.router_headers)
    assert sdl.status_code == 200
    assert "https://specs.apollo.dev/federation/v2" in sdl.json()["data"]["_service"]["sdl"]
    entities = subgraph.graphql(
        ENTITIES,
        {"representations": [entity_representation(subgraph)]},
        headers=subgraph.router_headers,
    )
    assert entities.status_code == 200
    assert "_entities" in entities.json()["data"]


def test_errors_reveal_no_internals(subgraph):
    malformed = subgraph.graphql("{ _service { sdl ", headers=subgraph.router_headers)
    bad_id = subgraph.graphql(
        ENTITIES,
        {"representations": [{**entity_representation(subgraph), "id": "not-a-uuid"}]},
        headers=subgraph.router_headers,
    )
    not_an_entity = subgraph.graphql(
        ENTITIES,
        {"representations": [{"__typename": "NoSuchType", "id": "1"}]},
        headers=subgraph.router_headers,
    )
    for response in (malformed, bad_id, not_an_entity):
        assert response.json()["errors"], response.text
        for internal in INTERNALS:
            assert internal not in response.text, (internal, response.text)
    assert bad_id.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    # An unknown __typename is the caller's mistake, said so without naming the schema's types
    # (Strawberry alone would fail with a KeyError).
    assert not_an_entity.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_admin_static_files_are_served_with_hashed_names(subgraph):
    manifest = json.loads((subgraph.static_root / "staticfiles.json").read_text())
    hashed_css = manifest["paths"]["admin/css/base.css"]
    assert hashed_css != "admin/css/base.css"
    stylesheet = httpx.get(f"{subgraph.url}/static/{hashed_css}", timeout=5)
    assert stylesheet.status_code == 200
    assert stylesheet.headers["content-type"].startswith("text/css")
    assert "immutable" in stylesheet.headers["cache-control"]
    login = httpx.get(f"{subgraph.url}/admin/login/", timeout=5)
    assert login.status_code == 200
    assert f"/static/{hashed_css}" in login.text


def test_graphql_get_serves_no_graphiql(subgraph):
    for headers in ({}, subgraph.router_headers):
        page = httpx.get(
            f"{subgraph.url}/graphql", headers={"Accept": "text/html", **headers}, timeout=5
        )
        assert page.status_code != 200
        assert "graphiql" not in page.text.lower()


def test_debug_is_off(subgraph):
    missing = httpx.get(f"{subgraph.url}/no-such-page", headers=subgraph.router_headers, timeout=5)
    assert missing.status_code == 404
    assert "URLconf" not in missing.text
    assert subgraph.environment["DEBUG"] == "false"


def test_posts_verifies_tokens_with_the_users_jwks(subgraphs):
    # compose.yaml gives posts no public key, only users' JWKS URL: fetched over HTTP, without
    # the router secret, on the first token.
    posts = subgraphs["posts"]
    private_key = operator_dotenv()["JWT_PRIVATE_KEY"]
    for signing_key, accepted in ((private_key, True), (generate_private_key_pem(), False)):
        access_token = mint_token(signing_key=signing_key, user_id=uuid.uuid4())
        response = posts.graphql(
            "{ myPosts { totalCount } }",
            headers={**posts.router_headers, "Authorization": f"Bearer {access_token}"},
        )
        assert response.status_code == 200
        body = response.json()
        if accepted:
            assert body == {"data": {"myPosts": {"totalCount": 0}}}
        else:
            assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.fixture(scope="module")
def router(subgraphs, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceProcess]:
    """The router as compose runs it, with this machine's ports and subgraph addresses."""
    if not (REPO_ROOT / "router" / "node_modules").exists():
        pytest.skip("router dependencies are not installed (make install)")
    mounts = bind_mounts("router")
    router_dockerfile = Dockerfile(REPO_ROOT / "router" / "Dockerfile")
    environment = service_environment("router", operator_dotenv())
    # A variable naming a file compose mounts (the supergraph, the trusted-documents manifest)
    # names the repository file here.
    environment = {
        name: str(mounts[value]) if value in mounts else value
        for name, value in environment.items()
    }
    port = free_port()
    environment.update(
        {
            "ROUTER_HOST": "127.0.0.1",
            "ROUTER_PORT": str(port),
            "USERS_SUBGRAPH_URL": f"{subgraphs['users'].url}/graphql",
            "POSTS_SUBGRAPH_URL": f"{subgraphs['posts'].url}/graphql",
            "JWT_JWKS_URL": f"{subgraphs['users'].url}/.well-known/jwks.json",
        }
    )
    router = ServiceProcess(
        name="router",
        # The image's command under dumb-init: `node server.ts`, run from the folder the image
        # copies server.ts from (/gateway, the base image's working directory).
        command=router_dockerfile.command[1:],
        cwd=router_dockerfile.repo_path("/gateway/server.ts").parent,
        # The image's Node major, found first on PATH.
        env={
            **host_environment(),
            **environment,
            "PATH": f"{router_node_dir()}{os.pathsep}{host_environment()['PATH']}",
        },
        health_url=f"http://127.0.0.1:{port}/readiness",
        log_path=tmp_path_factory.mktemp("router") / "router.log",
    )
    router.start()
    try:
        router.wait_until_healthy()
        yield router
    finally:
        router.stop()


@pytest.fixture(scope="module")
def router_url(router: ServiceProcess) -> str:
    return f"http://127.0.0.1:{router.env['ROUTER_PORT']}"


def test_the_router_reaches_both_subgraphs_with_the_compose_wiring(router_url):
    # Users signs the token with the operator's key; the router and posts verify it through
    # users' JWKS; each subgraph answers only because the router sends the shared secret.
    def through_router(query: str, variables: dict | None = None, **headers: str) -> httpx.Response:
        return httpx.post(
            f"{router_url}/graphql",
            json={"query": query, "variables": variables or {}},
            headers=headers,
            timeout=30,
        )

    email = f"deploy-{uuid.uuid4().hex[:12]}@example.com"
    signup = through_router(
        "mutation ($input: SignupInput!) { signup(input: $input) { access } }",
        {"input": {"email": email, "password": "correct horse battery staple"}},
    ).json()
    assert "errors" not in signup, signup
    bearer = f"Bearer {signup['data']['signup']['access']}"
    created = through_router(
        "mutation ($input: CreatePostInput!) { createPost(input: $input) { id } }",
        {"input": {"title": "Deployed"}},
        Authorization=bearer,
    ).json()
    assert "errors" not in created, created
    mine = through_router(
        "{ myPosts { edges { node { title author { email } } } } }", Authorization=bearer
    ).json()
    assert mine == {
        "data": {
            "myPosts": {"edges": [{"node": {"title": "Deployed", "author": {"email": email}}}]}
        }
    }
    forged = mint_token(signing_key=generate_private_key_pem(), user_id=uuid.uuid4())
    refused = through_router("{ myPosts { totalCount } }", Authorization=f"Bearer {forged}")
    assert refused.status_code == 401


def test_every_log_line_is_a_json_object(subgraphs, router, router_url):
    # Last in the file: by now every process has started, served requests through the router and
    # refused some. A log collector parses each line; one plain-text line (uvicorn's supervisor,
    # a lifespan notice, Node's deprecation warning) would arrive as an unparsed blob.
    httpx.post(f"{router_url}/graphql", json={"query": "{ __typename }"}, timeout=30)
    logs = {name: running.process.log_path for name, running in subgraphs.items()}
    logs["router"] = router.log_path
    for name, log_path in logs.items():
        lines = [line for line in log_path.read_text().splitlines() if line.strip()]
        assert lines, name
        not_json = [line for line in lines if not isinstance(parsed_or_none(line), dict)]
        assert not_json == [], (name, not_json[:5])
    for name in subgraphs:
        messages = [json.loads(line)["message"] for line in logs[name].read_text().splitlines()]
        # The supervisor's own lines, written before any worker loads Django's logging.
        assert any(message.startswith("Started parent process") for message in messages), name
        assert not any("lifespan" in message for message in messages), name


def parsed_or_none(line: str) -> Any:
    try:
        return json.loads(line)
    except ValueError:
        return None


def test_the_users_task_worker_reaches_posts_with_the_compose_wiring(subgraphs):
    # compose's users-worker: the users image and environment, `task_worker` instead of uvicorn.
    # A queued purge reaches posts' internal endpoint with the router secret; posts records it.
    users, posts = subgraphs["users"], subgraphs["posts"]
    workdir = users.dockerfile.repo_path(users.dockerfile.workdir)
    environment = {**users.environment, "POSTS_INTERNAL_URL": posts.url}
    deleted_user_id = uuid.uuid4()
    replay(
        [
            "python",
            "manage.py",
            "shell",
            "-c",
            "from accounts.tasks import posts_of_deleted_user_purge as purge; "
            f"purge.enqueue(user_id='{deleted_user_id}')",
        ],
        cwd=workdir,
        env=environment,
    )

    worker_command = compose()["services"]["users-worker"]["command"]
    replay([*worker_command, "--batch", "--no-startup-delay"], cwd=workdir, env=environment)

    recorded = subprocess.run(
        [
            "python",
            "manage.py",
            "shell",
            "-c",
            "from posts.models import DeletedUser; "
            f"print(DeletedUser.objects.filter(user_id='{deleted_user_id}').exists())",
        ],
        cwd=posts.dockerfile.repo_path(posts.dockerfile.workdir),
        env=posts.environment,
        capture_output=True,
        text=True,
        check=True,
    )
    assert recorded.stdout.splitlines()[-1] == "True"
