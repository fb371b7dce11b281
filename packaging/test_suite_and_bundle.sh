#!/usr/bin/env bash
# `make test`: the suite on 2 workers and, at the same time, the packaging tests of the real
# bundle (tests/packaging/test_bundle.py: `make bundle`, then the frozen commands run from dist/
# with a clean environment, the .deb unpacked into a throwaway root, its units verified).
# The build mostly waits on I/O and on PyInstaller's subprocesses, so it costs the suite little.
#   TILLDESK_SKIP_BUNDLE=1  the suite only (a quick run while developing)
# Extra arguments go to the suite's pytest.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p build
log=build/bundle-tests.log
started=$SECONDS

bundle=""
if [ "${TILLDESK_SKIP_BUNDLE:-}" != 1 ]; then
    set -m  # the bundle's tests in a process group of their own: stopped whole on Ctrl-C
    TILLDESK_PACKAGING_TESTS=1 .venv/bin/pytest -q -s -p no:cacheprovider \
        tests/packaging/test_bundle.py >"$log" 2>&1 &
    bundle=$!
    set +m
    trap 'kill -- -"$bundle" 2>/dev/null; exit 130' INT TERM
    echo "Building and testing the bundle beside the suite: $log"
fi

env -u TILLDESK_PACKAGING_TESTS .venv/bin/pytest -q -n 2 --durations=30 "$@"
suite=$?
echo "The suite: $((SECONDS - started)) s"

packaged=0
if [ -n "$bundle" ]; then
    wait "$bundle"
    packaged=$?
    echo "--- the bundle ($log), $((SECONDS - started)) s since the start:"
    grep -E "^(bundle size|bundle part|build|--version|client start-up|\.deb)|passed|failed|error" "$log" \
        || tail -n 40 "$log"
    [ "$packaged" = 0 ] || tail -n 60 "$log"
fi
[ "$suite" = 0 ] && [ "$packaged" = 0 ]
