#!/usr/bin/env bash
# Issue 16: two API processes and two `mailroom worker` processes on one Postgres; COUNT messages
# (default 10,000) sent through both APIs with the bulk API, delivered exactly once (counted on the
# mock mail server by Message-ID), token revocation across processes. The test suite runs the same test
# with 2,000 messages (tests/recovery/multiprocess.test.ts); this runs it at full size and prints the
# wall time. Needs Postgres on 127.0.0.1:5432 (MAILROOM_TEST_PG_URL to change it).
#   bash bench/multiprocess.sh [COUNT]
set -euo pipefail
cd "$(dirname "$0")/../tests"
count="${1:-10000}"
start=$(date +%s)
MAILROOM_MULTIPROCESS_COUNT="$count" npx vitest run recovery/multiprocess.test.ts
end=$(date +%s)
echo "multiprocess: $count messages through 2 APIs and 2 workers on Postgres, exactly once, in $((end - start)) s (whole run, process starts included)"
