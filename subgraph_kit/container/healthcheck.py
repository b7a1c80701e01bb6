"""Container health probe: exit status 0 when this container's server answers 200 on a path.

Used by the subgraph images' HEALTHCHECK and by compose.yaml (`healthcheck.py /readyz`). The slim
Python image has no curl; the standard library is enough.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request

TIMEOUT_SECONDS = 3.0


def probe(path: str) -> int:
    url = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}{path}"
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError) as error:
        print(f"{url}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(probe(sys.argv[1] if len(sys.argv) > 1 else "/readyz"))
