#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the queue's tests and benchmarks.
#
#   scripts/pg-cluster.sh start [DIR]    install PostgreSQL when missing, create a cluster in DIR (default
#                                        .build/pg-cluster), start it, wait until it answers, print its settings
#   scripts/pg-cluster.sh stop [DIR]     stop it (fast shutdown) and remove DIR
#   scripts/pg-cluster.sh restart [DIR]  stop and start the same cluster (its data kept)
#   scripts/pg-cluster.sh env [DIR]      print its settings again
#
# The settings are lines of the standard PG environment variables (PGHOST, PGPORT, PGUSER, PGDATABASE) and
# GIPC_TEST_DATABASE_URL, also kept in DIR/env for `set -a; . DIR/env; set +a`. The cluster listens on a Unix socket
# in DIR/socket with trust authentication, and on a free loopback TCP port (PG_CLUSTER_TCP_PORT, written to DIR/env)
# where the role `gipc` logs in with the password `gipc` (scram-sha-256): password authentication over TCP can be
# tested too.
#
# Debian keeps initdb and pg_ctl in the server version's own bin folder, and initdb refuses to run as root: as root
# they run as the postgres user, on folders that user owns. When DIR's parents are closed to that user (a clone
# in a mktemp folder) or would make the socket's path too long, the cluster lives in a folder of its own under /tmp
# and DIR is a link to it.
set -euo pipefail

command=${1:-}
dir=${2:-.build/pg-cluster}
case "$command" in start | stop | restart | env) ;; *)
    echo "usage: $0 start|stop|restart|env [DIR]" >&2
    exit 2
    ;;
esac

sudo_cmd=""
[ "$(id -u)" = 0 ] || sudo_cmd=sudo

find_bin() {
    local found
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -z "$found" ] && command -v initdb >/dev/null 2>&1; then found=$(dirname "$(command -v initdb)"); fi
    echo "$found"
}

bin=$(find_bin)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    echo "installing postgresql (the queue's tests)" >&2
    $sudo_cmd apt-get update -qq >&2
    $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    # Debian's package starts a cluster of its own; these tests never use it.
    $sudo_cmd service postgresql stop >/dev/null 2>&1 || true
    bin=$(find_bin)
fi

# Runs a command as the cluster's owner: the postgres user when this is root, else the caller.
as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

real_dir() { readlink -f "$dir"; }

print_env() {
    cat "$(real_dir)/env"
}

stop_cluster() {
    local data
    data="$(real_dir)/data"
    if [ -f "$data/postmaster.pid" ]; then
        as_owner "$bin/pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null 2>&1 ||
            as_owner "$bin/pg_ctl" -D "$data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    fi
}

start_server() {
    local root data port
    root=$(real_dir)
    data="$root/data"
    port=$(sed -n 's/^PG_CLUSTER_TCP_PORT=//p' "$root/env")
    as_owner "$bin/pg_ctl" -D "$data" -l "$root/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$root/socket -c fsync=off -c max_connections=200" \
        start >/dev/null
    for _ in $(seq 1 100); do
        if as_owner "$bin/pg_isready" -q -h "$root/socket" -p "$port"; then return 0; fi
        sleep 0.1
    done
    echo "pg-cluster: the server did not answer; its log:" >&2
    cat "$root/server.log" >&2
    exit 1
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

case "$command" in
env)
    print_env
    ;;
stop)
    if [ -e "$dir" ]; then
        stop_cluster
        target=$(real_dir)
        rm -rf "$target"
        if [ -L "$dir" ]; then rm -f "$dir"; fi
    fi
    ;;
restart)
    stop_cluster
    start_server
    print_env
    ;;
start)
    if [ -e "$dir" ]; then
        stop_cluster
        target=$(real_dir)
        rm -rf "$target"
        if [ -L "$dir" ]; then rm -f "$dir"; fi
    fi
    mkdir -p "$(dirname "$dir")"
    parent=$(readlink -f "$(dirname "$dir")")
    # A Unix socket's path holds at most 107 bytes: DIR/socket/.s.PGSQL.NNNNN must fit.
    if [ ${#parent} -gt 60 ] || { [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$parent"; }; then
        target=$(mktemp -d /tmp/gipc-pg-cluster.XXXXXX)
        chmod 755 "$target"
        ln -s "$target" "$dir"
    else
        mkdir -p "$dir"
    fi
    root=$(real_dir)
    mkdir -p "$root/socket"
    port=$(free_port)
    echo gipc >"$root/password"
    if [ "$(id -u)" = 0 ]; then chown -R postgres:postgres "$root"; fi
    as_owner "$bin/initdb" -D "$root/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
        --pwfile="$root/password" -E UTF8 --no-locale >"$root/initdb.log" 2>&1 || {
        cat "$root/initdb.log" >&2
        exit 1
    }
    cat >"$root/env" <<EOF
PGHOST=$root/socket
PGPORT=$port
PGUSER=postgres
PGDATABASE=postgres
PG_CLUSTER_TCP_PORT=$port
GIPC_TEST_DATABASE_URL=postgres://postgres@localhost/postgres?host=$root/socket&port=$port
EOF
    if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$root/env"; fi
    start_server
    as_owner "$bin/psql" -q -h "$root/socket" -p "$port" -U postgres -d postgres \
        -c "CREATE ROLE gipc LOGIN SUPERUSER PASSWORD 'gipc'" >/dev/null
    print_env
    ;;
esac
