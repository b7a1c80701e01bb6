"""Health check of a task worker (compose's `users-worker`): healthy while its heartbeat file is
fresh. The worker touches it after each sweep that reached the database (subgraph_kit.tasks),
at least every 60 s; a worker that died, hangs or has lost its database stops touching it.
Standard library only, so the check costs a bare interpreter start.
"""

import os
import sys
import tempfile
import time

STALE_AFTER_SECONDS = 180

path = os.environ.get("TASK_WORKER_HEARTBEAT_FILE") or os.path.join(
    tempfile.gettempdir(), "task-worker-heartbeat"
)
try:
    age = time.time() - os.stat(path).st_mtime
except OSError:
    sys.exit(1)
sys.exit(0 if age < STALE_AFTER_SECONDS else 1)
