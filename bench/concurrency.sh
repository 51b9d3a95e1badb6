#!/usr/bin/env bash
# Many writers at once (issue 18, item 4): WRITERS processes of N `expense add` each on one
# database, with a burn report and an expense listing read over and over alongside, on the
# release build. Every expense must land once with its one audit entry and no command may
# fail; prints the rate and how long the slowest writer waited for the write lock.
#
#     bash bench/concurrency.sh [WRITERSxN]       # default 8x1000 (cargo test runs 8x250)
#
# With GRANTBOOK_TEST_PG set (a PostgreSQL URL, as for the tests) it runs on that server too.
set -euo pipefail
cd "$(dirname "$0")/.."
printf 'load average before: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
echo "SQLite:"
GRANTBOOK_CONCURRENCY=${1:-8x1000} cargo test --release --quiet --test concurrency \
    writers_at_once -- --nocapture 2>&1 | grep -E '^concurrency:|^test result|FAILED|panicked'
if [ -n "${GRANTBOOK_TEST_PG:-}" ]; then
    echo "PostgreSQL:"
    GRANTBOOK_CONCURRENCY=${1:-8x1000} cargo test --release --quiet --test postgres \
        concurrency::writers_at_once -- --nocapture 2>&1 |
        grep -E '^concurrency:|^test result|FAILED|panicked'
fi
printf 'load average after: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
