"""The password hasher of the users service: Argon2id in bounded memory.

With Django's Argon2 defaults (100 MiB, 8 lanes) every hash allocates 100 MiB, and every request
hashes in a thread of its own: a burst of logins would allocate 100 MiB per login at once, enough
to have a worker killed under a container's memory limit. Here each hash uses OWASP's Argon2id
minimum (19 MiB, 2 passes, 1 lane: the Password Storage Cheat Sheet), and at most
PASSWORD_HASHING_CONCURRENCY hashes run at once per process; the others wait for a slot. A hash
stored with other parameters is verified with its own (100 MiB for Django's defaults) until the
login re-hashes it.
"""

from __future__ import annotations

import threading
from functools import cache

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher


@cache
def hashing_slots() -> threading.BoundedSemaphore:
    """The process's hashing slots: a hash holds one while it runs."""
    return threading.BoundedSemaphore(settings.PASSWORD_HASHING_CONCURRENCY)


class BoundedArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with OWASP's parameters, a limited number of hashes at a time.

    The algorithm name stays `argon2`: hashes made with Django's defaults are the same format and
    verify here with the parameters they carry, and `must_update` (parameters differ) has Django
    re-hash them with these parameters at the next successful login.
    """

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1

    def encode(self, password: str, salt: str) -> str:
        with hashing_slots():
            return super().encode(password, salt)

    def verify(self, password: str, encoded: str) -> bool:
        with hashing_slots():
            return super().verify(password, encoded)
