"""Write a development `.env` (DEBUG on, fresh secrets and an RS256 key pair) unless one exists.

Usage: python scripts/dev_env.py [PATH]   (default: .env at the repository root)
"""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

from subgraph_kit.keys import generate_private_key_pem, public_key_pem

REPO_ROOT = Path(__file__).resolve().parents[1]


def one_line(pem: str) -> str:
    # Multi-line values are not portable across .env readers (honcho, docker compose, environ).
    return pem.strip().replace("\n", "\\n")


def development_env() -> str:
    private_key = generate_private_key_pem()
    return "\n".join(
        [
            "# Development settings written by `make up` (scripts/dev_env.py). Never commit it.",
            "# Every variable is documented in .env.example.",
            "DEBUG=true",
            f"SECRET_KEY={secrets.token_urlsafe(50)}",
            "JWT_ALGORITHM=RS256",
            f'JWT_PRIVATE_KEY="{one_line(private_key)}"',
            f'JWT_PUBLIC_KEY="{one_line(public_key_pem(private_key))}"',
            "CORS_ALLOWED_ORIGINS=http://127.0.0.1:5173,http://localhost:5173",
            "",
        ]
    )


def main() -> int:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO_ROOT / ".env"
    if target.exists():
        print(f"{target} exists; keeping it")
        return 0
    target.write_text(development_env())
    target.chmod(0o600)
    print(f"wrote {target} with fresh development secrets")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
