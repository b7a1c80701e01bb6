#!/bin/sh
# Serves a subgraph with uvicorn: the command of every subgraph image (the Dockerfile beside this
# file). Every setting is an environment variable, so compose, a test or an operator changes them
# without rebuilding:
#   ASGI_APP             the application, e.g. users_subgraph.asgi:application (required)
#   HOST, PORT           where to listen (0.0.0.0:8000: the container's network interface)
#   WEB_CONCURRENCY      worker processes (2); each has its own database connection pool
#   GRACEFUL_SHUTDOWN_SECONDS  time given to in-flight requests on SIGTERM (10; below compose's
#                        stop_grace_period, so requests finish before the container is killed)
#   MALLOC_MMAP_THRESHOLD_  glibc malloc's fixed mmap threshold (1 MiB; see below)
#   PROMETHEUS_MULTIPROC_DIR  where the workers' metrics meet so /metrics sums them (a fresh
#                        temporary directory when WEB_CONCURRENCY > 1; a given one is emptied)
# uvicorn's own access log stays off: the kit logs one line per request, with its request id.
# Every line is JSON: uvicorn-logging.json formats the lines of uvicorn's supervisor (which never
# loads Django) and a worker's first ones; Django's LOGGING takes over in each worker. Django
# implements no ASGI lifespan, so uvicorn does not try it (its attempt logs a line of noise).
# No proxy headers: the client address the rate limits count is the router's X-Client-IP or the
# socket peer (subgraph_kit/client_address.py), never an X-Forwarded-For a caller could choose.
set -eu

: "${ASGI_APP:?ASGI_APP must name the ASGI application, e.g. users_subgraph.asgi:application}"

if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
  mkdir -p "$PROMETHEUS_MULTIPROC_DIR" && rm -f "$PROMETHEUS_MULTIPROC_DIR"/*.db
elif [ "${WEB_CONCURRENCY:-2}" -gt 1 ]; then
  PROMETHEUS_MULTIPROC_DIR="$(mktemp -d "${TMPDIR:-/tmp}/prometheus-metrics.XXXXXX")"
  export PROMETHEUS_MULTIPROC_DIR
fi

# glibc's malloc serves a block of 128 KiB or more with mmap, returned to the system when freed,
# but raises that threshold to the size of each such block freed, up to 32 MiB: after the first
# password hash (Argon2's 19 MiB) every later hash's memory came from the heap of its thread and
# stayed resident, about 20 MB per hashing thread and worker. A fixed threshold keeps large blocks
# on mmap. (Read by glibc at start-up; the images and the benchmark run on glibc.)
export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-1048576}"

# exec: uvicorn replaces this shell, so it receives the container's SIGTERM directly.
exec uvicorn "$ASGI_APP" \
  --host "${HOST:-0.0.0.0}" \
  --port "${PORT:-8000}" \
  --workers "${WEB_CONCURRENCY:-2}" \
  --no-proxy-headers \
  --timeout-graceful-shutdown "${GRACEFUL_SHUTDOWN_SECONDS:-10}" \
  --no-server-header \
  --no-access-log \
  --lifespan off \
  --log-config "$(dirname "$0")/uvicorn-logging.json"
