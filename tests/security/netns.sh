#!/usr/bin/env bash
# Runs tests/security/*.netns.test.ts inside a network namespace of their own: only `lo`, carrying
# 127.0.0.1 and the addresses 44.0.0.1 and 44.0.0.2, which the destination guard treats as public.
# Servers "on the internet" listen there; no packet can leave the machine. The test CA in fixtures/
# is trusted by the product for these runs only (NODE_EXTRA_CA_CERTS is read at process start).
set -euo pipefail
cd "$(dirname "$0")/.."
exec unshare --net -- bash -c '
  set -euo pipefail
  ip link set lo up
  ip addr add 44.0.0.1/32 dev lo
  ip addr add 44.0.0.2/32 dev lo
  export MAILROOM_TEST_NETNS=1 NODE_EXTRA_CA_CERTS="$PWD/security/fixtures/ca.pem"
  exec npx --no vitest run --config security/vitest.netns.config.ts "$@"
' netns "$@"
