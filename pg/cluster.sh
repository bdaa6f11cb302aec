# cluster.sh - throwaway PostgreSQL 15 servers for earful_pg's test and
# benchmark (sourced by tests/suites/pg.sh and bench/pg.sh; bash).
#
#   pg_init ROOT       checks that PostgreSQL 15 and its PGXS are there,
#                      picks the user to run it as (PostgreSQL refuses
#                      root: `postgres`, else a user of our own), builds a
#                      private install tree with build/pg/earful_pg.so
#                      under ROOT (under /tmp if that user cannot reach
#                      ROOT: pg_root says where), and a template cluster.
#                      Returns 1 with the reason in pg_why when it cannot.
#   pg_start NAME PORT [SERVER OPTIONS]
#                      starts ROOT/NAME (a copy of the template) on a Unix
#                      socket of its own; non-zero if it did not start.
#   pg_stop NAME       stops it at once (if it runs).
#   pg_cleanup         stops every server and removes ROOT and the socket
#                      folder (for an EXIT trap; PG_KEEP=1 keeps them).
#   pg_psql PORT ARGS  psql as the superuser, stopping at the first error.
#
# The private tree: the server's binaries are copied (a server finds its
# share and lib folders from its own path), the rest is linked, and the
# extension is the one just built: nothing is installed on the system.
# Servers listen on no TCP port; fsync is off.

pg_root="" pg_sock="" pg_why="" pg_bin="" pg_user=""
pg_run=()

pg_init() {
    local root=$1 sysbin sysshare syslib share lib f
    command -v pg_config >/dev/null || {
        pg_why="pg_config missing (make deps installs libpq-dev)"; return 1; }
    sysbin=$(pg_config --bindir)
    [ -x "$sysbin/postgres" ] && [ -x "$sysbin/initdb" ] || {
        pg_why="no PostgreSQL server in $sysbin (make deps installs postgresql-15)"
        return 1; }
    [ "$(pg_config --version | sed 's/^PostgreSQL \([0-9]*\).*/\1/')" = 15 ] || {
        pg_why="$(pg_config --version), not 15"; return 1; }
    [ -f "$(pg_config --pgxs 2>/dev/null)" ] || {
        pg_why="no PGXS (make deps installs postgresql-server-dev-15)"; return 1; }
    command -v psql >/dev/null || {
        pg_why="psql missing (make deps installs postgresql-client-15)"; return 1; }
    [ -f build/pg/earful_pg.so ] || { pg_why="build/pg/earful_pg.so not built (make pg)"; return 1; }

    pg_run=()
    if [ "$(id -u)" -eq 0 ]; then
        pg_user=postgres
        if ! id "$pg_user" >/dev/null 2>&1; then
            pg_user=earful-pg
            id "$pg_user" >/dev/null 2>&1 ||
                useradd --system --no-create-home --shell /usr/sbin/nologin \
                    "$pg_user" || { pg_why="cannot create a user to run PostgreSQL"; return 1; }
        fi
        pg_run=(runuser -u "$pg_user" --)
    fi
    unset PGTZ PGDATESTYLE PGOPTIONS PGHOST PGHOSTADDR PGPORT PGUSER \
        PGDATABASE PGSERVICE PGSERVICEFILE PGPASSWORD PGSSLMODE

    pg_root=$root
    rm -rf "$pg_root"
    mkdir -p "$pg_root"
    # sockets in a short path of their own (a socket path has 107 bytes)
    pg_sock=$(mktemp -d /tmp/earful-pg.XXXXXX)
    if [ ${#pg_run[@]} -gt 0 ]; then
        chown "$pg_user" "$pg_root" "$pg_sock"
        if ! "${pg_run[@]}" test -w "$pg_root"; then
            # a parent folder closed to others (a checkout under /root)
            rm -rf "$pg_root"
            pg_root=$(mktemp -d /tmp/earful-pg-data.XXXXXX)
            chown "$pg_user" "$pg_root"
            echo "note: $pg_user cannot reach $root: servers in $pg_root"
        fi
    fi

    pg_bin=$pg_root/inst/lib/postgresql/15/bin
    lib=$pg_root/inst/lib/postgresql/15/lib
    share=$pg_root/inst/share/postgresql/15
    sysshare=$(pg_config --sharedir)
    syslib=$(pg_config --pkglibdir)
    mkdir -p "$pg_bin" "$lib" "$share/extension"
    cp "$sysbin/postgres" "$sysbin/initdb" "$sysbin/pg_ctl" "$pg_bin/"
    for f in "$sysshare"/*; do
        [ "$(basename "$f")" = extension ] || ln -s "$f" "$share/"
    done
    ln -s "$sysshare"/extension/* "$share/extension/"
    ln -s "$syslib"/* "$lib/"
    cp build/pg/earful_pg.so "$lib/"
    cp pg/earful_pg.control pg/earful_pg--1.0.sql "$share/extension/"
    chmod -R a+rX "$pg_root/inst"

    "${pg_run[@]}" "$pg_bin/initdb" -D "$pg_root/tmpl" -A trust -U postgres \
        -E UTF8 --locale=C -N --wal-segsize=1 >"$pg_root/initdb.log" 2>&1 || {
        pg_why="initdb failed: $(tail -3 "$pg_root/initdb.log" | tr '\n' ' ')"
        return 1; }
    cat >>"$pg_root/tmpl/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$pg_sock'
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 64MB
max_connections = 20
max_parallel_workers_per_gather = 0
timezone = 'UTC'
datestyle = 'iso, ymd'
EOF
}

pg_start() {
    local d=$pg_root/$1
    [ -d "$d" ] || "${pg_run[@]}" cp -a "$pg_root/tmpl" "$d" || return 1
    "${pg_run[@]}" "$pg_bin/pg_ctl" -D "$d" -w -s -l "$pg_root/$1.log" \
        -o "-p $2 ${3:-}" start
}

pg_stop() {
    "${pg_run[@]}" "$pg_bin/pg_ctl" -D "$pg_root/$1" -s -m immediate stop \
        >/dev/null 2>&1 || true
}

pg_cleanup() {
    local d
    [ -n "$pg_root" ] || return 0
    if [ -n "${PG_KEEP:-}" ]; then
        echo "note: servers kept: psql -h $pg_sock -p PORT -U postgres"
        return 0
    fi
    for d in "$pg_root"/*/postmaster.pid; do
        if [ -f "$d" ]; then pg_stop "$(basename "$(dirname "$d")")"; fi
    done
    [ -n "$pg_sock" ] && rm -rf "$pg_sock"
    rm -rf "$pg_root"
}

pg_psql() {
    local port=$1; shift
    psql -X -q -v ON_ERROR_STOP=1 -h "$pg_sock" -p "$port" -U postgres \
        -d postgres "$@"
}
