"""Token signing settings for tests that switch keys or algorithms, as an operator would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import environ
from django.conf import settings

from users_subgraph.settings.token_signing import token_signing_settings


def signing_settings(
    *, debug: bool = False, base_dir: Path | None = None, **environment: str
) -> dict[str, Any]:
    """The settings the service would compute from these JWT_* environment variables."""
    env = environ.Env()
    env.ENVIRON = environment
    return token_signing_settings(
        env,
        debug=debug,
        base_dir=base_dir or settings.BASE_DIR,
        verification=settings.JWT_VERIFICATION,
    )


def apply(settings_fixture: Any, computed: dict[str, Any]) -> None:
    for name, value in computed.items():
        setattr(settings_fixture, name, value)
