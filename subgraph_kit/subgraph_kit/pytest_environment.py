"""pytest plugin for the services' suites: `addopts = "-p subgraph_kit.pytest_environment"`.

A service's test settings module lives inside its env-driven settings package, which reads the
environment when pytest-django imports it, before any conftest runs. Plugins named with `-p` are
imported earlier still: this one makes a bare `pytest` (no `.env`, as in CI) use the development
defaults instead of stopping on production secrets. Variables already set still win.
"""

import os

os.environ.setdefault("DEBUG", "true")
