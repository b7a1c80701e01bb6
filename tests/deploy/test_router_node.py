"""The router runs on one Node major everywhere: the one the official gateway image is built on.

scripts/ensure_node.sh pins it for local runs (installing it when the machine's Node is another
major); router/package.json's "engines" says the same.
"""

from __future__ import annotations

import json
import re
import subprocess

from scripts.subgraphs import router_node_dir
from tests.deploy.specs import REPO_ROOT

ENSURE_NODE = REPO_ROOT / "scripts" / "ensure_node.sh"
# The official Hive Gateway image at the pinned version is built on node:26-bookworm-slim.
IMAGE_NODE_MAJOR = 26


def pinned_version() -> str:
    return re.search(r"^NODE_VERSION=(\S+)$", ENSURE_NODE.read_text(), re.MULTILINE)[1]


def test_the_pinned_node_is_the_image_major_and_package_json_agrees():
    assert pinned_version().split(".")[0] == str(IMAGE_NODE_MAJOR)
    engines = json.loads((REPO_ROOT / "router" / "package.json").read_text())["engines"]
    assert engines == {"node": f">={IMAGE_NODE_MAJOR} <{IMAGE_NODE_MAJOR + 1}"}


def test_the_router_runs_on_that_node_and_a_second_check_installs_nothing():
    node = router_node_dir() / "node"
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.startswith(f"v{IMAGE_NODE_MAJOR}.")
    again = subprocess.run([ENSURE_NODE], capture_output=True, text=True, check=True, timeout=30)
    assert again.stdout.strip() == str(router_node_dir())
    assert again.stderr == ""
