"""Token signing settings: keys from the environment, the development key, rotation, HS256."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from accounts.tests.signing import signing_settings
from subgraph_kit.keys import generate_private_key_pem, public_key_pem
from users_subgraph.settings.token_signing import development_private_key


def one_line(pem: str) -> str:
    return pem.strip().replace("\n", "\\n")


def test_rs256_signs_with_the_private_key_and_publishes_its_public_key() -> None:
    private_key = generate_private_key_pem()

    computed = signing_settings(JWT_PRIVATE_KEY=one_line(private_key))

    assert computed["SIMPLE_JWT"]["ALGORITHM"] == "RS256"
    assert computed["SIMPLE_JWT"]["SIGNING_KEY"] == private_key.strip()
    assert computed["JWKS_PUBLIC_KEYS"] == [public_key_pem(private_key)]
    assert computed["JWT_VERIFICATION"]["public_key"] == public_key_pem(private_key)
    assert computed["JWT_VERIFICATION"]["jwks_url"] is None


def test_lifetimes_come_from_the_environment() -> None:
    computed = signing_settings(
        JWT_PRIVATE_KEY=generate_private_key_pem(),
        JWT_ACCESS_TOKEN_LIFETIME_MINUTES="15",
        JWT_REFRESH_TOKEN_LIFETIME_MINUTES="60",
    )

    assert computed["SIMPLE_JWT"]["ACCESS_TOKEN_LIFETIME"].total_seconds() == 15 * 60
    assert computed["SIMPLE_JWT"]["REFRESH_TOKEN_LIFETIME"].total_seconds() == 60 * 60


@pytest.mark.parametrize("separator", ["", "\n", "\\n", " "])
def test_previous_public_keys_are_published_after_the_current_one(separator: str) -> None:
    current = generate_private_key_pem()
    previous = [public_key_pem(generate_private_key_pem()) for _ in range(2)]

    computed = signing_settings(
        JWT_PRIVATE_KEY=current,
        JWT_PREVIOUS_PUBLIC_KEYS=separator.join(one_line(pem) for pem in previous),
    )

    assert computed["JWKS_PUBLIC_KEYS"] == [public_key_pem(current), *previous]


def test_previous_public_keys_without_any_pem_are_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="JWT_PREVIOUS_PUBLIC_KEYS"):
        signing_settings(JWT_PRIVATE_KEY=generate_private_key_pem(), JWT_PREVIOUS_PUBLIC_KEYS="x")


def test_an_invalid_private_key_is_refused_by_name() -> None:
    with pytest.raises(ImproperlyConfigured, match="JWT_PRIVATE_KEY"):
        signing_settings(
            JWT_PRIVATE_KEY="-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----"
        )


def test_hs256_needs_a_long_enough_secret() -> None:
    with pytest.raises(ImproperlyConfigured, match="JWT_SECRET_KEY must be at least 32 bytes"):
        signing_settings(JWT_ALGORITHM="HS256", JWT_SECRET_KEY="short")


def test_hs256_signs_with_the_secret_and_publishes_no_key() -> None:
    computed = signing_settings(JWT_ALGORITHM="HS256", JWT_SECRET_KEY="s" * 32)

    assert computed["SIMPLE_JWT"]["SIGNING_KEY"] == "s" * 32
    assert computed["JWKS_PUBLIC_KEYS"] == []
    assert computed["JWT_VERIFICATION"]["secret_key"] == "s" * 32


def test_other_algorithms_are_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="JWT_ALGORITHM must be one of RS256, HS256"):
        signing_settings(JWT_ALGORITHM="none")


def test_the_development_key_is_generated_once_then_reused(tmp_path) -> None:
    key_file = tmp_path / ".jwt-dev" / "private.pem"

    first = development_private_key(key_file)
    second = development_private_key(key_file)

    assert first == second
    assert public_key_pem(first)
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert list(key_file.parent.iterdir()) == [key_file]


def test_with_debug_on_and_no_private_key_the_development_key_is_used(tmp_path) -> None:
    computed = signing_settings(debug=True, base_dir=tmp_path)

    development_key = (tmp_path / ".jwt-dev" / "private.pem").read_text()
    assert computed["SIMPLE_JWT"]["SIGNING_KEY"] == development_key
    assert signing_settings(debug=True, base_dir=tmp_path) == computed
