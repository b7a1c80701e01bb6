"""Sync code that opens a database connection, for the tests of where a request's sync code runs."""

import threading

from django.db import connection

# The threads the sync work ran on, kept (so never reused by another).
SYNC_WORK_THREADS: list[threading.Thread] = []


def query_on_this_thread() -> None:
    SYNC_WORK_THREADS.append(threading.current_thread())
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
