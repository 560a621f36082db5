#!/usr/bin/env bash
# Runs each fuzz target for FUZZ_TIME seconds, one at a time at nice 19 (docs/fuzzing.md). Built first by
# `make fuzz`; run from the repository root. The corpus grows in $SCRATCH/corpus/<target> across runs;
# crashing inputs land in $SCRATCH/artifacts/<target>/ and libFuzzer's whole output in $SCRATCH/<target>.log.
# Exits non-zero when any target crashed (the others still run).
set -uo pipefail
SCRATCH=${FUZZ_SCRATCH:-Fuzz/.build-release-fuzz}
TIME=${FUZZ_TIME:-600}
TARGETS=${FUZZ_TARGETS:-FuzzParameters FuzzMountRequest FuzzContent}
python3 Fuzz/seeds.py "$SCRATCH/seeds" || exit 1
failed=""
for target in $TARGETS; do
    mkdir -p "$SCRATCH/corpus/$target" "$SCRATCH/artifacts/$target"
    echo "== $target: $TIME s"
    # libFuzzer checks every input that allocates more than it frees for leaks; the check at exit is left out,
    # as it reports OpenSSL's providers, loaded once per process by PKCS12Reader (docs/fuzzing.md).
    ASAN_OPTIONS=leak_check_at_exit=0 nice -n 19 "$SCRATCH/release/$target" -max_total_time="$TIME" -timeout=30 -rss_limit_mb=4096 \
        -print_final_stats=1 -artifact_prefix="$SCRATCH/artifacts/$target/" \
        "$SCRATCH/corpus/$target" "$SCRATCH/seeds/$target" >"$SCRATCH/$target.log" 2>&1
    status=$?
    grep -E '^(Done [0-9]+ runs|stat::number_of_executed_units|stat::peak_rss_mb|stat::new_units_added|SUMMARY|==[0-9]+==ERROR|Test unit written|.*INITED)' \
        "$SCRATCH/$target.log"
    if [ "$status" -ne 0 ]; then
        echo "!! $target exited $status: see $SCRATCH/$target.log and $SCRATCH/artifacts/$target/"
        failed="$failed $target"
    fi
done
if [ -n "$failed" ]; then
    echo "crashed:$failed"
    exit 1
fi
