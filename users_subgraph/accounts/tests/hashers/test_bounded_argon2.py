"""The production hasher: Argon2id with OWASP's parameters, a bounded number of hashes at once."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import argon2
import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, identify_hasher, make_password

from accounts.hashers import BoundedArgon2PasswordHasher
from users_subgraph.settings.passwords import PASSWORD_HASHERS

# OWASP Password Storage Cheat Sheet, Argon2id: at least 19 MiB of memory, 2 passes, 1 lane.
OWASP_MIN_MEMORY_KIB = 19 * 1024
OWASP_MIN_TIME_COST = 2


def test_new_hashes_are_argon2id_with_owasp_parameters(settings) -> None:
    settings.PASSWORD_HASHERS = PASSWORD_HASHERS

    encoded = make_password("correct horse battery staple")

    assert encoded.startswith("argon2$argon2id$")
    parameters = argon2.extract_parameters(encoded.removeprefix("argon2"))
    assert parameters.type is argon2.Type.ID
    assert parameters.memory_cost == OWASP_MIN_MEMORY_KIB
    assert parameters.time_cost == OWASP_MIN_TIME_COST
    assert parameters.parallelism == 1


def test_hashes_made_with_djangos_defaults_verify_through_the_bounded_hasher(settings) -> None:
    settings.PASSWORD_HASHERS = PASSWORD_HASHERS
    old_hash = Argon2PasswordHasher().encode("old password", Argon2PasswordHasher().salt())

    hasher = identify_hasher(old_hash)

    assert type(hasher) is BoundedArgon2PasswordHasher
    assert hasher.verify("old password", old_hash)
    assert not hasher.verify("another password", old_hash)
    assert hasher.must_update(old_hash)
    assert not hasher.must_update(make_password("new password"))


def test_hashes_run_at_most_two_at_once_in_two_threads(settings, monkeypatch) -> None:
    """However many requests hash at once: two threads, so two memory arenas (accounts.hashers)."""
    running = 0
    most_running = 0
    hashing_threads: set[int] = set()
    lock = threading.Lock()

    def slow_hash(self: Argon2PasswordHasher, password: str, salt: str) -> str:
        nonlocal running, most_running
        with lock:
            running += 1
            most_running = max(most_running, running)
            hashing_threads.add(threading.get_ident())
        time.sleep(0.05)
        with lock:
            running -= 1
        return f"argon2${password}"

    monkeypatch.setattr(Argon2PasswordHasher, "encode", slow_hash)
    hasher = BoundedArgon2PasswordHasher()

    with ThreadPoolExecutor(max_workers=8) as requests:
        results = list(requests.map(lambda index: hasher.encode(f"p{index}", "salt"), range(8)))

    assert results == [f"argon2$p{index}" for index in range(8)]
    assert most_running == settings.ARGON2_CONCURRENCY == 2
    assert len(hashing_threads) == 2


def test_an_error_in_a_hashing_thread_reaches_the_caller(monkeypatch) -> None:
    def failing_verify(self: Argon2PasswordHasher, password: str, encoded: str) -> bool:
        raise ValueError("unreadable hash")

    monkeypatch.setattr(Argon2PasswordHasher, "verify", failing_verify)

    with pytest.raises(ValueError, match="unreadable hash"):
        BoundedArgon2PasswordHasher().verify("password", "argon2$...")
