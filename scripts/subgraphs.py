"""The stack as subgraphs.toml describes it: the subgraphs, the router, their ports and URLs.

Imported as `scripts.subgraphs` (from the repository root) by the launcher, the harness and the
benchmark; run as a file by the Makefile, which needs only names and folders:

    python scripts/subgraphs.py names     # users posts
    python scripts/subgraphs.py folders   # users_subgraph posts_subgraph
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
MANIFEST = REPO_ROOT / "subgraphs.toml"
# Every local process binds loopback only.
LOCAL_HOST = "127.0.0.1"


def port_from(environ: Mapping[str, str], variable: str, default: int) -> int:
    """The port `variable` asks for, or `default` when it is unset or empty."""
    value = environ.get(variable, "").strip()
    if not value:
        return default
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise ValueError(f"{variable} must be a TCP port number, got {value!r}")
    return int(value)


def local_url(port: int) -> str:
    return f"http://{LOCAL_HOST}:{port}"


@dataclass(frozen=True)
class Subgraph:
    name: str
    folder: Path
    port: int
    port_variable: str
    settings_module: str
    asgi_app: str
    issues_tokens: bool
    runs_task_worker: bool = False

    @property
    def worker_name(self) -> str:
        """The name of its task worker's process (`manage.py task_worker`)."""
        return f"{self.name}-worker"

    @property
    def internal_url_variable(self) -> str:
        """Where the other subgraphs read this one's base URL from (calls that skip the router)."""
        return f"{self.name.upper()}_INTERNAL_URL"

    def port_in(self, environ: Mapping[str, str]) -> int:
        return port_from(environ, self.port_variable, self.port)

    @property
    def url_variable(self) -> str:
        """Where the router reads this subgraph's GraphQL URL from (router/settings.ts reads every
        <NAME>_SUBGRAPH_URL for the subgraph composed as <name>)."""
        return f"{self.name.upper()}_SUBGRAPH_URL"


@dataclass(frozen=True)
class Router:
    folder: Path
    port: int
    port_variable: str

    def port_in(self, environ: Mapping[str, str]) -> int:
        return port_from(environ, self.port_variable, self.port)


@dataclass(frozen=True)
class Manifest:
    router: Router
    subgraphs: tuple[Subgraph, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(subgraph.name for subgraph in self.subgraphs)

    @property
    def token_issuer(self) -> Subgraph:
        [issuer] = [subgraph for subgraph in self.subgraphs if subgraph.issues_tokens]
        return issuer

    def router_environment(self, ports: Mapping[str, int]) -> dict[str, str]:
        """What the router needs to reach subgraphs listening on `ports` (name -> port): each
        subgraph's GraphQL URL and the token issuer's JWKS."""
        return {
            **{
                subgraph.url_variable: f"{local_url(ports[subgraph.name])}/graphql"
                for subgraph in self.subgraphs
            },
            "JWT_JWKS_URL": jwks_url(ports[self.token_issuer.name]),
        }

    def internal_environment(self, ports: Mapping[str, int]) -> dict[str, str]:
        """What the subgraphs need to call each other directly: every subgraph's base URL."""
        return {
            subgraph.internal_url_variable: local_url(ports[subgraph.name])
            for subgraph in self.subgraphs
        }

    def composition_environment(self) -> dict[str, str]:
        """What router/supergraph.mjs composes: each subgraph's name and the URL baked into the
        supergraph (its default local port)."""
        entries = (
            f"{subgraph.name}={local_url(subgraph.port)}/graphql" for subgraph in self.subgraphs
        )
        return {"SUBGRAPHS": ",".join(entries)}


def jwks_url(issuer_port: int) -> str:
    return f"{local_url(issuer_port)}/.well-known/jwks.json"


def task_worker_command(python: str = sys.executable) -> list[str]:
    """How a subgraph's task worker starts, from the subgraph's folder (subgraph_kit's command)."""
    return [python, "manage.py", "task_worker", "--no-reload"]


def router_command() -> list[str]:
    """How the router starts, from its folder (router/package.json's `start` script)."""
    return ["npm", "run", "--silent", "start"]


@functools.cache
def router_node_dir() -> Path:
    """The directory of the Node the router runs on: scripts/ensure_node.sh installs the pinned
    LTS into .tools/node when the machine's Node is another major, and prints where it is."""
    ensure_node = REPO_ROOT / "scripts" / "ensure_node.sh"
    output = subprocess.run([ensure_node], capture_output=True, text=True, check=True).stdout
    return Path(output.strip())


def router_path(environ: Mapping[str, str]) -> str:
    """`environ`'s PATH with the router's Node first, so npm and its scripts run on it."""
    return os.pathsep.join([str(router_node_dir()), environ.get("PATH", os.defpath)])


def load(path: Path = MANIFEST) -> Manifest:
    data = tomllib.loads(path.read_text())
    router = data["router"]
    manifest = Manifest(
        router=Router(
            folder=REPO_ROOT / router["folder"],
            port=router["port"],
            port_variable=router["port_variable"],
        ),
        subgraphs=tuple(
            Subgraph(**{**entry, "folder": REPO_ROOT / entry["folder"]})
            for entry in data["subgraphs"]
        ),
    )
    issuers = [subgraph.name for subgraph in manifest.subgraphs if subgraph.issues_tokens]
    if len(issuers) != 1:
        raise ValueError(f"{path.name}: exactly one subgraph issues tokens, not {issuers}")
    return manifest


def main(arguments: list[str]) -> int:
    manifest = load()
    listings = {
        "names": manifest.names,
        "folders": tuple(subgraph.folder.name for subgraph in manifest.subgraphs),
    }
    if len(arguments) != 1 or arguments[0] not in listings:
        print(f"usage: subgraphs.py {{{'|'.join(listings)}}}", file=sys.stderr)
        return 2
    print(" ".join(listings[arguments[0]]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
