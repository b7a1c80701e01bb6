"""Settings of the posts subgraph, read from the environment.

Everything the subgraphs share (core, apps, database, static files, CORS, token verification,
logging) comes from `subgraph_kit.settings`; see /work/briefs/posts-notes.md for the variables.
This service verifies access tokens and signs none, so with DEBUG off it refuses to start unless
its verification key is configured explicitly (JWT_PUBLIC_KEY or JWT_JWKS_URL; JWT_SECRET_KEY
for HS256).
"""

from pathlib import Path

from subgraph_kit.settings import load_environment, rate_limit_settings, subgraph_settings

BASE_DIR = Path(__file__).resolve().parents[2]
# Writes per user (posts/rate_limits.py), one RATE_LIMIT_* variable each: `<count>/<period>` or
# `off`. Generous for people, and a bound on what one account can store per hour.
DEFAULT_RATES = {
    "POST_CREATE_PER_USER": "60/h",
    "POST_UPDATE_PER_USER": "300/h",
}

_env = load_environment()
globals().update(
    subgraph_settings(
        service_name="posts",
        base_dir=BASE_DIR,
        local_apps=["posts"],
        env=_env,
        verification_key_required=True,
    )
)
globals().update(
    rate_limit_settings(_env, default_rates=DEFAULT_RATES, counter_model="posts.RateLimitCounter")
)

# What `/graphql` serves, outside Django's URLs (subgraph_kit.asgi, subgraph_kit.graphql_endpoint).
GRAPHQL_APPLICATION = "posts.schema.graphql_application"
