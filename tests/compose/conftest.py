"""One compose project for the whole session: engine up, images built, stack up, then torn down.

The session starts the Docker engine when none answers (scripts/docker_engine.sh, stopped again
at the end by PID), provides the base images (pulled, or stand-ins: scripts/build_base_images.sh),
builds the project's images with `docker compose build` and starts compose.yaml. Teardown runs
whatever happened: `docker compose down --volumes`, the images this run tagged removed, the engine
stopped if this session started it. Needs root, as the engine does; without it the session fails.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

from tests.compose.stack import REPO_ROOT, ComposeProject, StepLog, run
from tests.deploy.subgraph_environment import OPERATOR_MAIL_SETTINGS
from tests.support.reporting import call_failed, pytest_runtest_makereport
from tests.support.stack import free_port

__all__ = ["pytest_runtest_makereport"]

PROJECT_NAME = "federated-api-compose-test"
STEPS = StepLog()


def engine_answers() -> bool:
    status = subprocess.run(
        [str(REPO_ROOT / "scripts" / "docker_engine.sh"), "status"], capture_output=True, text=True
    )
    return status.returncode == 0


def run_showing_progress(command: list[str], timeout: float) -> None:
    """The engine and base image scripts report what they do on stderr: shown as it happens."""
    completed = subprocess.run(command, stdout=subprocess.DEVNULL, timeout=timeout)
    assert completed.returncode == 0, f"{' '.join(command)} exited {completed.returncode}"


def compose_environment(router_port: int) -> dict[str, str]:
    """Only what compose needs from the shell: the caller's variables (CI's DATABASE_URL, a
    LOG_LEVEL) would otherwise override the env file in compose.yaml's `${...}`."""
    kept = {
        name: os.environ[name] for name in ("PATH", "HOME", "DOCKER_HOST") if name in os.environ
    }
    return {
        **kept,
        "ROUTER_BIND_ADDRESS": "127.0.0.1",
        "ROUTER_PUBLISHED_PORT": str(router_port),
        # The outage tests keep four writers busy for seconds: hundreds of posts by one user.
        "RATE_LIMIT_POST_CREATE_PER_USER": "100000/h",
    }


@pytest.fixture(scope="session")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ComposeProject]:
    if os.geteuid() != 0:
        pytest.fail("the compose test runs a Docker engine and needs root (CI runs it as root)")
    env_file = tmp_path_factory.mktemp("compose") / "compose.env"
    router_port = free_port()
    project = ComposeProject(PROJECT_NAME, env_file, router_port, compose_environment(router_port))
    started_engine = False
    built_images: set[str] = set()
    try:
        with STEPS.step("engine: install if missing, start dockerd"):
            started_engine = not engine_answers()
            run_showing_progress([str(REPO_ROOT / "scripts" / "docker_engine.sh"), "start"], 900)
        with STEPS.step("base images: pull, cache or build stand-ins"):
            run_showing_progress([str(REPO_ROOT / "scripts" / "build_base_images.sh")], 1500)
        with STEPS.step("env file with fresh secrets (scripts/compose_env.py)"):
            run(["python3", str(REPO_ROOT / "scripts" / "compose_env.py"), str(env_file)])
            # What the operator fills in: the users service does not start without a mail
            # server (nothing here sends mail, so none needs to answer).
            project.set_env(**OPERATOR_MAIL_SETTINGS)
            # A run killed before its teardown left its project behind: start from nothing.
            project.compose("down", "--volumes", "--remove-orphans", "--timeout", "5")
        with STEPS.step("docker compose build"):
            built_images = project.built_images()
            project.compose("build", timeout=1500)
        with STEPS.step("docker compose up -d --wait"):
            try:
                project.compose("up", "--detach", "--wait", "--wait-timeout", "240", timeout=300)
            except AssertionError as error:
                raise AssertionError(
                    f"{error}\n{project.compose('logs', '--tail', '40', check=False)}"
                ) from None
        yield project
    finally:
        with STEPS.step("teardown: down --volumes, remove the images this run tagged"):
            if engine_answers():
                project.compose(
                    "down", "--volumes", "--remove-orphans", "--timeout", "30", check=False
                )
                for image in sorted(built_images):
                    run(["docker", "image", "rm", "--force", image], check=False)
        if started_engine:
            with STEPS.step("engine: stop the dockerd this run started"):
                run([str(REPO_ROOT / "scripts" / "docker_engine.sh"), "stop"])


@pytest.fixture(autouse=True)
def _print_logs_on_failure(
    request: pytest.FixtureRequest, project: ComposeProject
) -> Iterator[None]:
    yield
    if call_failed(request):
        print(project.compose("logs", "--tail", "60", "--no-color", check=False))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if STEPS.steps:
        terminalreporter.section("compose.yaml for real: steps and durations")
        for line in STEPS.report():
            terminalreporter.write_line(line)
