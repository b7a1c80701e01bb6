"""scripts/compose_env.py: the operator's .env for compose, and the signing key rotation."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from subgraph_kit.keys import public_key_pem
from tests.deploy.specs import ENV_EXAMPLE, REPO_ROOT, read_dotenv

COMPOSE_ENV_SCRIPT = REPO_ROOT / "scripts" / "compose_env.py"
PUBLIC_KEY = re.compile(r"-----BEGIN PUBLIC KEY-----.+?-----END PUBLIC KEY-----\n?", re.DOTALL)


def compose_env(*arguments: str) -> None:
    subprocess.run([sys.executable, str(COMPOSE_ENV_SCRIPT), *arguments], check=True)


def published_keys(value: str) -> list[str]:
    return [pem.strip() for pem in PUBLIC_KEY.findall(value)]


def test_fills_every_secret_compose_needs_once(tmp_path: Path):
    target = tmp_path / ".env"
    compose_env(str(target))
    written = read_dotenv(target)
    assert set(written) == set(read_dotenv(ENV_EXAMPLE))
    assert target.stat().st_mode & 0o077 == 0, "secrets readable by other users"
    for name in ("USERS_DB_PASSWORD", "POSTS_DB_PASSWORD", "ROUTER_SHARED_SECRET"):
        assert len(written[name]) >= 32
        # Database passwords go into DATABASE_URL unescaped.
        assert re.fullmatch(r"[A-Za-z0-9_-]+", written[name])
    assert written["USERS_SECRET_KEY"] != written["POSTS_SECRET_KEY"]
    assert written["JWT_PRIVATE_KEY"].startswith("-----BEGIN PRIVATE KEY-----\n")
    before = target.read_text()
    compose_env(str(target))
    assert target.read_text() == before, "an existing .env, with its secrets, is kept"


def test_rotation_keeps_publishing_the_retired_keys_until_they_are_dropped(tmp_path: Path):
    target = tmp_path / ".env"
    compose_env(str(target))
    original = read_dotenv(target)
    first_key = original["JWT_PRIVATE_KEY"]
    compose_env("--rotate-signing-key", str(target))
    second_key = read_dotenv(target)["JWT_PRIVATE_KEY"]
    compose_env("--rotate-signing-key", str(target))
    rotated = read_dotenv(target)

    assert len({first_key, second_key, rotated["JWT_PRIVATE_KEY"]}) == 3
    # Every retired key is still published, the most recent first.
    assert published_keys(rotated["JWT_PREVIOUS_PUBLIC_KEYS"]) == [
        public_key_pem(second_key).strip(),
        public_key_pem(first_key).strip(),
    ]
    # Nothing else changes.
    changed = {name for name in original if rotated[name] != original[name]}
    assert changed == {"JWT_PRIVATE_KEY", "JWT_PREVIOUS_PUBLIC_KEYS"}

    compose_env("--drop-previous-keys", str(target))
    assert read_dotenv(target)["JWT_PREVIOUS_PUBLIC_KEYS"] == ""
    assert read_dotenv(target)["JWT_PRIVATE_KEY"] == rotated["JWT_PRIVATE_KEY"]


def test_a_development_env_left_by_an_older_make_up_is_named_not_kept(tmp_path: Path):
    target = tmp_path / ".env"
    subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / "dev_env.py"), str(target)], check=True
    )
    before = target.read_text()
    refused = subprocess.run(
        [sys.executable, str(COMPOSE_ENV_SCRIPT), str(target)], capture_output=True, text=True
    )
    assert refused.returncode != 0
    assert "development settings" in refused.stderr
    assert ".env.development" in refused.stderr
    assert target.read_text() == before
