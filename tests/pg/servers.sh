# tests/pg/servers.sh — sourced by tests/pg/run.sh (make pg-test) and tests/pg/bench.sh: three
# local PostgreSQL 15 servers in build/pg-test/ (initdb/pg_ctl, loopback ports PG_TEST_PORT..+2,
# run as the user postgres when we are root, since initdb refuses root), and the example store
# loaded on one node and sharded over two. Needs the extension installed (make pg-install).
# Node 0 holds the databases `single` (one node) and `crm` (the coordinator); nodes 1 and 2
# are the shards (database `crm`).
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
BASE=${PG_TEST_PORT:-56432}
S=$PWD/build/pg-test
TPL=${TPL:-examples/channel/optimizer.jinja}

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
stop_all() {
    for i in 0 1 2; do
        [ -f "$S/n$i/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl" -D "$S/n$i" -m immediate stop >/dev/null 2>&1
    done
    return 0
}
# psq NODE DB [args]: quiet, unaligned, stop at the first error
psq() { local p=$1 d=$2; shift 2; psql -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$((BASE + p))" -U postgres -d "$d" "$@"; }
# tq NODE DB SQL...: statements read from stdin, so that :'tpl' (the template's text) is interpolated
tq() { local p=$1 d=$2; shift 2; printf '%s\n' "$@" | psq "$p" "$d" -v tpl="$(cat "$TPL")"; }

# pg_up: fresh servers and their databases, the extension in node 0's
pg_up() {
    stop_all
    rm -rf "$S"
    mkdir -p "$S"
    [ "$(id -u)" = 0 ] && chown postgres "$S"
    local i port
    for i in 0 1 2; do
        port=$((BASE + i))
        if as_pg "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$port"; then echo "port $port is taken: set PG_TEST_PORT"; return 1; fi
        as_pg "$PGBIN/initdb" -D "$S/n$i" -E UTF8 --locale=C -A trust -U postgres >"$S/initdb$i.log" 2>&1 ||
            { tail -3 "$S/initdb$i.log"; return 1; }
        as_pg "$PGBIN/pg_ctl" -D "$S/n$i" -w -l "$S/n$i.log" \
            -o "-p $port -k $S -c listen_addresses=127.0.0.1 -c max_worker_processes=8 -c max_parallel_workers=4 -c fsync=off -c shared_buffers=128MB -c track_functions=all" \
            start >/dev/null || { tail -5 "$S/n$i.log"; return 1; }
        psq "$i" postgres -c "CREATE DATABASE crm" || return 1
    done
    psq 0 postgres -c "CREATE DATABASE single" &&
    psq 0 single -c "CREATE EXTENSION jinn" && psq 0 crm -c "CREATE EXTENSION jinn"
}

# export_store SQLITE_DB DIR: the store's tables as CSV files
export_store() {
    sqlite3 -csv "$1" "SELECT id, attributes FROM customers" >"$2/customers.csv" &&
    sqlite3 -csv "$1" "SELECT customer_id, action, params, timestamp FROM events" >"$2/events.csv" &&
    sqlite3 -csv "$1" "SELECT id, kind, name, sql FROM definitions" >"$2/definitions.csv"
}

# load_store NODE DB DIR: the schema (ext/postgres/examples) and the data, on one node
load_store() {
    psq "$1" "$2" -f ext/postgres/examples/channel_schema.sql &&
    psq "$1" "$2" -c "\\copy customers FROM '$3/customers.csv' CSV" -c "\\copy events FROM '$3/events.csv' CSV" \
        -c "\\copy definitions FROM '$3/definitions.csv' CSV" -c "ANALYZE" &&
    psq "$1" "$2" -f ext/postgres/examples/score_channel.sql
}

# shard_store DIR [direct]: the shards' tables, the coordinator (tests/pg/coordinator.sql), and
# the data COPYed through the coordinator, which routes every row to its customer's shard; with
# `direct` (big stores: routing goes row by row), the coordinator only sorts the rows by
# partition (satisfies_hash_partition) and each shard's share is COPYed straight into it
shard_store() {
    local i
    for i in 1 2; do
        psq "$i" crm -c "CREATE EXTENSION jinn" -f ext/postgres/examples/channel_schema.sql || return 1
    done
    psq 0 crm -v p1=$((BASE + 1)) -v p2=$((BASE + 2)) -f tests/pg/coordinator.sql 2>&1 | grep -v 'already exists, skipping'
    psq 0 crm -c "\\copy definitions FROM '$1/definitions.csv' CSV" || return 1
    if [ "${2:-}" = direct ]; then
        psq 0 crm -c "CREATE TEMP TABLE c AS SELECT * FROM customers LIMIT 0" -c "CREATE TEMP TABLE e AS SELECT * FROM events LIMIT 0" \
            -c "\\copy c FROM '$1/customers.csv' CSV" -c "\\copy e FROM '$1/events.csv' CSV" \
            -c "\\copy (SELECT * FROM c WHERE satisfies_hash_partition('customers'::regclass, 2, 0, id)) TO '$1/c1.csv' CSV" \
            -c "\\copy (SELECT * FROM c WHERE satisfies_hash_partition('customers'::regclass, 2, 1, id)) TO '$1/c2.csv' CSV" \
            -c "\\copy (SELECT * FROM e WHERE satisfies_hash_partition('events'::regclass, 2, 0, customer_id)) TO '$1/e1.csv' CSV" \
            -c "\\copy (SELECT * FROM e WHERE satisfies_hash_partition('events'::regclass, 2, 1, customer_id)) TO '$1/e2.csv' CSV" || return 1
        for i in 1 2; do
            psq "$i" crm -c "\\copy customers FROM '$1/c$i.csv' CSV" -c "\\copy events FROM '$1/e$i.csv' CSV" || return 1
        done
    else
        psq 0 crm -c "\\copy customers FROM '$1/customers.csv' CSV" -c "\\copy events FROM '$1/events.csv' CSV" || return 1
    fi
    for i in 1 2; do psq "$i" crm -c "ANALYZE" || return 1; done
    # the coordinator's statistics of the foreign partitions (and of their parents) price the
    # plans that push the join and the grouping down
    psq 0 crm -c "ANALYZE customers, events, customers_s1, customers_s2, events_s1, events_s2" &&
    psq 0 crm -f ext/postgres/examples/score_channel.sql
}
