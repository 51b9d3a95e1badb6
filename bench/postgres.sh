#!/usr/bin/env bash
# The import benchmark on PostgreSQL: builds the release binary, generates the synthetic ledger
# as bench/run.sh does (bench/generate.rs), makes a fresh database on the server, loads the
# ledger's setup into it, and times `grantbook expense import` of the N expenses against psql's
# `\copy` of the same CSV into a plain table of the same columns (no types, no checks, no
# indexes) in the same database.
#
#     bash bench/postgres.sh [EXPENSES]        # default 1000000; figures go to stdout
#
# GRANTBOOK_BENCH_PG is the URL of a database to administer from (default
# postgres://grantbook:grantbook@localhost/postgres); its user must be allowed to create
# databases. The benchmark's database, BENCH_PG_DB (default grantbook_bench), is dropped and
# made again on that server. Needs psql and GNU time (Debian: apt-get install
# postgresql-client time).
set -euo pipefail
cd "$(dirname "$0")/.."

EXPENSES=${1:-1000000}
WORK=${BENCH_DIR:-target/bench-pg}
ADMIN=${GRANTBOOK_BENCH_PG:-postgres://grantbook:grantbook@localhost/postgres}
DB=${BENCH_PG_DB:-grantbook_bench}

for tool in psql /usr/bin/time; do
    command -v "$tool" >/dev/null || {
        echo "bench: $tool is missing; on Debian: apt-get install postgresql-client time" >&2
        exit 2
    }
done
[[ $DB =~ ^[a-z_][a-z0-9_]*$ ]] || {
    echo "bench: BENCH_PG_DB must be a plain lower-case name, not $DB" >&2
    exit 2
}

# The benchmark database's URL: the admin URL with its database name replaced.
base=${ADMIN%%\?*}
URL=${base%/*}/$DB${ADMIN#"$base"}

cargo build --release --quiet --bin grantbook --example bench-data
TARGET=${CARGO_TARGET_DIR:-target}
GB=$(realpath "$TARGET")/release/grantbook
rm -rf "$WORK" && mkdir -p "$WORK"
"$TARGET"/release/examples/bench-data "$WORK/data" "$EXPENSES"
CSV=$(realpath "$WORK/data/expenses.csv")

# seconds and peak RSS (MB) of one run of "$@", output discarded: "SECONDS MB"
once() {
    /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" >/dev/null 2>"$WORK/stderr" || {
        cat "$WORK/stderr" >&2
        exit 1
    }
    awk '{ printf "%s %.1f\n", $1, $2 / 1024 }' "$WORK/time"
}

sql() { psql "$1" -X -q -v ON_ERROR_STOP=1 -At -c "$2"; }

# Each timed run starts without the previous one's dirty pages to write (CHECKPOINT needs a
# superuser or pg_checkpoint; without it the runs simply start as they find the server).
checkpoint() { sql "$URL" "CHECKPOINT" 2>/dev/null || true; }

sql "$ADMIN" "DROP DATABASE IF EXISTS $DB" 2>/dev/null
sql "$ADMIN" "CREATE DATABASE $DB"
"$GB" --db "$URL" init >/dev/null 2>&1
"$GB" --db "$URL" import "$WORK/data/setup" >/dev/null 2>&1

printf 'grantbook PostgreSQL import benchmark: %s expenses, %s, %s cores, %s, load average %s\n\n' \
    "$EXPENSES" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" "$(nproc)" \
    "$(sql "$URL" "SHOW server_version" | cut -d' ' -f1 | sed 's/^/PostgreSQL /')" \
    "$(cut -d' ' -f1-3 /proc/loadavg)"

# Ours checks every row (the rules of `expense add`) and writes the ledger's table, with its
# constraints, triggers and indexes; psql loads a plain table.
checkpoint
read -r ours_s ours_mb < <(once "$GB" --db "$URL" expense import "$CSV")
recorded=$(sql "$URL" "SELECT count(*) FROM expense")
[[ $recorded == "$EXPENSES" ]] || {
    echo "bench: the import recorded $recorded expenses, not $EXPENSES" >&2
    exit 1
}
sql "$URL" "CREATE TABLE plain_expense (\"grant\" TEXT, line TEXT, date TEXT, amount TEXT,
    currency TEXT, payee TEXT, voucher TEXT, country TEXT, description TEXT, kind TEXT)"
checkpoint
read -r plain_s plain_mb < <(once psql "$URL" -X -q -v ON_ERROR_STOP=1 \
    -c "\\copy plain_expense FROM '$CSV' WITH (FORMAT csv, HEADER true)")
copied=$(sql "$URL" "SELECT count(*) FROM plain_expense")
[[ $copied == "$EXPENSES" ]] || {
    echo "bench: \\copy loaded $copied rows, not $EXPENSES" >&2
    exit 1
}

# The floor under any writer of this schema: the rows grantbook stored, as stored, copied by psql
# into the expense table of a second fresh ledger, through its constraints, triggers and indexes
# but with no check and no conversion.
COLUMNS="grant_id, line_id, kind, date, currency, amount_minor, fx_base, fx_quote, fx_rate,
    grant_amount_minor, payee, voucher, country, description, recorded_at, fx_source, refund_of,
    corrects"
ROWS=$(realpath "$WORK")/expense-rows.txt
sql "$URL" "\\copy (SELECT $COLUMNS FROM expense ORDER BY id) TO '$ROWS'"
FLOOR=${base%/*}/${DB}_floor${ADMIN#"$base"}
sql "$ADMIN" "DROP DATABASE IF EXISTS ${DB}_floor" 2>/dev/null
sql "$ADMIN" "CREATE DATABASE ${DB}_floor"
"$GB" --db "$FLOOR" init >/dev/null 2>&1
"$GB" --db "$FLOOR" import "$WORK/data/setup" >/dev/null 2>&1
sql "$URL" "CHECKPOINT" 2>/dev/null || true
read -r floor_s floor_mb < <(once psql "$FLOOR" -X -q -v ON_ERROR_STOP=1 \
    -c "\\copy expense ($COLUMNS) FROM '$ROWS'")
sql "$ADMIN" "DROP DATABASE ${DB}_floor"
rm -f "$ROWS"

rate() { awk -v n="$EXPENSES" -v s="$1" 'BEGIN { printf "%d", n / s }'; }
printf '%-34s %10s %12s %9s\n' "work" "seconds" "rows/s" "peak MB"
printf '%-34s %9.2fs %12s %9s\n' "grantbook expense import" "$ours_s" "$(rate "$ours_s")" "$ours_mb"
printf '%-34s %9.2fs %12s %9s\n' "psql \\copy into a plain table" "$plain_s" "$(rate "$plain_s")" \
    "$plain_mb"
printf '%-34s %9.2fx\n' "ratio (grantbook / psql)" \
    "$(awk -v a="$ours_s" -v b="$plain_s" 'BEGIN { printf "%.2f", a / b }')"
printf '%-34s %9.2fs %12s %9s\n' "psql \\copy into the ledger's table" "$floor_s" \
    "$(rate "$floor_s")" "$floor_mb"
printf '%-34s %9.2fx\n' "ratio (grantbook / that)" \
    "$(awk -v a="$ours_s" -v b="$floor_s" 'BEGIN { printf "%.2f", a / b }')"

printf '\npsql = psql -c "\\copy" of the same CSV into a plain table of the same ten columns, all\n'
printf 'TEXT (no types, no constraints, no indexes), in the same database. One run each, wall\n'
printf 'time; peak MB is the client'"'"'s resident memory (the server'"'"'s is not counted).\n'
printf 'psql \\copy into the ledger'"'"'s table: the rows grantbook stored, copied as stored into the\n'
printf 'expense table of another fresh ledger, through its foreign keys, CHECKs, triggers and\n'
printf 'indexes, with no check and no conversion: what the schema alone costs any writer.\n'
printf "load average at the end: %s\n" "$(cut -d' ' -f1-3 /proc/loadavg)"
