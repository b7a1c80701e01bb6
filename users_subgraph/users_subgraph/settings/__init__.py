"""Settings of the users subgraph, read from the environment (docs/configuration.md).

What the subgraphs share (core, apps, database, static files, CORS, logging) comes from
`subgraph_kit.settings`; this module adds the user model, password hashing and rules, token
signing, the rate limits of the authentication mutations, account mail (verification policy,
links), and background tasks (the mail, and the purge of a deleted account's posts through the
posts service's internal endpoints).
"""

from pathlib import Path

from subgraph_kit.settings import (
    TASKS_APPS,
    email_settings,
    load_environment,
    subgraph_settings,
    tasks_settings,
)
from users_subgraph.settings.email import account_email_settings
from users_subgraph.settings.passwords import password_settings
from users_subgraph.settings.posts_service import posts_service_settings
from users_subgraph.settings.rate_limits import rate_limit_settings
from users_subgraph.settings.token_signing import token_signing_settings

BASE_DIR = Path(__file__).resolve().parents[2]

_env = load_environment()
_shared = subgraph_settings(
    service_name="users",
    base_dir=BASE_DIR,
    local_apps=["accounts"],
    # simplejwt also needs djangorestframework installed, but not as an app: no DRF view is used.
    extra_apps=["rest_framework_simplejwt.token_blacklist", *TASKS_APPS],
    env=_env,
)
globals().update(_shared)
globals().update(
    token_signing_settings(
        _env,
        debug=_shared["DEBUG"],
        base_dir=BASE_DIR,
        verification=_shared["JWT_VERIFICATION"],
    )
)
globals().update(rate_limit_settings(_env))
globals().update(password_settings(_env))
globals().update(email_settings(_env, debug=_shared["DEBUG"]))
globals().update(account_email_settings(_env, debug=_shared["DEBUG"]))
globals().update(tasks_settings(_env))
globals().update(posts_service_settings(_env, debug=_shared["DEBUG"]))

AUTH_USER_MODEL = "accounts.User"

# What `/graphql` serves, outside Django's URLs (subgraph_kit.asgi, subgraph_kit.graphql_endpoint).
GRAPHQL_APPLICATION = "accounts.schema.graphql_application"
