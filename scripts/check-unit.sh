#!/usr/bin/env bash
# Checks the systemd unit: `systemd-analyze verify` must be clean and the offline security
# exposure must be 2.0 or lower.
set -euo pipefail
unit=${1:-systemd/reportwatch.service}
limit=2.0
command -v systemd-analyze >/dev/null || { echo "check-unit: systemd-analyze not found (apt-get install systemd)" >&2; exit 1; }

# verify wants the ExecStart binary to exist; check a copy that points at a stand-in.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stub="$work/reportwatch"
printf '#!/bin/sh\nexit 0\n' > "$stub"
chmod +x "$stub"
sed "s|/usr/local/bin/reportwatch|$stub|" "$unit" > "$work/reportwatch.service"

verify_output=$(systemd-analyze verify "$work/reportwatch.service" 2>&1 || true)
# Messages about the machine (no systemd as PID 1, other units) are not about this unit.
problems=$(printf '%s\n' "$verify_output" | grep -F "reportwatch.service" || true)
if [ -n "$problems" ]; then
    echo "check-unit: systemd-analyze verify found problems:" >&2
    printf '%s\n' "$problems" >&2
    exit 1
fi
echo "check-unit: systemd-analyze verify: clean"

score=$(systemd-analyze security --offline=yes "$work/reportwatch.service" 2>/dev/null | sed -n 's/.*Overall exposure level for [^:]*: *\([0-9.]*\).*/\1/p')
[ -n "$score" ] || { echo "check-unit: no exposure score from systemd-analyze security" >&2; exit 1; }
echo "check-unit: exposure $score (limit $limit)"
awk -v s="$score" -v l="$limit" 'BEGIN { exit !(s <= l) }' || { echo "check-unit: exposure $score is above $limit" >&2; exit 1; }
