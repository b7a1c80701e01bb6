"""deploy/kubernetes/: valid for supported Kubernetes versions, and the same stack as compose.yaml.

Validated offline with kubernetes-validate (it bundles the API schemas), in strict mode (an
unknown or misspelt field fails). Then compared with compose.yaml: the same images, the same
environment variables with the same default values, secrets only by reference, the same ports
and health endpoints, and the hardening compose gives (non-root uid 10001, limits).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import kubernetes_validate
import pytest
import yaml

from tests.deploy.specs import REPO_ROOT, SUBGRAPHS, compose, interpolate, subgraph_dockerfile

MANIFEST_DIR = REPO_ROOT / "deploy" / "kubernetes"
MIGRATIONS_DIR = MANIFEST_DIR / "migrations"
# Supported Kubernetes minor releases (the last three) when these were written; the newest
# schemas kubernetes-validate bundles.
KUBERNETES_VERSIONS = ("1.35.0", "1.36.0", "1.37.0")
# PASSWORD_RESET_* (and RATE_LIMIT_PASSWORD_RESET_*) configure the reset flow: no password.
SECRET_NAME = re.compile(r"SECRET|PASSWORD(?!_RESET)|PRIVATE_KEY")
# compose.yaml's required variables, set to a marker: what a Kubernetes value must not copy.
REQUIRED_MARKER = "required-in-env-file"


def is_secret(variable: str) -> bool:
    # DATABASE_URL holds the role's password.
    return bool(SECRET_NAME.search(variable)) or variable == "DATABASE_URL"


def manifest_files() -> list[Path]:
    return sorted(
        path for path in MANIFEST_DIR.glob("**/*.yaml") if path.name != "kustomization.yaml"
    )


@cache
def resources() -> dict[tuple[str, str], dict[str, Any]]:
    """Every resource in the manifests by (kind, name)."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for path in manifest_files():
        for document in yaml.safe_load_all(path.read_text()):
            if document:
                key = (document["kind"], document["metadata"]["name"])
                assert key not in found, key
                found[key] = document
    return found


def kustomization(folder: Path) -> dict[str, Any]:
    return yaml.safe_load((folder / "kustomization.yaml").read_text())


@cache
def compose_defaults() -> dict[str, dict[str, str]]:
    """Each service's environment in compose.yaml with nothing but the required variables set."""
    services = compose()["services"]
    required = {
        match[1]
        for match in re.finditer(r"\$\{([A-Z0-9_]+):\?", (REPO_ROOT / "compose.yaml").read_text())
    }
    resolved = interpolate(services, dict.fromkeys(required, REQUIRED_MARKER))
    return {name: service.get("environment", {}) for name, service in resolved.items()}


def pod_spec(kind: str, name: str) -> dict[str, Any]:
    return resources()[(kind, name)]["spec"]["template"]["spec"]


def container_environment(kind: str, name: str) -> dict[str, dict[str, Any]]:
    """A workload's variables: name -> {"value": ...} from its ConfigMap, or its `valueFrom`."""
    [container] = pod_spec(kind, name)["containers"]
    variables: dict[str, dict[str, Any]] = {}
    for source in container.get("envFrom", []):
        config_map = resources()[("ConfigMap", source["configMapRef"]["name"])]
        variables.update({key: {"value": value} for key, value in config_map["data"].items()})
    for variable in container.get("env", []):
        assert variable["name"] not in variables, f"{name}: {variable['name']} set twice"
        variables[variable["name"]] = {
            key: value for key, value in variable.items() if key != "name"
        }
    return variables


# (kind, name, the compose service it runs as)
WORKLOADS = [
    ("Deployment", "router", "router"),
    *(("Deployment", service, service) for service in SUBGRAPHS),
    ("Deployment", "users-worker", "users-worker"),
    *(("Job", f"{service}-migrate", f"{service}-migrate") for service in SUBGRAPHS),
]


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_every_manifest_is_valid_for_supported_kubernetes_versions(version):
    assert resources()
    for (kind, name), resource in resources().items():
        try:
            kubernetes_validate.validate(resource, version, strict=True)
        except kubernetes_validate.ValidationError as error:
            pytest.fail(f"{kind}/{name} is not valid for Kubernetes {version}: {error.message}")


def test_the_kustomizations_apply_every_manifest_once():
    listed = [MANIFEST_DIR / name for name in kustomization(MANIFEST_DIR)["resources"]]
    listed += [MIGRATIONS_DIR / name for name in kustomization(MIGRATIONS_DIR)["resources"]]
    assert sorted(listed) == manifest_files()


def test_the_stack_is_router_users_posts_the_users_worker_and_a_migration_job_per_subgraph():
    workloads = {(kind, name) for kind, name in resources() if kind in ("Deployment", "Job")}
    assert workloads == {(kind, name) for kind, name, _ in WORKLOADS}
    assert {name for kind, name in resources() if kind == "Service"} == {"router", *SUBGRAPHS}
    # The migrations apply on their own, before the Deployments.
    migration_kinds = {
        document["kind"]
        for document in yaml.safe_load_all((MIGRATIONS_DIR / "jobs.yaml").read_text())
    }
    assert migration_kinds == {"Job"}


def test_secrets_are_referenced_never_written():
    assert not [key for key in resources() if key[0] == "Secret"]
    for kind, name, _ in WORKLOADS:
        for variable, source in container_environment(kind, name).items():
            if is_secret(variable):
                assert set(source) == {"valueFrom"}, (name, variable)
                assert "secretKeyRef" in source["valueFrom"], (name, variable)


@pytest.mark.parametrize(("kind", "name", "service"), WORKLOADS)
def test_each_workload_runs_compose_s_image(kind, name, service):
    [container] = pod_spec(kind, name)["containers"]
    assert container["image"] == compose()["services"][service]["image"]


@pytest.mark.parametrize(
    "folder", [MANIFEST_DIR, MIGRATIONS_DIR], ids=["kustomization", "migrations"]
)
def test_the_kustomizations_point_the_same_image_names_at_one_registry(folder):
    names = {entry["name"] for entry in kustomization(folder)["images"]}
    images_used = {
        container["image"].rsplit(":", 1)[0]
        for kind, name, _ in WORKLOADS
        for container in pod_spec(kind, name)["containers"]
        if (folder == MANIFEST_DIR) == (kind == "Deployment")
    }
    assert names == images_used
    router_images = kustomization(MANIFEST_DIR)["images"]
    for entry in kustomization(folder)["images"]:
        assert entry in router_images, entry


@pytest.mark.parametrize(("kind", "name", "service"), WORKLOADS)
def test_each_workload_gets_compose_s_variables_with_compose_s_defaults(kind, name, service):
    expected = compose_defaults()[service]
    environment = container_environment(kind, name)
    assert set(environment) == set(expected)
    for variable, source in environment.items():
        if is_secret(variable):
            continue
        if expected[variable] == REQUIRED_MARKER:
            # Required in compose without a default (CORS_ALLOWED_ORIGINS): set, not empty.
            assert source["value"], variable
        else:
            assert source == {"value": expected[variable]}, variable


@pytest.mark.parametrize(("kind", "name", "service"), WORKLOADS)
def test_a_secret_optional_in_compose_is_optional_here_and_only_that(kind, name, service):
    compose_environment = compose()["services"][service]["environment"]
    for variable, source in container_environment(kind, name).items():
        if not is_secret(variable):
            continue
        # `${NAME:-}`: empty unless .env sets it (NAME may be service-prefixed in .env).
        optional_in_compose = (
            re.fullmatch(r"\$\{\w+:-\}", compose_environment[variable]) is not None
        )
        # users signs tokens with JWT_PRIVATE_KEY: empty only in compose's HS256 set-up.
        if variable == "JWT_PRIVATE_KEY":
            optional_in_compose = False
        assert source["valueFrom"]["secretKeyRef"].get("optional", False) == optional_in_compose, (
            name,
            variable,
        )


@pytest.mark.parametrize(("kind", "name", "service"), WORKLOADS)
def test_every_pod_runs_as_uid_10001_hardened_with_requests_and_limits(kind, name, service):
    spec = pod_spec(kind, name)
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert spec["securityContext"]["runAsUser"] == 10001
    assert spec["securityContext"]["runAsGroup"] == 10001
    assert spec["automountServiceAccountToken"] is False
    for container in spec["containers"]:
        assert container["securityContext"]["allowPrivilegeEscalation"] is False
        assert container["securityContext"]["capabilities"]["drop"] == ["ALL"]
        resources_ = container["resources"]
        assert set(resources_["requests"]) == set(resources_["limits"]) == {"cpu", "memory"}


@pytest.mark.parametrize("service", SUBGRAPHS)
def test_subgraph_ports_probes_and_service_match_compose(service):
    [container] = pod_spec("Deployment", service)["containers"]
    port = int(subgraph_dockerfile(service).env()["PORT"])
    assert container["ports"] == [{"name": "http", "containerPort": port}]
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["startupProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    allowed_hosts = compose_defaults()[service]["ALLOWED_HOSTS"].split(",")
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        [host] = container[probe]["httpGet"]["httpHeaders"]
        # The kubelet's own Host header (the pod's IP) is not in ALLOWED_HOSTS.
        assert host["name"] == "Host"
        assert host["value"] in allowed_hosts
    # The address the router (and posts, for the JWKS) call in compose reaches this Service.
    router_url = urlsplit(compose_defaults()["router"][f"{service.upper()}_SUBGRAPH_URL"])
    service_spec = resources()[("Service", service)]["spec"]
    assert router_url.hostname == service
    assert [(p["port"], p["targetPort"]) for p in service_spec["ports"]] == [
        (router_url.port, "http")
    ]
    assert (
        service_spec["selector"]
        == resources()[("Deployment", service)]["spec"]["selector"]["matchLabels"]
    )


def test_router_port_probes_command_and_mounted_files_match_compose():
    router = compose()["services"]["router"]
    [container] = pod_spec("Deployment", "router")["containers"]
    port = int(compose_defaults()["router"]["ROUTER_PORT"])
    assert container["ports"] == [{"name": "http", "containerPort": port}]
    # The image's own entry point (`node server.ts`), in both: neither overrides it.
    assert "command" not in router
    assert "command" not in container
    assert "args" not in container
    health = router["healthcheck"]["test"][-1]
    assert container["readinessProbe"]["httpGet"]["path"] == urlsplit(health).path
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthcheck"
    mounted = {
        mount["mountPath"] for mount in container["volumeMounts"] if mount["name"] == "schema"
    }
    assert mounted == {volume.split(":")[1] for volume in router["volumes"]}
    service_spec = resources()[("Service", "router")]["spec"]
    assert [(p["port"], p["targetPort"]) for p in service_spec["ports"]] == [(port, "http")]


@pytest.mark.parametrize("service", SUBGRAPHS)
def test_migration_job_runs_compose_s_migrate_command_once(service):
    job = resources()[("Job", f"{service}-migrate")]
    [container] = job["spec"]["template"]["spec"]["containers"]
    assert container["command"] == compose()["services"][f"{service}-migrate"]["command"]
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"


def seconds(duration: str) -> int:
    """A compose duration in whole seconds or minutes ("70s", "2m") as a number of seconds."""
    match = re.fullmatch(r"(\d+)([sm])", duration)
    assert match, duration
    return int(match[1]) * {"s": 1, "m": 60}[match[2]]


@pytest.mark.parametrize("service", [*SUBGRAPHS, "users-worker"])
def test_pods_get_compose_s_stop_grace_period(service):
    grace_period = compose()["services"][service]["stop_grace_period"]
    assert pod_spec("Deployment", service)["terminationGracePeriodSeconds"] == seconds(grace_period)


def test_users_task_worker_runs_compose_s_command_with_the_users_pods_settings():
    worker_spec = pod_spec("Deployment", "users-worker")
    users_spec = pod_spec("Deployment", "users")
    [worker] = worker_spec["containers"]
    [users] = users_spec["containers"]
    # The image has no ENTRYPOINT: compose's `command` is the whole command line.
    assert worker["command"] == compose()["services"]["users-worker"]["command"]
    assert "args" not in worker
    # The same ConfigMap and secret references, hardening and temporary directory as users.
    assert worker["envFrom"] == users["envFrom"]
    assert worker["env"] == users["env"]
    assert worker["securityContext"] == users["securityContext"]
    assert worker["volumeMounts"] == users["volumeMounts"]
    assert worker_spec["securityContext"] == users_spec["securityContext"]
    assert worker_spec["volumes"] == users_spec["volumes"]
    # No HTTP: no port, no probe (compose gives it no health check), and no Service selects it.
    assert "ports" not in worker
    assert not {"startupProbe", "livenessProbe", "readinessProbe"} & set(worker)
    labels = resources()[("Deployment", "users-worker")]["spec"]["template"]["metadata"]["labels"]
    for (kind, name), resource in resources().items():
        if kind == "Service":
            selector = resource["spec"]["selector"].items()
            assert not selector <= labels.items(), name


def test_users_calls_posts_internal_endpoints_through_the_posts_service():
    internal_url = urlsplit(
        container_environment("Deployment", "users")["POSTS_INTERNAL_URL"]["value"]
    )
    posts_service = resources()[("Service", "posts")]["spec"]
    assert internal_url.hostname == "posts"
    assert internal_url.port in {port["port"] for port in posts_service["ports"]}
