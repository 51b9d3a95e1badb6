#!/usr/bin/env bash
# A denser crash sweep than `cargo test`'s (issue 18, item 3): every write grantbook makes,
# killed with SIGKILL at POINTS points or more each (cargo test: 100). Prints one summary line
# per write: how many kills left the ledger as before (and how many of those with a WAL
# written but not committed), as after, after the exit, and partially (always 0, or the run
# fails).
#
#     bash bench/crash-sweep.sh [POINTS]        # default 300
set -euo pipefail
cd "$(dirname "$0")/.."
GRANTBOOK_CRASH_POINTS=${1:-300} cargo test --quiet --test crash -- --nocapture 2>&1 |
    grep -E '^crash .*(uninterrupted run|kill points, )|^test result|FAILED|panicked'
