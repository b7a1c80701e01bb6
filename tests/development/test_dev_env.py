"""scripts/dev_env.py: the development settings `make up` writes, apart from compose's `.env`."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from scripts.dev_env import DEV_ENV_FILE, DEVELOPMENT_RATE_LIMITS
from tests.support.stack import RATE_LIMIT_VARIABLES, REPO_ROOT

ENV_EXAMPLE = REPO_ROOT / ".env.example"
PERIOD_SECONDS = {"s": 1, "min": 60, "h": 3600, "d": 86400}
LIMIT = re.compile(r"^(?P<count>\d+)/(?P<periods>\d*)(?P<unit>s|min|h|d)$")


def per_hour(limit: str) -> float:
    match = LIMIT.match(limit)
    assert match, f"not a <count>/<period> limit: {limit}"
    period = int(match["periods"] or 1) * PERIOD_SECONDS[match["unit"]]
    return int(match["count"]) * 3600 / period


def dotenv_values(path: Path) -> dict[str, str]:
    lines = (line for line in path.read_text().splitlines() if not line.startswith("#"))
    return dict(line.split("=", 1) for line in lines if "=" in line)


def test_written_to_its_own_file_never_to_composes_env() -> None:
    assert DEV_ENV_FILE == REPO_ROOT / ".env.development"
    gitignored = subprocess.run(
        ["git", "check-ignore", "--quiet", str(DEV_ENV_FILE)], cwd=REPO_ROOT, check=False
    )
    assert gitignored.returncode == 0, ".env.development holds secrets: it must stay uncommitted"


def test_rate_limits_leave_room_for_one_developers_browser_graphiql_and_scripts(
    tmp_path: Path,
) -> None:
    target = tmp_path / ".env.development"
    subprocess.run([sys.executable, "scripts/dev_env.py", str(target)], cwd=REPO_ROOT, check=True)
    written = dotenv_values(target)
    production = dotenv_values(ENV_EXAMPLE)
    example_text = ENV_EXAMPLE.read_text()

    assert set(DEVELOPMENT_RATE_LIMITS) == set(RATE_LIMIT_VARIABLES)
    for name in RATE_LIMIT_VARIABLES:
        assert written[name] == DEVELOPMENT_RATE_LIMITS[name]
        # At least ten times the production default, and still a limit.
        assert per_hour(written[name]) >= 10 * per_hour(production[name]), name
        # .env.example states the development value beside the production default.
        assert written[name] in example_text, f"{name}={written[name]} not in .env.example"
    assert per_hour(written["RATE_LIMIT_SIGNUP_PER_CLIENT"]) >= 1000
