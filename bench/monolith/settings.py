"""Production settings of the baseline monolith: the subgraphs' own settings (subgraph_kit), so the
comparison measures what GraphQL and federation add, not a different configuration.

Same middleware, logging, metrics, database pool and token verification as a subgraph; only the
router secret is left out (no router stands in front of a monolith) and GraphQL is not installed.
DEBUG is off; SECRET_KEY, ALLOWED_HOSTS, CORS_ALLOWED_ORIGINS, DATABASE_URL and JWT_PUBLIC_KEY
come from the harness (bench/stack.py).
"""

from pathlib import Path

from subgraph_kit.settings import subgraph_settings

BASE_DIR = Path(__file__).resolve().parent

_shared = subgraph_settings(
    service_name="monolith",
    base_dir=BASE_DIR,
    local_apps=["bench.monolith"],
    verification_key_required=True,
)
globals().update(_shared)

INSTALLED_APPS = [app for app in _shared["INSTALLED_APPS"] if app != "strawberry_django"]
MIDDLEWARE = [
    middleware
    for middleware in _shared["MIDDLEWARE"]
    if middleware != "subgraph_kit.router_secret.RouterSecretMiddleware"
]
ROOT_URLCONF = "bench.monolith.urls"
ASGI_APPLICATION = "bench.monolith.asgi.application"
