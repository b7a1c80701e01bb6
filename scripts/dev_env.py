"""Write the development settings (DEBUG on, fresh secrets, an RS256 key pair) unless they exist.

Usage: python scripts/dev_env.py [PATH]   (default: .env.development at the repository root)

The file is `make up`'s and the subgraphs' (subgraph_kit.settings reads it); the root `.env` is
docker compose's (scripts/compose_env.py), so the two never overwrite or shadow each other.
"""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

from subgraph_kit.keys import generate_private_key_pem, public_key_pem

REPO_ROOT = Path(__file__).resolve().parents[1]
DEV_ENV_FILE = REPO_ROOT / ".env.development"
# On a developer's machine the browser, GraphiQL, scripts and curl all come from 127.0.0.1, one
# client to the per-client limits: the production defaults (.env.example) would let them share 20
# sign-ups an hour. These stay limits, so RATE_LIMITED still shows up against a runaway loop.
DEVELOPMENT_RATE_LIMITS = {
    "RATE_LIMIT_LOGIN_PER_CLIENT": "300/min",
    "RATE_LIMIT_LOGIN_FAILURES_PER_EMAIL_AND_CLIENT": "50/15min",
    "RATE_LIMIT_LOGIN_FAILURES_PER_EMAIL": "500/h",
    "RATE_LIMIT_SIGNUP_PER_CLIENT": "1000/h",
    "RATE_LIMIT_SIGNUP_PER_EMAIL": "100/h",
    "RATE_LIMIT_REFRESH_PER_CLIENT": "600/min",
    "RATE_LIMIT_POST_CREATE_PER_USER": "600/h",
    "RATE_LIMIT_POST_UPDATE_PER_USER": "3000/h",
    "RATE_LIMIT_VERIFICATION_EMAIL_PER_CLIENT": "1000/h",
    "RATE_LIMIT_VERIFICATION_EMAIL_PER_EMAIL": "50/h",
    "RATE_LIMIT_PASSWORD_RESET_PER_CLIENT": "1000/h",
    "RATE_LIMIT_PASSWORD_RESET_PER_EMAIL": "50/h",
}


def one_line(pem: str) -> str:
    # Multi-line values are not portable across .env readers (honcho, docker compose, environ).
    return pem.strip().replace("\n", "\\n")


def development_env() -> str:
    private_key = generate_private_key_pem()
    return "\n".join(
        [
            "# Development settings written by `make up` (scripts/dev_env.py). Never commit it.",
            "# Every variable is documented in .env.example. docker compose reads .env instead.",
            "DEBUG=true",
            f"SECRET_KEY={secrets.token_urlsafe(50)}",
            "JWT_ALGORITHM=RS256",
            f'JWT_PRIVATE_KEY="{one_line(private_key)}"',
            f'JWT_PUBLIC_KEY="{one_line(public_key_pem(private_key))}"',
            "CORS_ALLOWED_ORIGINS=http://127.0.0.1:5173,http://localhost:5173",
            # No EMAIL_HOST: mail is printed in `make up`'s output, links to the web example.
            "ACCOUNT_EMAIL_VERIFICATION=optional",
            "FRONTEND_BASE_URL=http://127.0.0.1:5173",
            *(f"{name}={limit}" for name, limit in DEVELOPMENT_RATE_LIMITS.items()),
            "",
        ]
    )


def main() -> int:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEV_ENV_FILE
    if target.exists():
        print(f"{target} exists; keeping it")
        return 0
    target.write_text(development_env())
    target.chmod(0o600)
    print(f"wrote {target} with fresh development secrets")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
