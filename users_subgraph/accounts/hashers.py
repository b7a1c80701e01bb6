"""The password hasher of the users service: Argon2id in bounded memory.

With Django's Argon2 defaults (100 MiB, 8 lanes) every hash allocates 100 MiB, and every request
hashes in a thread of its own: a burst of logins would allocate 100 MiB per login at once, enough
to have a worker killed under a container's memory limit. Here each hash uses OWASP's Argon2id
minimum (19 MiB, 2 passes, 1 lane: the Password Storage Cheat Sheet), and the hashes of a process
run in a pool of ARGON2_CONCURRENCY threads; other requests wait for one to be free.

A pool of threads, not a limit on the requests' own threads: glibc keeps the 19 MiB a thread has
freed in that thread's memory arena for its next allocation, so hashes run in the requests' own
threads keep up to 19 MiB resident per thread (over 300 MB for 25 concurrent logins), even two at a
time. The pool's few threads reuse theirs.

A hash stored with other parameters is verified with its own (100 MiB for Django's defaults) until
the login re-hashes it.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from typing import TypeVar

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher

Result = TypeVar("Result")


@cache
def hashing_threads() -> ThreadPoolExecutor:
    """The process's password-hashing threads."""
    return ThreadPoolExecutor(
        max_workers=settings.ARGON2_CONCURRENCY, thread_name_prefix="password-hashing"
    )


def _in_hashing_thread(function: Callable[..., Result], *args: object) -> Result:
    """Run `function(*args)` in a hashing thread and wait for its result (or exception)."""
    return hashing_threads().submit(function, *args).result()


class BoundedArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with OWASP's parameters, in the process's few hashing threads.

    The algorithm name stays `argon2`: hashes made with Django's defaults are the same format and
    verify here with the parameters they carry, and `must_update` (parameters differ) has Django
    re-hash them with these parameters at the next successful login.
    """

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1

    def encode(self, password: str, salt: str) -> str:
        return _in_hashing_thread(super().encode, password, salt)

    def verify(self, password: str, encoded: str) -> bool:
        return _in_hashing_thread(super().verify, password, encoded)
