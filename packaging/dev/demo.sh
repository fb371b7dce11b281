#!/usr/bin/env bash
# Load fresh demo data and open the client on it (or, with no screen, show it on the terminal).
set -euo pipefail
cd "$(dirname "$0")/../.."
db="${DEMO_DB:-$PWD/out/demo.sqlite}"
(umask 077 && mkdir -p "$(dirname "$db")")  # the counter's files are its user's only
rm -f "$db" "$db-wal" "$db-shm"
.venv/bin/tilldesk demo --db "$db" --consumers "${DEMO_CONSUMERS:-500}"
# The recovery side: failed payments beside the counter (the client's Recovery menu, F8, reads
# recovery.db next to the counter's database), and one pass of the recovery service over them.
recovery="$(dirname "$db")/recovery.db"
rm -f "$recovery" "$recovery-wal" "$recovery-shm"
.venv/bin/tilldesk recovery demo --db "$recovery" --rich >/dev/null
.venv/bin/tilldesk recovery run --db "$recovery" --gateway demo --once --model-check-seconds 0 \
    >/dev/null
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] || [ -n "${QT_QPA_PLATFORM:-}" ]; then
    exec .venv/bin/tilldesk client --db "$db"
fi
echo
echo "No screen here (DISPLAY is not set): the demo data on the command line instead."
echo "On a desktop, run: .venv/bin/tilldesk client --db $db"
echo
.venv/bin/tilldesk kpis --db "$db"
echo
.venv/bin/tilldesk payments list --db "$db" --limit 10
