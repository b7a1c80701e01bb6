"""The `.env` that `docker compose up` reads: written once with fresh secrets, then key rotation.

Usage:
  python3 scripts/compose_env.py [PATH]                        write PATH (default: .env at the
                                                               repository root) from .env.example,
                                                               every empty secret filled in
  python3 scripts/compose_env.py --rotate-signing-key [PATH]   new JWT_PRIVATE_KEY; the current
                                                               public key joins
                                                               JWT_PREVIOUS_PUBLIC_KEYS
  python3 scripts/compose_env.py --drop-previous-keys [PATH]   empty JWT_PREVIOUS_PUBLIC_KEYS
                                                               once the old tokens have expired

Needs only Python 3 and the `openssl` command, not the project's virtualenv: a host that runs
the stack in Docker has no other reason to install it. Writing never replaces an existing file:
secrets are generated once, then rotated on purpose (docs/deploy.md). The file is compose's
alone: `make up` keeps its development settings in .env.development.
"""

from __future__ import annotations

import argparse
import re
import secrets
import subprocess
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
# URL-safe values: the database passwords go into DATABASE_URL unescaped.
RANDOM_SECRETS = (
    "SECRET_KEY",
    "USERS_SECRET_KEY",
    "POSTS_SECRET_KEY",
    "ROUTER_SHARED_SECRET",
    "POSTGRES_PASSWORD",
    "USERS_DB_PASSWORD",
    "POSTS_DB_PASSWORD",
)
ASSIGNMENT = re.compile(r"^(?P<name>[A-Z][A-Z0-9_]*)=(?P<value>.*)$")
# What scripts/dev_env.py writes and no compose file has: a development .env from before
# development moved to .env.development.
DEVELOPMENT_FILE = re.compile(r"^DEBUG=true$", re.MULTILINE)


def openssl(*arguments: str, stdin: str | None = None) -> str:
    return subprocess.run(
        ["openssl", *arguments], input=stdin, check=True, capture_output=True, text=True
    ).stdout


def new_private_key() -> str:
    """A 2048-bit RSA key for RS256, PKCS#8 PEM."""
    return openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048")


def env_value(pem: str) -> str:
    """A PEM (or several) as one .env value: double-quoted, on one line with `\\n` escapes."""
    one_line = pem.strip().replace("\n", "\\n")
    return f'"{one_line}"'


def pem_from_env_value(value: str) -> str:
    return value.strip().strip("\"'").replace("\\n", "\n")


def with_values(text: str, values: dict[str, str], *, only_empty: bool) -> str:
    """`text` (a .env file) with the given variables' lines set; other lines kept as they are."""
    remaining = dict(values)
    lines = []
    for line in text.splitlines():
        match = ASSIGNMENT.match(line)
        if match and match["name"] in remaining and not (only_empty and match["value"]):
            line = f"{match['name']}={remaining.pop(match['name'])}"
        lines.append(line)
    if remaining:
        raise SystemExit(f"no {'empty ' if only_empty else ''}line for {', '.join(remaining)}")
    return "\n".join(lines) + "\n"


def current_value(text: str, name: str) -> str:
    for line in text.splitlines():
        match = ASSIGNMENT.match(line)
        if match and match["name"] == name:
            return match["value"]
    raise SystemExit(f"{name} is not in the file")


def production_env(example: str) -> str:
    generated = {name: secrets.token_urlsafe(48) for name in RANDOM_SECRETS}
    generated["JWT_PRIVATE_KEY"] = env_value(new_private_key())
    return with_values(example, generated, only_empty=True)


def rotated_signing_key(text: str) -> str:
    """A new signing key; the current one's public half stays published until old tokens expire."""
    current_key = pem_from_env_value(current_value(text, "JWT_PRIVATE_KEY"))
    if not current_key:
        raise SystemExit("JWT_PRIVATE_KEY is empty: nothing to rotate")
    previous_keys = pem_from_env_value(current_value(text, "JWT_PREVIOUS_PUBLIC_KEYS"))
    retired_public_key = openssl("pkey", "-pubout", stdin=current_key)
    return with_values(
        text,
        {
            "JWT_PRIVATE_KEY": env_value(new_private_key()),
            "JWT_PREVIOUS_PUBLIC_KEYS": env_value(f"{retired_public_key}{previous_keys}"),
        },
        only_empty=False,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--rotate-signing-key", action="store_true")
    action.add_argument("--drop-previous-keys", action="store_true")
    parser.add_argument("path", nargs="?", type=Path, default=REPO_ROOT / ".env")
    arguments = parser.parse_args()
    target: Path = arguments.path

    if arguments.rotate_signing_key or arguments.drop_previous_keys:
        text = target.read_text()
        if arguments.rotate_signing_key:
            target.write_text(rotated_signing_key(text))
            print(f"{target}: new JWT_PRIVATE_KEY, the previous public key kept in the JWKS")
        else:
            target.write_text(with_values(text, {"JWT_PREVIOUS_PUBLIC_KEYS": ""}, only_empty=False))
            print(f"{target}: JWT_PREVIOUS_PUBLIC_KEYS emptied")
        return 0

    if target.exists():
        if DEVELOPMENT_FILE.search(target.read_text()):
            raise SystemExit(
                f"{target} holds development settings (DEBUG=true) that docker compose would read."
                f"\n`make up` now keeps them in .env.development: run `mv {target} "
                f"{target.with_name('.env.development')}`, then run this again."
            )
        print(f"{target} exists; keeping it")
        return 0
    content = production_env((REPO_ROOT / ".env.example").read_text())
    target.touch(mode=0o600)
    target.write_text(content)
    print(f"wrote {target} with fresh secrets; review CORS_ALLOWED_ORIGINS before going live")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
