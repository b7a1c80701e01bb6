"""Instructions per request: scenario 2's calls to each subgraph, counted under valgrind.

`make bench` measures CPU time, which moves with the machine's speed: by up to 2x between runs
on the same machine, more than most changes to the code. The number of instructions a request
executes does not: run this on two versions of the code to compare them, to a fraction of a
percent (each from its own tree, e.g. a `git worktree`, with this tree's virtualenv).

Each subgraph serves its part of scenario 2 (2a: the posts page; 2b: users' `_entities`) in
its own process, in-process through its ASGI application (the production path from the kit's
layers down, uvicorn's HTTP handling aside), against a fresh PostgreSQL database. The process
runs twice under cachegrind, with no requests and then with `--requests`; the difference divided
by the requests is one request's instructions in user space, every thread counted. What it leaves
out, `make bench` has: the kernel's time (system calls, the network), uvicorn, PostgreSQL.

    .venv/bin/python -m bench.instructions [--requests 200]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.dataset import DESCRIPTION, post_id, post_title, user_email, user_id
from bench.postgres import PostgresServer
from bench.scenarios import AUTHORS_FROM_USERS, MY_POSTS_FROM_POSTS
from tests.support.stack import REPO_ROOT

ROUTER_SECRET = secrets.token_urlsafe(32)
JWT_SECRET = secrets.token_urlsafe(48)
# A full page and then some: the page query reads one row past the page.
POSTS = 25
WARMUP_REQUESTS = 50


@dataclass(frozen=True, slots=True)
class Target:
    label: str
    service: str
    operation: str
    variables: dict[str, object]


TARGETS = (
    Target(
        "2a posts page (posts direct)",
        "posts",
        MY_POSTS_FROM_POSTS,
        {"first": 20},
    ),
    Target(
        "2b _entities (users direct)",
        "users",
        AUTHORS_FROM_USERS,
        {"representations": [{"__typename": "User", "id": str(user_id(0))}]},
    ),
)

INSTRUCTIONS = re.compile(r"I\s+refs:\s+([\d,]+)")


def instructions_from_cachegrind(stderr: str) -> int:
    """The process's instruction count from cachegrind's summary ("I refs: 1,234")."""
    match = INSTRUCTIONS.search(stderr)
    if match is None:
        raise RuntimeError(f"no instruction count in valgrind's output:\n{stderr[-2000:]}")
    return int(match.group(1).replace(",", ""))


def service_env(service: str, database_url: str) -> dict[str, str]:
    return {
        **{key: value for key, value in os.environ.items() if key != "DATABASE_URL"},
        "ENV_FILE": os.devnull,
        "DJANGO_SETTINGS_MODULE": f"{service}_subgraph.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CORS_ALLOWED_ORIGINS": "http://127.0.0.1:5173",
        "ROUTER_SHARED_SECRET": ROUTER_SECRET,
        # A remembered token skips its signature check (subgraph_kit.tokens) whatever the
        # algorithm: HS256 spares the users service an RSA key of its own here.
        "JWT_ALGORITHM": "HS256",
        "JWT_SECRET_KEY": JWT_SECRET,
        "LOG_LEVEL": "INFO",
        # Required by the users service with DEBUG off; nothing here sends mail or calls posts.
        "EMAIL_HOST": "127.0.0.1",
        "DEFAULT_FROM_EMAIL": "accounts@example.com",
        "FRONTEND_BASE_URL": "http://127.0.0.1:5173",
        "POSTS_INTERNAL_URL": "http://127.0.0.1:4002",
        "DATABASE_URL": database_url,
        # This tree's kit first, before the virtualenv's editable install (another tree's, when
        # comparing two versions checked out side by side).
        "PYTHONPATH": os.pathsep.join(
            str(path)
            for path in (REPO_ROOT / "subgraph_kit", REPO_ROOT, REPO_ROOT / f"{service}_subgraph")
        ),
    }


def seed(postgres: PostgresServer) -> dict[str, str]:
    """The two services' databases, migrated: one user, owning POSTS posts."""
    urls = {}
    for service in ("users", "posts"):
        urls[service] = postgres.create_database(service)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
            cwd=REPO_ROOT / f"{service}_subgraph",
            env=service_env(service, urls[service]),
            check=True,
        )
    now = dt.datetime.now(tz=dt.UTC)
    with postgres.connect("users") as connection:
        connection.execute(
            'INSERT INTO "user" (id, password, is_superuser, email, is_active, is_verified, '
            "is_staff, date_joined) VALUES (%s, '!', false, %s, true, true, false, %s)",
            (user_id(0), user_email(0), now),
        )
    with postgres.connect("posts") as connection, connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO posts_post (id, user_id, title, description, created) "
            "VALUES (%s, %s, %s, %s, %s)",
            [
                (post_id(index), user_id(0), post_title(index), DESCRIPTION, now.date())
                for index in range(POSTS)
            ],
        )
    return urls


def count(target: Target, database_url: str, requests: int) -> int:
    """The instructions of a serving process that answers `requests` requests (after warm-up)."""
    command = ["valgrind", "--tool=cachegrind", "--cache-sim=no"]
    command += ["--cachegrind-out-file=/dev/null", sys.executable, "-m", "bench.in_process"]
    command += [target.service, target.operation, json.dumps(target.variables)]
    command += [str(WARMUP_REQUESTS), str(requests), JWT_SECRET, ROUTER_SECRET, str(user_id(0))]
    completed = subprocess.run(
        command,
        cwd=REPO_ROOT,
        env=service_env(target.service, database_url),
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"{target.label} failed:\n{completed.stderr[-3000:]}")
    return instructions_from_cachegrind(completed.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.instructions", description=__doc__)
    parser.add_argument("--requests", type=int, default=200, help="requests counted (200)")
    arguments = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (Debian: apt-get install valgrind)")
    postgres = PostgresServer(Path(tempfile.mkdtemp(prefix="bench-instructions-")))
    postgres.start()
    try:
        urls = seed(postgres)
        for target in TARGETS:
            idle = count(target, urls[target.service], 0)
            busy = count(target, urls[target.service], arguments.requests)
            per_request = (busy - idle) / arguments.requests
            print(f"{target.label:34s} {per_request / 1e6:6.2f} M instructions per request")
    finally:
        postgres.stop()
        shutil.rmtree(postgres.data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
