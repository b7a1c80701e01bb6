"""Part of `make up`: waits until the router and every subgraph answer, then prints where to go.

    python -m scripts.announce_ready   (scripts/up.py starts it with the stack's port variables)

It stays alive afterwards because the launcher stops the whole stack when any of its processes
exits.
"""

from __future__ import annotations

import os
import signal
import time
import urllib.error
import urllib.request
from collections.abc import Mapping

from scripts.subgraphs import Manifest, load, local_url

TIMEOUT_SECONDS = 120


def router_url(manifest: Manifest, environ: Mapping[str, str]) -> str:
    host = environ.get("ROUTER_HOST", "127.0.0.1")
    return f"http://{host}:{manifest.router.port_in(environ)}"


def readiness_checks(manifest: Manifest, environ: Mapping[str, str]) -> dict[str, str]:
    """Process name -> the URL that answers 200 once it is ready, on the ports `environ` sets."""
    return {
        **{
            subgraph.name: f"{local_url(subgraph.port_in(environ))}/readyz"
            for subgraph in manifest.subgraphs
        },
        "router": f"{router_url(manifest, environ)}/readiness",
    }


def is_ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback URLs)
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def main() -> None:
    manifest = load()
    deadline = time.monotonic() + TIMEOUT_SECONDS
    waiting = readiness_checks(manifest, os.environ)
    while waiting and time.monotonic() < deadline:
        waiting = {name: url for name, url in waiting.items() if not is_ready(url)}
        if waiting:
            time.sleep(0.5)
    if waiting:
        print(
            f"Still not ready after {TIMEOUT_SECONDS}s: {', '.join(waiting)} (see the logs above)",
            flush=True,
        )
    else:
        print(
            "\n  Stack ready.  GraphiQL: " + router_url(manifest, os.environ) + "/graphql\n"
            "  Sign up there, copy `access` into the headers pane as\n"
            '  {"Authorization": "Bearer <access>"}, then create and list posts.\n'
            "  Ctrl-C stops them all.\n",
            flush=True,
        )
    signal.pause()


if __name__ == "__main__":
    main()
