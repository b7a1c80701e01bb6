"""compose.yaml brings the whole stack up safely, checked by reading it (no Docker engine here).

What `docker compose up` relies on: the services and their start order, health checks, which
ports reach the host, where secrets come from, and the image versions and mounted files.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest

from tests.deploy.specs import (
    ENV_EXAMPLE,
    REPO_ROOT,
    SUBGRAPHS,
    Dockerfile,
    MissingVariableError,
    bind_mounts,
    compose,
    dockerignore_excludes,
    dockerignore_patterns,
    interpolate,
    read_dotenv,
    referenced_variables,
    subgraph_dockerfile,
)
from tests.deploy.subgraph_environment import operator_dotenv

SERVICES = compose()["services"]
ROUTER_PACKAGE = json.loads((REPO_ROOT / "router" / "package.json").read_text())
ROUTER_DOCKERFILE = Dockerfile(REPO_ROOT / "router" / "Dockerfile")
# The router's modules: server.ts (the entry point), gateway.ts and the rest, without unit tests.
ROUTER_MODULES = sorted(
    path
    for path in (REPO_ROOT / "router").glob("**/*.ts")
    if "node_modules" not in path.parts and not path.name.endswith(".test.ts")
)
# A whole value that is one ${NAME} or ${NAME:?message} reference, or ${NAME:-} (empty default).
SECRET_REFERENCE = re.compile(r"^\$\{[A-Z][A-Z0-9_]*(:?\?[^}]*|:-)?\}$")
# postgres://ROLE:${PASSWORD...}@postgres:5432/DATABASE, before interpolation.
DATABASE_URL_TEMPLATE = re.compile(
    r"^postgres://(?P<role>\w+):(?P<password>\$\{[^}]+\})@postgres:5432/(?P<database>\w+)$"
)
# PASSWORD_RESET_* (and RATE_LIMIT_PASSWORD_RESET_*) configure the reset flow: no password.
SECRET_NAME = re.compile(r"SECRET|PASSWORD(?!_RESET)|PRIVATE_KEY")
# Compared with, never bound to: a container listens on all of its own interfaces.
ALL_INTERFACES = "0.0.0.0"  # noqa: S104


def depends_on(service: str) -> dict[str, str]:
    return {
        name: condition["condition"]
        for name, condition in SERVICES[service].get("depends_on", {}).items()
    }


def subgraph_port(service: str) -> str:
    return subgraph_dockerfile(service).env()["PORT"]


def test_the_stack_is_the_database_two_subgraphs_their_roles_migrations_and_the_router():
    # ...and the users task worker (test_the_users_task_worker_runs_the_users_image_and_settings).
    assert set(SERVICES) == {
        "postgres",
        "users",
        "users-db-role",
        "users-migrate",
        "users-worker",
        "posts",
        "posts-db-role",
        "posts-migrate",
        "router",
    }


def test_the_project_is_named_so_its_volume_does_not_depend_on_the_folder():
    # Without `name:`, compose names the project (and so the database volume) after the folder:
    # the same stack checked out elsewhere would start on an empty database.
    assert compose()["name"] == "federated-api"
    assert compose()["volumes"] == {"postgres-data": {}}


def test_only_the_router_publishes_a_port_on_loopback_by_default():
    publishing = {name for name, service in SERVICES.items() if service.get("ports")}
    assert publishing == {"router"}
    [published] = interpolate(SERVICES["router"]["ports"], {})
    assert published == "127.0.0.1:4000:4000"
    exposed = interpolate(SERVICES["router"]["ports"], {"ROUTER_BIND_ADDRESS": ALL_INTERFACES})
    assert exposed == [f"{ALL_INTERFACES}:4000:4000"]


def test_database_and_subgraphs_sit_on_an_internal_network_only():
    networks = compose()["networks"]
    assert networks["backend"]["internal"] is True
    assert not (networks["edge"] or {}).get("internal")
    one_shots = [f"{service}-{step}" for service in SUBGRAPHS for step in ("db-role", "migrate")]
    for name in ("postgres", *SUBGRAPHS, *one_shots):
        assert SERVICES[name]["networks"] == ["backend"], name
    assert set(SERVICES["router"]["networks"]) == {"backend", "edge"}
    # Only the router and the users worker (its mail) have a way out of the backend network.
    for name, service in SERVICES.items():
        if set(service["networks"]) - {"backend"}:
            assert name in {"router", "users-worker"}, name


@pytest.mark.parametrize("service", SUBGRAPHS)
def test_subgraphs_can_be_scaled(service):
    # `--scale posts=3` needs containers without a fixed name or host port.
    assert "container_name" not in SERVICES[service]
    assert "ports" not in SERVICES[service]
    assert "hostname" not in SERVICES[service]


@pytest.mark.parametrize("service", SUBGRAPHS)
def test_replica_counts_come_from_the_environment_so_a_plain_up_keeps_them(service):
    # `--scale` lasts until the next `docker compose up -d`, which would scale back to the
    # file's count: the count lives in .env instead, read on every `up`.
    replicas = f"{service.upper()}_REPLICAS"
    assert read_dotenv(ENV_EXAMPLE)[replicas] == "1"
    for configured in ("1", "3"):
        deploy = interpolate(
            SERVICES[service]["deploy"], {**operator_dotenv(), replicas: configured}
        )
        assert str(deploy["replicas"]) == configured


def test_every_long_running_service_has_a_health_check():
    assert SERVICES["postgres"]["healthcheck"]["test"][1] == "pg_isready"
    # Over TCP: during the init scripts PostgreSQL listens on its socket only.
    assert "127.0.0.1" in SERVICES["postgres"]["healthcheck"]["test"]
    for service in SUBGRAPHS:
        test = SERVICES[service]["healthcheck"]["test"]
        assert test[0] == "CMD"
        assert test[-1] == "/readyz"
        # The same probe the image declares, so `docker run` and compose agree.
        assert test[1:] == subgraph_dockerfile(service).healthcheck
    router_test = SERVICES["router"]["healthcheck"]["test"]
    assert router_test[-1] == "http://127.0.0.1:4000/readiness"


def test_start_order_database_then_roles_then_migrations_then_subgraphs_then_router():
    for service in SUBGRAPHS:
        assert depends_on(f"{service}-db-role") == {"postgres": "service_healthy"}
        assert depends_on(f"{service}-migrate") == {
            f"{service}-db-role": "service_completed_successfully"
        }
        assert depends_on(service) == {f"{service}-migrate": "service_completed_successfully"}
    assert depends_on("router") == {"users": "service_healthy", "posts": "service_healthy"}


def test_the_users_task_worker_runs_the_users_image_and_settings():
    worker = SERVICES["users-worker"]
    assert worker["command"] == ["python", "manage.py", "task_worker", "--no-reload"]
    assert worker["build"] == SERVICES["users"]["build"]
    assert worker["image"] == SERVICES["users"]["image"]
    assert worker["environment"] == SERVICES["users"]["environment"]
    # outbound: the SMTP server is outside the internal-only backend network.
    assert worker["networks"] == ["backend", "outbound"]
    assert not (compose()["networks"]["outbound"] or {}).get("internal")
    assert "ports" not in worker
    # Not the image's health check (/readyz of a server the worker does not run): its heartbeat.
    assert worker["healthcheck"]["test"] == [
        "CMD",
        "python",
        "/opt/subgraph_kit/container/worker_healthcheck.py",
    ]
    assert depends_on("users-worker") == {"users-migrate": "service_completed_successfully"}
    assert worker["restart"] == "unless-stopped"


def test_users_calls_posts_internal_endpoints_by_service_name():
    environment = interpolate(SERVICES["users"]["environment"], operator_dotenv())
    posts = urlsplit(environment["POSTS_INTERNAL_URL"])
    assert (posts.hostname, str(posts.port), posts.path) == ("posts", subgraph_port("posts"), "")


@pytest.mark.parametrize("service", SUBGRAPHS)
def test_migrations_run_once_with_the_service_image_and_settings(service):
    migrate = SERVICES[f"{service}-migrate"]
    assert migrate["command"] == ["python", "manage.py", "migrate", "--no-input"]
    assert migrate["restart"] == "no"
    assert migrate["build"] == SERVICES[service]["build"]
    assert migrate["image"] == SERVICES[service]["image"]
    assert migrate["environment"] == SERVICES[service]["environment"]
    # Every subgraph's image comes from the one subgraph Dockerfile, named by SERVICE.
    assert SERVICES[service]["build"] == {
        "context": ".",
        "dockerfile": "subgraph_kit/container/Dockerfile",
        "args": {"SERVICE": service},
    }


def test_no_secret_value_is_written_in_the_file():
    for name, service in SERVICES.items():
        for variable, value in (service.get("environment") or {}).items():
            if SECRET_NAME.search(variable):
                assert SECRET_REFERENCE.match(str(value)), (name, variable, value)
        assert "env_file" not in service, "variables are listed one by one, not a whole file"
    for service in SUBGRAPHS:
        database_url = DATABASE_URL_TEMPLATE.match(SERVICES[service]["environment"]["DATABASE_URL"])
        assert SECRET_REFERENCE.match(database_url["password"])
    assert "PRIVATE KEY" not in (REPO_ROOT / "compose.yaml").read_text()


@pytest.mark.parametrize(
    "secret",
    [
        "ROUTER_SHARED_SECRET",
        "USERS_SECRET_KEY",
        "POSTS_SECRET_KEY",
        "POSTGRES_PASSWORD",
        "USERS_DB_PASSWORD",
        "POSTS_DB_PASSWORD",
    ],
)
def test_a_missing_required_secret_stops_compose_with_its_name(secret):
    dotenv = {name: "set" for name in referenced_variables()}
    interpolate(compose(), dotenv)
    del dotenv[secret]
    with pytest.raises(MissingVariableError, match=secret):
        interpolate(compose(), dotenv)


def test_every_variable_compose_reads_is_documented_in_env_example():
    documented = set(read_dotenv(ENV_EXAMPLE)) | {
        match[1] for match in re.finditer(r"^# ([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(), re.M)
    }
    assert referenced_variables() - documented == set()


def test_subgraphs_run_with_debug_off_and_answer_to_their_service_name():
    for service in SUBGRAPHS:
        environment = interpolate(SERVICES[service]["environment"], operator_dotenv())
        assert environment["DEBUG"] == "false"
        allowed_hosts = environment["ALLOWED_HOSTS"].split(",")
        # The router calls http://<service>:8000; the health probe calls 127.0.0.1.
        assert {service, "127.0.0.1"} <= set(allowed_hosts)
        assert urlsplit(environment["DATABASE_URL"]).hostname == "postgres"
        assert urlsplit(environment["DATABASE_URL"]).path == f"/{service}"


def test_router_calls_the_subgraphs_by_service_name():
    environment = interpolate(SERVICES["router"]["environment"], operator_dotenv())
    for service in SUBGRAPHS:
        url = urlsplit(environment[f"{service.upper()}_SUBGRAPH_URL"])
        assert (url.hostname, str(url.port), url.path) == (
            service,
            subgraph_port(service),
            "/graphql",
        )
    jwks = urlsplit(environment["JWT_JWKS_URL"])
    assert (jwks.hostname, str(jwks.port)) == ("users", subgraph_port("users"))
    posts_jwks = urlsplit(
        interpolate(SERVICES["posts"]["environment"], operator_dotenv())["JWT_JWKS_URL"]
    )
    assert (posts_jwks.hostname, posts_jwks.path) == ("users", jwks.path)
    # Inside its container the router must listen on the container's interface.
    assert environment["ROUTER_HOST"] == ALL_INTERFACES
    assert environment["ROUTER_PORT"] == "4000"


def test_router_image_is_the_official_gateway_image_at_a_pinned_version():
    # Node 26 (scripts/ensure_node.sh's major), dumb-init and the unprivileged user come from it.
    pinned = r"ghcr\.io/graphql-hive/gateway:\d+\.\d+\.\d+"
    assert re.fullmatch(pinned, ROUTER_DOCKERFILE.base_image)
    assert SERVICES["router"]["build"] == {"context": ".", "dockerfile": "router/Dockerfile"}


def test_router_image_installs_the_router_packages_from_the_lock_file():
    # The versions the tests ran, not what the image's own gateway bundle happens to hold.
    for name in ("package.json", "package-lock.json"):
        assert ROUTER_DOCKERFILE.repo_path(f"/gateway/{name}") == REPO_ROOT / "router" / name
    install = [run for run in ROUTER_DOCKERFILE.arguments("RUN") if "npm" in run]
    assert len(install) == 1
    assert install[0].startswith("npm ci --omit=dev ")
    patterns = dockerignore_patterns(REPO_ROOT / ".dockerignore")
    for name in ("package.json", "package-lock.json"):
        assert not dockerignore_excludes(f"router/{name}", patterns)
    assert dockerignore_excludes("router/node_modules/graphql/index.js", patterns)


def test_every_package_the_router_modules_import_is_a_runtime_dependency():
    # Type-only imports are erased when Node runs the modules.
    runtime_import = re.compile(r"""^import (?!type )[^;]*?from ['"]([^'"]+)['"]""", re.MULTILINE)
    imported = {
        name for module in ROUTER_MODULES for name in runtime_import.findall(module.read_text())
    }
    packages = {name for name in imported if not name.startswith(("node:", "."))}
    assert {"graphql", "@graphql-hive/gateway-runtime"} <= packages
    assert packages - set(ROUTER_PACKAGE["dependencies"]) == set()


def test_router_command_is_the_package_start_script():
    # `npm start` is `env -u NAME ... NODE_OPTIONS=... node server.ts`; the image runs
    # `node server.ts` under dumb-init, with NODE_OPTIONS from compose.yaml.
    start = ROUTER_PACKAGE["scripts"]["start"].split()
    node = start.index("node")
    entrypoint = json.loads(ROUTER_DOCKERFILE.arguments("ENTRYPOINT")[-1])
    assert entrypoint == ["dumb-init", *start[node:]]
    assert "command" not in SERVICES["router"]
    # Variables the gateway's logger would read (LOG_LEVEL...) and the start script keeps from it.
    unset = {start[index + 1] for index in range(node) if start[index] == "-u"}
    assert unset.isdisjoint(SERVICES["router"]["environment"])
    assert any(arg.startswith("NODE_OPTIONS=") for arg in start[:node])
    assert "NODE_OPTIONS" in SERVICES["router"]["environment"]


def test_the_router_heap_settings_have_one_default_everywhere():
    # The heap caps are part of the memory target: `npm start` (local, tests, benchmark), the
    # image through compose and .env.example must not drift apart (test_kubernetes.py compares
    # Kubernetes with compose).
    default = re.compile(r"\$\{ROUTER_NODE_OPTIONS:-([^}]*)\}")
    start_default = default.search(ROUTER_PACKAGE["scripts"]["start"])
    compose_default = default.search((REPO_ROOT / "compose.yaml").read_text())
    assert start_default
    assert compose_default
    assert start_default[1] == compose_default[1] == read_dotenv(ENV_EXAMPLE)["ROUTER_NODE_OPTIONS"]
    assert "--max-semi-space-size=" in start_default[1]


def test_the_router_image_holds_every_module_and_no_test():
    # /gateway is the image's working directory, where `node server.ts` runs; the modules it
    # imports sit beside it as in router/.
    patterns = dockerignore_patterns(REPO_ROOT / ".dockerignore")
    router_dir = REPO_ROOT / "router"
    for module in ROUTER_MODULES:
        image_path = f"/gateway/{module.relative_to(router_dir).as_posix()}"
        assert ROUTER_DOCKERFILE.repo_path(image_path) == module, image_path
        assert not dockerignore_excludes(module.relative_to(REPO_ROOT).as_posix(), patterns)
    page_size = router_dir / "page-size.json"
    assert ROUTER_DOCKERFILE.repo_path("/gateway/page-size.json") == page_size
    assert not dockerignore_excludes(page_size.relative_to(REPO_ROOT).as_posix(), patterns)
    unit_tests = sorted(router_dir.glob("**/*.test.ts"))
    assert unit_tests
    for unit_test in unit_tests:
        assert dockerignore_excludes(unit_test.relative_to(REPO_ROOT).as_posix(), patterns)


def test_router_mounts_only_the_supergraph_and_the_manifest_from_the_repository():
    assert all(volume.endswith(":ro") for volume in SERVICES["router"]["volumes"])
    mounts = bind_mounts("router")
    environment = SERVICES["router"]["environment"]
    supergraph = environment["SUPERGRAPH_PATH"]
    manifest = environment["ROUTER_PERSISTED_DOCUMENT_MANIFESTS"]
    # The configuration is built into the image; a mount over /gateway would hide it.
    assert mounts == {
        supergraph: REPO_ROOT / "schema" / "supergraph.graphql",
        manifest: REPO_ROOT / "schema" / "persisted-query-manifest.json",
    }


def test_postgres_is_pinned_and_holds_its_data_in_the_volume():
    image = SERVICES["postgres"]["image"]
    assert re.fullmatch(r"postgres:15\.\d+(-\w+)?", image), image
    assert SERVICES["postgres"]["volumes"] == ["postgres-data:/var/lib/postgresql/data"]


@pytest.mark.parametrize("service", SUBGRAPHS)
def test_each_subgraph_s_role_is_set_from_the_password_it_connects_with(service):
    role_step = SERVICES[f"{service}-db-role"]
    # psql from the server's own image, running the repository's script once.
    assert role_step["image"] == SERVICES["postgres"]["image"]
    assert role_step["restart"] == "no"
    assert bind_mounts(f"{service}-db-role") == {
        "/deploy/service-database.sh": REPO_ROOT / "deploy/postgres/service-database.sh"
    }
    assert role_step["command"] == ["sh", "/deploy/service-database.sh"]
    environment = role_step["environment"]
    database_url = DATABASE_URL_TEMPLATE.match(SERVICES[service]["environment"]["DATABASE_URL"])
    # The script names the role and its database after the service and sets the password the
    # service connects with; it connects as the superuser over the network.
    assert database_url["role"] == database_url["database"] == environment["SERVICE_NAME"]
    assert environment["SERVICE_DB_PASSWORD"] == database_url["password"]
    assert environment["PGHOST"] == "postgres"
    assert environment["PGUSER"] == SERVICES["postgres"]["environment"]["POSTGRES_USER"]
    assert environment["PGPASSWORD"] == SERVICES["postgres"]["environment"]["POSTGRES_PASSWORD"]


def services_changed_by(variable: str) -> set[str]:
    """The services whose configuration (what `docker compose up` compares to decide what to
    recreate) changes when `variable` changes in .env."""
    before = operator_dotenv()
    after = {**before, variable: before[variable] + "-rotated"}
    resolved_before = interpolate(compose(), before)["services"]
    resolved_after = interpolate(compose(), after)["services"]
    return {name for name in SERVICES if resolved_before[name] != resolved_after[name]}


def test_postgres_knows_no_subgraph_password():
    postgres = SERVICES["postgres"]
    assert referenced_variables(postgres) == {"POSTGRES_PASSWORD", "POSTGRES_MAX_CONNECTIONS"}
    # No first-start script reads a subgraph's password either: roles are the one-shots' work.
    assert bind_mounts("postgres") == {}


@pytest.mark.parametrize("service", SUBGRAPHS)
def test_changing_a_subgraph_s_database_password_recreates_only_that_subgraph(service):
    # ...and its task worker, where it has one: the same settings, the same database.
    worker = {f"{service}-worker"} & set(SERVICES)
    assert services_changed_by(f"{service.upper()}_DB_PASSWORD") == {
        f"{service}-db-role",
        f"{service}-migrate",
        service,
        *worker,
    }
