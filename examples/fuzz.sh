#!/usr/bin/env bash
# Builds the fuzz harnesses in release and runs each for DURATION, one after
# the other (never both at once), printing executions and failures.
# Failing inputs land in fuzz-crashes/ (git-ignored). Not run in CI.
#
#   examples/fuzz.sh 30m            # each target 30 minutes, seeds from the clock
#   examples/fuzz.sh 10m 0x1234     # a fixed seed, to rerun a session
#   TARGETS=fuzz_query examples/fuzz.sh 5m
#
# FUZZ_TIMEOUT (seconds, default 20) is how long one case may run before it
# counts as a hang. Threads are capped (RAYON_NUM_THREADS=1) and the runs are
# niced, so a long session shares the machine politely.
set -euo pipefail

duration=${1:?usage: examples/fuzz.sh DURATION [SEED]  (DURATION: 90, 30s, 10m, 1h)}
seed=${2:-}
targets=${TARGETS:-fuzz_csv fuzz_query}

cd "$(dirname "$0")/.."
args=()
for t in $targets; do args+=(--example "$t"); done
cargo build --release "${args[@]}"

bin_dir=${CARGO_TARGET_DIR:-target}/release/examples
status=0
for t in $targets; do
    echo "== $t for $duration" >&2
    # shellcheck disable=SC2086 # an empty seed is no argument
    RAYON_NUM_THREADS=${RAYON_NUM_THREADS:-1} nice -n 10 "$bin_dir/$t" "$duration" $seed || status=1
done
exit $status
