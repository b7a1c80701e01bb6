"""Part of `make up`: waits until the router and both subgraphs answer, then prints where to go.

It stays alive afterwards because honcho stops the whole stack when any of its processes exits.
"""

from __future__ import annotations

import os
import signal
import time
import urllib.error
import urllib.request

ROUTER_URL = (
    f"http://{os.environ.get('ROUTER_HOST', '127.0.0.1')}:{os.environ.get('ROUTER_PORT', '4000')}"
)
CHECKS = {
    "users": "http://127.0.0.1:4001/readyz",
    "posts": "http://127.0.0.1:4002/readyz",
    "router": f"{ROUTER_URL}/readiness",
}
TIMEOUT_SECONDS = 120


def is_ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (fixed loopback URLs)
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def main() -> None:
    deadline = time.monotonic() + TIMEOUT_SECONDS
    waiting = dict(CHECKS)
    while waiting and time.monotonic() < deadline:
        waiting = {name: url for name, url in waiting.items() if not is_ready(url)}
        if waiting:
            time.sleep(0.5)
    if waiting:
        print(
            f"Still not ready after {TIMEOUT_SECONDS}s: {', '.join(waiting)} (see the logs above)"
        )
    else:
        print(
            "\n  Stack ready.  GraphiQL: " + ROUTER_URL + "/graphql\n"
            "  Sign up there, copy `access` into the headers pane as\n"
            '  {"Authorization": "Bearer <access>"}, then create and list posts.\n'
            "  Ctrl-C stops all three.\n",
            flush=True,
        )
    signal.pause()


if __name__ == "__main__":
    main()
