#!/usr/bin/env bash
# The performance benchmark: builds the release binary, generates the synthetic ledger
# (bench/generate.rs: 50 grants x 20 budget lines, N expenses in USD, EUR and MAD over 2020-2024),
# and times grantbook against the sqlite3 shell doing the same work on the same CSV.
#
#     bash bench/run.sh [EXPENSES]        # default 1000000; figures go to stdout
#
# Needs the sqlite3 shell and GNU time (Debian: apt-get install sqlite3 time). Each figure is the
# median wall time of several runs (three for the imports, taking turns) and the peak resident
# memory of one (the largest of the imports').
set -euo pipefail
cd "$(dirname "$0")/.."

EXPENSES=${1:-1000000}
WORK=${BENCH_DIR:-target/bench}
AS_OF=2024-12-31
GRANT=BENCH-G07

for tool in sqlite3 /usr/bin/time; do
    command -v "$tool" >/dev/null || {
        echo "bench: $tool is missing; on Debian: apt-get install sqlite3 time" >&2
        exit 2
    }
done

cargo build --release --quiet --bin grantbook --example bench-data
TARGET=${CARGO_TARGET_DIR:-target}
GB=$(realpath "$TARGET")/release/grantbook
rm -rf "$WORK" && mkdir -p "$WORK"
"$TARGET"/release/examples/bench-data "$WORK/data" "$EXPENSES"
CSV=$WORK/data/expenses.csv
OURS=$WORK/grantbook.db
PLAIN=$WORK/plain.db

# seconds and peak RSS (MB) of one run of "$@", output discarded: "SECONDS MB"
once() {
    /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" >/dev/null 2>"$WORK/stderr" || {
        cat "$WORK/stderr" >&2
        exit 1
    }
    awk '{ printf "%s %.1f\n", $1, $2 / 1024 }' "$WORK/time"
}

# median wall seconds over RUNS runs of "$@" (nanosecond clock, so milliseconds show)
median() {
    local runs=$1
    shift
    for _ in $(seq "$runs"); do
        local start end
        start=$(date +%s%N)
        "$@" >/dev/null 2>&1
        end=$(date +%s%N)
        echo $(((end - start) / 1000))
    done | sort -n | awk '{ t[NR] = $1 } END { printf "%.4f\n", t[int((NR + 1) / 2)] / 1e6 }'
}

# peak RSS in MB of one run of "$@"
peak() { once "$@" | cut -d' ' -f2; }

printf 'grantbook benchmark: %s expenses, %s, %s cores, sqlite3 %s, load average %s\n\n' \
    "$EXPENSES" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" "$(nproc)" \
    "$(sqlite3 --version | cut -d' ' -f1)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-34s %10s %12s %9s %10s %7s\n' "work" "grantbook" "rows/s" "peak MB" "sqlite3" "ratio"

row() { # LABEL OURS_SECONDS ROWS_PER_SECOND PEAK_MB SQLITE_SECONDS
    local ratio="-"
    [[ $5 != "-" ]] && ratio=$(awk -v a="$2" -v b="$5" 'BEGIN { printf "%.2fx", a / b }')
    printf '%-34s %9.3fs %12s %9s %9s %7s\n' "$1" "$2" "$3" "$4" \
        "$([[ $5 == "-" ]] && echo - || printf '%.3fs' "$5")" "$ratio"
}

# Import: ours validates every row and keeps the ledger's indexes; sqlite3 loads a plain table.
# Each is run IMPORTS times into a new database, taking turns, and the median is shown: one run
# of either moves by a tenth with what else the machine is doing.
IMPORTS=${IMPORTS:-3}
fresh_ledger() {
    rm -f "$OURS" "$OURS-wal" "$OURS-shm" "$OURS-journal"
    "$GB" --db "$OURS" init >/dev/null 2>&1
    "$GB" --db "$OURS" import "$WORK/data/setup" >/dev/null 2>&1
}
middle() { sort -n | awk '{ v[NR] = $0 } END { print v[int((NR + 1) / 2)] }'; }
for _ in $(seq "$IMPORTS"); do
    fresh_ledger
    once "$GB" --db "$OURS" expense import "$CSV" >>"$WORK/ours.times"
    rm -f "$PLAIN"
    once sqlite3 "$PLAIN" ".import --csv $CSV expense" >>"$WORK/plain.times"
done
ours_s=$(cut -d' ' -f1 "$WORK/ours.times" | middle)
ours_mb=$(cut -d' ' -f2 "$WORK/ours.times" | sort -n | tail -1)
plain_s=$(cut -d' ' -f1 "$WORK/plain.times" | middle)
echo "expense import, each run: grantbook $(cut -d' ' -f1 "$WORK/ours.times" | xargs), sqlite3 \
$(cut -d' ' -f1 "$WORK/plain.times" | xargs)" >"$WORK/imports"
row "expense import" "$ours_s" "$(awk -v n="$EXPENSES" -v s="$ours_s" 'BEGIN { printf "%d", n / s }')" \
    "$ours_mb" "$plain_s"

sql() { sqlite3 "$1" "$2"; }
BURN_SQL="SELECT \"grant\", currency, sum(amount),
    sum(CASE WHEN date > date('$AS_OF', '-3 months') THEN amount END)
    FROM expense WHERE date <= '$AS_OF' GROUP BY \"grant\", currency"
BUDGET_SQL="SELECT line, sum(amount) FROM expense
    WHERE \"grant\" = '$GRANT' AND date <= '$AS_OF' GROUP BY line"
MONTHLY_SQL="SELECT substr(date, 1, 7), line, sum(amount) FROM expense
    WHERE \"grant\" = '$GRANT' AND date <= '$AS_OF' GROUP BY 1, 2"
# The same sums on grantbook's own database, read from its index as the reports read them.
INDEXED_BURN_SQL="SELECT grant_id, sum(spend_minor),
    sum(CASE WHEN date > date('$AS_OF', '-3 months') THEN spend_minor END)
    FROM expense WHERE voided_at IS NULL AND date <= '$AS_OF' GROUP BY grant_id"
INDEXED_BUDGET_SQL="SELECT line_id, sum(spend_minor) FROM expense
    WHERE grant_id = (SELECT id FROM grant_agreement WHERE reference = '$GRANT')
    AND voided_at IS NULL AND date <= '$AS_OF' GROUP BY line_id"

report() { # LABEL SHELL_DATABASE SQL grantbook-arguments...
    local label=$1 shell_db=$2 query=$3
    shift 3
    row "$label" "$(median 5 "$GB" --db "$OURS" "$@" --as-of "$AS_OF")" "-" \
        "$(peak "$GB" --db "$OURS" "$@" --as-of "$AS_OF")" "$(median 5 sql "$shell_db" "$query")"
}
report "report burn (50 grants)" "$PLAIN" "$BURN_SQL" report burn
report "  against the indexed sums" "$OURS" "$INDEXED_BURN_SQL" report burn
report "report budget (1 grant)" "$PLAIN" "$BUDGET_SQL" report budget --grant "$GRANT"
report "  against the indexed sums" "$OURS" "$INDEXED_BUDGET_SQL" report budget --grant "$GRANT"
report "report monthly (1 grant)" "$PLAIN" "$MONTHLY_SQL" report monthly --grant "$GRANT"

# Safety on the same ledger: check against SQLite's own integrity check alone (grantbook adds
# foreign keys, the schema, the books and the audit chain), backup against the shell's .backup.
safety() { # LABEL SHELL_COMMAND grantbook-arguments...
    local label=$1 shell=$2
    shift 2
    read -r s mb < <(once "$GB" --db "$OURS" "$@")
    read -r shell_s _ < <(once sqlite3 "$OURS" "$shell")
    row "$label" "$s" "-" "$mb" "$shell_s"
}
safety "check" "PRAGMA integrity_check" check
safety "check --quick" "PRAGMA quick_check" check --quick
rm -f "$WORK/backup.db" "$WORK/shell-backup.db"
safety "backup" ".backup $WORK/shell-backup.db" backup "$WORK/backup.db"

# Start-up: the binary doing almost nothing, and the burn report on the demo's small ledger.
"$GB" demo "$WORK/demo.db" >/dev/null 2>&1
row "grantbook --version" "$(median 21 "$GB" --version)" "-" "$(peak "$GB" --version)" \
    "$(median 21 sqlite3 :memory: 'SELECT 1')"
row "report burn on the demo ledger" "$(median 21 "$GB" --db "$WORK/demo.db" report burn)" "-" \
    "$(peak "$GB" --db "$WORK/demo.db" report burn)" \
    "$(median 21 sqlite3 "$WORK/demo.db" 'SELECT grant_id, sum(grant_amount_minor) FROM expense GROUP BY 1')"

printf '\nsqlite3 = the sqlite3 shell on a plain table .import-ed from the same CSV (no types, no\n'
printf 'constraints, no indexes); "against the indexed sums": the shell summing the same spend on\n'
printf "grantbook's own database from its index. ratio = grantbook / sqlite3. Median of 5 runs (21\n"
printf 'for start-up, %s for the imports).\n' "$IMPORTS"
cat "$WORK/imports"
printf 'check and backup: one run each; the shell runs integrity_check, quick_check and .backup on\n'
printf "grantbook's own database.\n"
printf "load average at the end: %s\n" "$(cut -d' ' -f1-3 /proc/loadavg)"
