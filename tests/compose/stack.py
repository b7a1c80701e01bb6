"""compose.yaml run for real: a Docker engine, the project's images, one compose project.

Everything goes through the `docker` CLI on the repository's own compose.yaml, unchanged: the
test names neither services' images nor Dockerfiles, it asks compose (`config`). A compose project
of its own name (`--project-name`) and a generated env file keep it apart from a developer's
`docker compose up`; the router is published on a free loopback port.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.support.client import OPERATIONS_DOCUMENT
from tests.support.stack import REPO_ROOT


@dataclass
class StepLog:
    """Each step of the run with its duration: printed as it ends, and summed up at the end."""

    steps: list[tuple[str, float, str]] = field(default_factory=list)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        # Straight to the terminal: pytest captures the tests' own output.
        print(f"\n[compose] {name} ...", file=sys.__stderr__, flush=True)
        started = time.monotonic()
        outcome = "failed"
        try:
            yield
            outcome = "ok"
        finally:
            elapsed = time.monotonic() - started
            self.steps.append((name, elapsed, outcome))
            print(
                f"[compose] {name}: {outcome} in {elapsed:.1f} s", file=sys.__stderr__, flush=True
            )

    def report(self) -> list[str]:
        width = max((len(name) for name, _, _ in self.steps), default=0)
        lines = [
            f"{name:<{width}}  {elapsed:7.1f} s  {outcome}" for name, elapsed, outcome in self.steps
        ]
        total = sum(elapsed for _, elapsed, _ in self.steps)
        lines.append(f"{'total':<{width}}  {total:7.1f} s")
        return lines


def run(command: list[str], *, timeout: float = 600, check: bool = True) -> str:
    """Run a command; return its stdout. On failure the error shows stdout and stderr."""
    completed = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    if check and completed.returncode != 0:
        raise AssertionError(
            f"{' '.join(command)} exited {completed.returncode}\n"
            f"stdout:\n{completed.stdout[-4000:]}\nstderr:\n{completed.stderr[-4000:]}"
        )
    return completed.stdout


@dataclass
class ComposeProject:
    name: str
    env_file: Path
    router_port: int
    # Variables compose reads before the env file (the shell's win over .env).
    overrides: dict[str, str]

    def command(self, *arguments: str) -> list[str]:
        return [
            "docker",
            "compose",
            "--project-name",
            self.name,
            "--project-directory",
            str(REPO_ROOT),
            "--file",
            str(REPO_ROOT / "compose.yaml"),
            "--env-file",
            str(self.env_file),
            *arguments,
        ]

    def compose(self, *arguments: str, timeout: float = 600, check: bool = True) -> str:
        completed = subprocess.run(
            self.command(*arguments),
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, **self.overrides},
        )
        if check and completed.returncode != 0:
            raise AssertionError(
                f"docker compose {' '.join(arguments)} exited {completed.returncode}\n"
                f"stdout:\n{completed.stdout[-4000:]}\nstderr:\n{completed.stderr[-4000:]}"
            )
        return completed.stdout

    def set_env(self, **values: str) -> None:
        """Change variables in the env file, as an operator edits .env before `up -d`."""
        lines = self.env_file.read_text().splitlines()
        for name, value in values.items():
            matching = [n for n, line in enumerate(lines) if line.startswith(f"{name}=")]
            assert len(matching) == 1, f"{name}: {len(matching)} lines in {self.env_file}"
            lines[matching[0]] = f"{name}={value}"
        self.env_file.write_text("\n".join(lines) + "\n")

    def env(self, name: str) -> str:
        """A variable's value in the env file."""
        prefix = f"{name}="
        return next(
            line.removeprefix(prefix)
            for line in self.env_file.read_text().splitlines()
            if line.startswith(prefix)
        )

    def config(self) -> dict[str, Any]:
        return json.loads(self.compose("config", "--format", "json"))

    def built_images(self) -> set[str]:
        """The images compose builds (services with `build:`): the ones this run tags."""
        services = self.config()["services"].values()
        return {
            service["image"] for service in services if "build" in service and "image" in service
        }

    def containers(self, service: str | None = None) -> list[dict[str, Any]]:
        arguments = ["ps", "--format", "json"]
        if service:
            arguments.append(service)
        output = self.compose(*arguments).strip()
        # Compose v2 prints one JSON object per line.
        return [json.loads(line) for line in output.splitlines() if line.strip()]

    def wait_healthy(self, service: str, *, replicas: int = 1, timeout: float = 120) -> float:
        """Wait until `replicas` containers of `service` are healthy; return the seconds waited."""
        started = time.monotonic()
        while True:
            healthy = [c for c in self.containers(service) if c.get("Health") == "healthy"]
            if len(healthy) >= replicas:
                return time.monotonic() - started
            if time.monotonic() - started > timeout:
                raise AssertionError(
                    f"{service}: {len(healthy)}/{replicas} healthy after {timeout} s"
                )
            time.sleep(0.5)

    def resources(self) -> dict[str, list[str]]:
        """Containers, networks and volumes the engine still holds for this project."""
        label = f"label=com.docker.compose.project={self.name}"
        return {
            "containers": run(
                ["docker", "container", "ls", "--all", "--quiet", "--filter", label]
            ).split(),
            "networks": run(["docker", "network", "ls", "--quiet", "--filter", label]).split(),
            "volumes": run(["docker", "volume", "ls", "--quiet", "--filter", label]).split(),
        }

    @property
    def router_url(self) -> str:
        return f"http://127.0.0.1:{self.router_port}"

    def graphql(
        self,
        operation_name: str,
        variables: dict[str, Any] | None = None,
        *,
        access_token: str | None = None,
        client: httpx.Client | None = None,
    ) -> dict[str, Any]:
        """A committed client operation through the router; the JSON body (HTTP 200 expected)."""
        headers = {"Authorization": f"Bearer {access_token}"} if access_token else {}
        payload = {
            "query": OPERATIONS_DOCUMENT,
            "variables": variables or {},
            "operationName": operation_name,
        }
        send = client.post if client else httpx.post
        response = send(f"{self.router_url}/graphql", json=payload, headers=headers, timeout=30)
        assert response.status_code == 200, (response.status_code, response.text[:500])
        return response.json()
