"""Settings of the posts subgraph, read from the environment.

Everything the subgraphs share (core, apps, database, static files, CORS, token verification,
logging) comes from `subgraph_kit.settings`; see /work/briefs/posts-notes.md for the variables.
This service verifies access tokens and signs none, so with DEBUG off it refuses to start unless
its verification key is configured explicitly (JWT_PUBLIC_KEY or JWT_JWKS_URL; JWT_SECRET_KEY
for HS256).
"""

from pathlib import Path

from subgraph_kit.settings import subgraph_settings

BASE_DIR = Path(__file__).resolve().parents[2]

globals().update(
    subgraph_settings(
        service_name="posts",
        base_dir=BASE_DIR,
        local_apps=["posts"],
        verification_key_required=True,
    )
)
