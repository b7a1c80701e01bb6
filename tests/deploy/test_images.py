"""The subgraph images are built the way production needs, checked by reading their Dockerfile.

One Dockerfile builds every subgraph's image; compose.yaml names the subgraph with the SERVICE
build argument. Running what they run is test_subgraph_processes.py's job; this checks what only
the build shows: the base image, the layer order, the user, and what the build context lets in.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from importlib import metadata

import pytest
from packaging.requirements import Requirement

from tests.deploy.specs import (
    REPO_ROOT,
    SUBGRAPHS,
    Dockerfile,
    dockerignore_excludes,
    dockerignore_patterns,
    subgraph_dockerfile,
)
from tests.deploy.subgraph_environment import build_step_environment

SERVICE_CHECK = 'test -n "$SERVICE"'


def run_service_check(dockerfile: Dockerfile) -> subprocess.CompletedProcess[str]:
    """The build step that checks SERVICE, replayed with the build arguments `dockerfile` has."""
    check = dockerfile.run(SERVICE_CHECK)
    return subprocess.run(
        ["sh", "-c", check.arguments],
        env=build_step_environment(dockerfile, check),
        capture_output=True,
        text=True,
    )


def test_a_build_without_a_service_stops_first_and_says_how_to_name_one():
    named = subgraph_dockerfile("users")
    unnamed = Dockerfile(named.path, named.context)
    assert run_service_check(named).returncode == 0
    refused = run_service_check(unnamed)
    assert refused.returncode != 0
    assert "--build-arg SERVICE=users" in refused.stderr
    # Before any step that reads a subgraph's folder.
    keywords = [item.keyword for item in unnamed.instructions]
    assert unnamed.instructions.index(unnamed.run(SERVICE_CHECK)) < keywords.index("COPY")


@pytest.mark.parametrize("service", SUBGRAPHS)
def test_base_image_is_slim_python_3_11(service):
    assert re.fullmatch(
        r"python:3\.11(\.\d+)?-slim(-\w+)?", subgraph_dockerfile(service).base_image
    )


@pytest.mark.parametrize("service", SUBGRAPHS)
def test_pinned_requirements_are_installed_before_the_code_is_copied(service):
    dockerfile = subgraph_dockerfile(service)
    keywords = [(item.keyword, item.arguments) for item in dockerfile.instructions]
    requirements = keywords.index(
        ("COPY", f"{service}_subgraph/requirements.txt /tmp/requirements.txt")
    )
    install = keywords.index(("RUN", "pip install --no-cache-dir -r /tmp/requirements.txt"))
    code = keywords.index(("COPY", f"{service}_subgraph /app"))
    # Changing the code reuses the dependency layer; only requirements.txt invalidates it.
    assert requirements < install < code
    requirement_lines = (REPO_ROOT / f"{service}_subgraph" / "requirements.txt").read_text()
    for line in requirement_lines.splitlines():
        if line.strip() and not line.startswith("#"):
            assert "==" in line, f"{line} is not pinned"


# Loads a service's web process as uvicorn does (settings, apps, the ASGI application with its
# GraphQL endpoint, the URL conf) and prints the distributions its imported modules come from.
LOADED_DISTRIBUTIONS = """
import json, sys
from importlib import metadata
import django.urls
from {service}_subgraph.asgi import application
django.urls.get_resolver().url_patterns
providers = metadata.packages_distributions()
loaded = {{name.partition(".")[0] for name in sys.modules}}
print(json.dumps(sorted({{dist for name in loaded for dist in providers.get(name, [])}})))
"""


def distribution_key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def installed_by(requirement_lines: str) -> set[str]:
    """What `pip install -r` installs from these lines: each pin and, through the installed
    metadata, its dependencies with the extras asked for (an extra not asked for installs none)."""
    pending = [
        Requirement(line.split("#")[0])
        for line in requirement_lines.splitlines()
        if line.strip() and not line.startswith("#")
    ]
    installed: set[str] = set()
    while pending:
        requirement = pending.pop()
        key = distribution_key(requirement.name)
        if key in installed:
            continue
        installed.add(key)
        extras = requirement.extras or {""}
        for dependency in map(Requirement, metadata.requires(requirement.name) or []):
            marker = dependency.marker
            if marker is None or any(marker.evaluate({"extra": extra}) for extra in extras):
                pending.append(dependency)
    return installed


@pytest.mark.parametrize("service", SUBGRAPHS)
def test_every_package_the_server_imports_comes_from_its_requirements(service):
    # The image installs requirements.txt only: a package the code imports that got into the
    # development virtualenv another way (bench, dev tools) would fail the container's start.
    loaded = subprocess.run(
        [sys.executable, "-c", LOADED_DISTRIBUTIONS.format(service=service)],
        cwd=REPO_ROOT / f"{service}_subgraph",
        env={
            **os.environ,
            "DEBUG": "true",
            "DJANGO_SETTINGS_MODULE": f"{service}_subgraph.settings",
        },
        capture_output=True,
        text=True,
        check=True,
    )
    imported = {distribution_key(name) for name in json.loads(loaded.stdout)}
    requirements = (REPO_ROOT / f"{service}_subgraph" / "requirements.txt").read_text()

    # The kit is installed beside the requirements; setuptools' .pth hook is loaded by every
    # interpreter that has it (the image's Python installs it with pip).
    missing = imported - installed_by(requirements) - {"subgraph-kit", "setuptools"}
    assert not missing, f"{service} imports {sorted(missing)}, which requirements.txt leaves out"


@pytest.mark.parametrize("service", SUBGRAPHS)
def test_the_server_runs_as_a_non_root_user(service):
    dockerfile = subgraph_dockerfile(service)
    assert dockerfile.user not in (None, "root", "0")
    keywords = [item.keyword for item in dockerfile.instructions]
    last_user = len(keywords) - 1 - keywords[::-1].index("USER")
    assert last_user < keywords.index("CMD")


@pytest.mark.parametrize("service", SUBGRAPHS)
def test_build_only_values_are_never_kept_in_the_image(service):
    dockerfile = subgraph_dockerfile(service)
    collectstatic = dockerfile.run("collectstatic")
    assert "SECRET_KEY=" in collectstatic.arguments
    for name in ("SECRET_KEY", "JWT_SECRET_KEY", "JWT_PRIVATE_KEY", "ROUTER_SHARED_SECRET"):
        assert name not in dockerfile.env(), f"{name} would be baked into every container"
    assert dockerfile.env()["DEBUG"] == "false"
    # The kit reads no .env file inside the image: configuration is the container's environment.
    assert dockerfile.env(before=collectstatic)["ENV_FILE"] == "/dev/null"


@pytest.mark.parametrize("service", SUBGRAPHS)
def test_the_command_serves_this_service_with_the_shared_script(service):
    dockerfile = subgraph_dockerfile(service)
    assert dockerfile.env()["ASGI_APP"] == f"{service}_subgraph.asgi:application"
    assert (REPO_ROOT / f"{service}_subgraph" / f"{service}_subgraph" / "asgi.py").is_file()
    [script] = dockerfile.command
    assert dockerfile.repo_path(script) == REPO_ROOT / "subgraph_kit" / "container" / "serve.sh"
    assert int(dockerfile.env()["WEB_CONCURRENCY"]) >= 1
    assert dockerfile.healthcheck[-1] == "/readyz"
    assert dockerfile.repo_path(dockerfile.healthcheck[1]).is_file()
    assert dockerfile.arguments("EXPOSE") == [dockerfile.env()["PORT"]]


@pytest.mark.parametrize(
    "path",
    [
        ".env",
        "users_subgraph/.env",
        ".venv/bin/python",
        "users_subgraph/.venv/lib/site.py",
        "users_subgraph/users.sqlite3",
        "posts_subgraph/posts.sqlite3",
        "users_subgraph/.jwt-dev/private.pem",
        "posts_subgraph/staticfiles/staticfiles.json",
        "posts_subgraph/posts/__pycache__/models.cpython-311.pyc",
        "subgraph_kit/subgraph_kit.egg-info/PKG-INFO",
        "subgraph_kit/.pytest_cache/README.md",
        "router/node_modules/graphql/index.js",
        ".git/config",
    ],
)
def test_build_context_leaves_out_secrets_databases_virtualenvs_and_caches(path):
    assert dockerignore_excludes(path, dockerignore_patterns(REPO_ROOT / ".dockerignore"))


@pytest.mark.parametrize("service", SUBGRAPHS)
def test_build_context_holds_every_source_file_the_images_copy(service):
    patterns = dockerignore_patterns(REPO_ROOT / ".dockerignore")
    for copy in subgraph_dockerfile(service).copies:
        # The repository's files (tracked, or new and not ignored by git) under the COPY source.
        source_files = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "--", copy.source],
            cwd=REPO_ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        assert source_files, f"nothing to copy from {copy.source}"
        left_out = [path for path in source_files if dockerignore_excludes(path, patterns)]
        assert left_out == []
