#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for development and CI: never a production setup.
#
#   scripts/pg.sh start [DIR]   install PostgreSQL from Debian's packages when missing, initdb a
#                               cluster in DIR (default: a new temporary directory) as a non-root
#                               user, start it on a free loopback port, create database `corridor`,
#                               and print its URL
#   scripts/pg.sh url [DIR]     print the URL of the running cluster
#   scripts/pg.sh createdb NAME [DIR]   create one more database, print its URL
#   scripts/pg.sh pause [DIR]   stop the server but keep the cluster (an outage, for tests)
#   scripts/pg.sh resume [DIR]  start a paused cluster again on the same port
#   scripts/pg.sh stop [DIR]    stop the cluster and delete its directory
#
# DIR defaults to the cluster the last `start` made (its path is kept in $PG_STATE, by default
# /tmp/corridor-pg.current). The cluster trusts loopback connections: it has no password, and
# it listens on 127.0.0.1 only. It offers TLS with a self-signed certificate of its own.
set -euo pipefail

state=${PG_STATE:-/tmp/corridor-pg.current}
user=corridor-pg

die() { echo "pg.sh: $*" >&2; exit 1; }

bindir() {
    local dir
    for dir in /usr/lib/postgresql/*/bin; do
        [ -x "$dir/initdb" ] && { echo "$dir"; return; }
    done
    return 1
}

install_postgres() {
    bindir >/dev/null && return
    [ "$(id -u)" = 0 ] || die "PostgreSQL is not installed; run as root to install it (apt-get install postgresql)"
    echo "pg.sh: installing PostgreSQL from Debian's packages" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    bindir >/dev/null || die "apt-get installed postgresql, but no initdb was found under /usr/lib/postgresql"
}

# Runs a PostgreSQL program as the cluster's owner: initdb refuses to run as root.
as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u "$user" -- "$@"
    else
        "$@"
    fi
}

cluster_dir() {
    local dir=${1:-}
    if [ -z "$dir" ]; then
        [ -f "$state" ] || die "no cluster started (no $state); run: scripts/pg.sh start"
        dir=$(cat "$state")
    fi
    echo "$dir"
}

url_of() {
    local dir=$1 db=${2:-corridor}
    echo "postgres://$(cat "$dir/owner")@127.0.0.1:$(cat "$dir/port")/$db?sslmode=disable"
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
    install_postgres
    local bin dir port owner
    bin=$(bindir)
    dir=${1:-$(mktemp -d /tmp/corridor-pg.XXXXXX)}
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then
        id -u "$user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$user"
        chown "$user" "$dir"
        chmod 755 "$dir"
        owner=$user
    else
        owner=$(id -un)
    fi
    port=$(free_port)
    as_owner "$bin/initdb" -D "$dir/data" -U "$owner" --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    # TLS with a self-signed certificate made for this cluster, so that `sslmode=require` is
    # exercised for real (and `verify-full` is refused: nothing trusts this certificate).
    # Connections without TLS (`sslmode=disable`, the printed URL) are accepted as well.
    openssl req -new -x509 -days 7 -nodes -subj "/CN=corridor-throwaway-cluster" \
        -keyout "$dir/data/server.key" -out "$dir/data/server.crt" >/dev/null 2>&1 || die "openssl could not make a certificate"
    chmod 600 "$dir/data/server.key"
    [ "$(id -u)" = 0 ] && chown "$owner" "$dir/data/server.key" "$dir/data/server.crt"
    # Loopback only; the socket directory is the cluster's own, never /var/run/postgresql.
    cat >>"$dir/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 200
fsync = on
ssl = on
ssl_cert_file = 'server.crt'
ssl_key_file = 'server.key'
EOF
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null ||
        { cat "$dir/server.log" >&2; die "the cluster did not start"; }
    echo "$port" >"$dir/port"
    echo "$owner" >"$dir/owner"
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U "$owner" corridor
    echo "$dir" >"$state"
    url_of "$dir"
}

stop() {
    local dir bin
    dir=$(cluster_dir "${1:-}")
    bin=$(bindir) || die "PostgreSQL is not installed"
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    fi
    case "$dir" in /tmp/corridor-pg.*) rm -rf "$dir" ;; esac
    if [ -f "$state" ] && [ "$(cat "$state")" = "$dir" ]; then rm -f "$state"; fi
}

createdb() {
    local name=${1:?usage: pg.sh createdb NAME [DIR]} dir bin
    dir=$(cluster_dir "${2:-}")
    bin=$(bindir)
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$(cat "$dir/port")" -U "$(cat "$dir/owner")" "$name"
    url_of "$dir" "$name"
}

pause() {
    local dir
    dir=$(cluster_dir "${1:-}")
    as_owner "$(bindir)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
}

resume() {
    local dir
    dir=$(cluster_dir "${1:-}")
    # No output inherited from the caller: a test waiting on this script's pipes must not wait for the server.
    as_owner "$(bindir)/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null 2>&1 </dev/null ||
        { tail -20 "$dir/server.log" >&2; die "the cluster did not start again"; }
}

case "${1:-}" in
    start) start "${2:-}" ;;
    pause) pause "${2:-}" ;;
    resume) resume "${2:-}" ;;
    stop) stop "${2:-}" ;;
    url) url_of "$(cluster_dir "${2:-}")" ;;
    createdb) createdb "${2:-}" "${3:-}" ;;
    *) die "usage: pg.sh start|stop|pause|resume|url|createdb NAME [DIR]" ;;
esac
