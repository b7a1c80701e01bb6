"""Headless Chromium against the real stack: GraphiQL on the router, and the web client.

Playwright (the Python package) drives Debian's Chromium (scripts/ensure_chromium.sh); it never
downloads a browser of its own. The web client (examples/web) is built with the stack's router URL
and served by `vite preview` from another origin, which the router lists in CORS_ALLOWED_ORIGINS.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, Request, expect, sync_playwright

from tests.support.stack import REPO_ROOT, ServiceProcess, Stack, free_port, running_stack

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
# Headless, no sandbox (the tests run as root), and nothing that calls home.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 800}
WEB_DIR = REPO_ROOT / "examples" / "web"

# Signing up hashes a password (Argon2) on a 2-core machine that other tests also load.
expect.set_options(timeout=15_000)


@pytest.fixture(scope="session")
def web_port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory, web_port: int) -> Iterator[Stack]:
    browser_env = {
        "CORS_ALLOWED_ORIGINS": f"http://127.0.0.1:{web_port}",
        # A production router with GraphiQL (it needs introspection, off by default there).
        "ROUTER_INTROSPECTION": "true",
        # The mailed verification and reset links open the web client's pages.
        "FRONTEND_BASE_URL": f"http://127.0.0.1:{web_port}",
    }
    with running_stack(tmp_path_factory.mktemp("stack"), extra_env=browser_env) as running:
        yield running


@pytest.fixture(scope="session")
def web_app_url(
    tmp_path_factory: pytest.TempPathFactory, stack: Stack, web_port: int
) -> Iterator[str]:
    """examples/web built against this stack's router (type check included), served by vite."""
    work_dir = tmp_path_factory.mktemp("web")
    build_dir = work_dir / "dist"
    env = {**os.environ, "VITE_GRAPHQL_URL": f"{stack.router_url}/graphql"}
    build = subprocess.run(
        ["npm", "run", "--silent", "build", "--", "--outDir", str(build_dir), "--emptyOutDir"],
        cwd=WEB_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if build.returncode != 0:
        pytest.fail(f"examples/web does not build:\n{build.stdout}\n{build.stderr}")
    url = f"http://127.0.0.1:{web_port}"
    server = ServiceProcess(
        name="web",
        command=[
            str(WEB_DIR / "node_modules" / ".bin" / "vite"),
            "preview",
            "--outDir",
            str(build_dir),
            "--host",
            "127.0.0.1",
            "--port",
            str(web_port),
            "--strictPort",
        ],
        cwd=WEB_DIR,
        env=env,
        health_url=url,
        log_path=work_dir / "vite.log",
    )
    server.start()
    try:
        server.wait_until_healthy()
        yield url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure_chromium.sh (or set CHROMIUM_PATH)")
    # launch() gives the browser a fresh temporary profile (user data dir) of its own.
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page_requests() -> list[Request]:
    """Every request the test's page makes, in order."""
    return []


@pytest.fixture
def page(
    browser: Browser,
    page_requests: list[Request],
    stack: Stack,
    request: pytest.FixtureRequest,
    tmp_path: Path,
) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.on("request", lambda sent: page_requests.append(sent))
    failures_before = request.session.testsfailed
    yield page
    if request.session.testsfailed > failures_before:
        page.screenshot(path=tmp_path / "failure.png")
        print(f"page at failure: {page.url}, screenshot {tmp_path / 'failure.png'}")
        print(stack.logs())
    context.close()


def assert_only_local_requests(requests: list[Request]) -> None:
    """The page reached nothing beyond this machine: http://127.0.0.1, data: and blob: only."""
    assert requests, "the page made no request at all"
    remote = [
        sent.url
        for sent in requests
        if not sent.url.startswith(("http://127.0.0.1:", "data:", "blob:"))
    ]
    assert remote == [], remote
