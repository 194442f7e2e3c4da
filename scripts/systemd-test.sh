#!/usr/bin/env bash
# The unit under a real systemd: boots systemd in a container (systemd-nspawn over an overlay of
# /, in a private mount namespace and a cgroup subtree of its own), installs the release binary,
# the unit and a config into it, serves pages and real Ofsted PDFs from a unit inside it, and
# checks what an operator sees: start and READY=1, STATUS=, journal priorities, the state
# directory, alerts for a changed page and a new Ofsted report (read by pdftotext inside the
# sandbox), reload with a good and a broken config, the watchdog, SIGABRT, stop, a journal free
# of libdispatch lines, and `systemd-analyze security`. Everything it made is removed on exit.
#
# Usage: bash scripts/systemd-test.sh [BINARY]   (default .build/release/reportwatch; needs root)
# SYSTEMD_TEST_HOLD=SECONDS keeps the container that long after the checks, to look around in it.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)

say() { echo "systemd-test: $*"; }
cannot_boot() { say "cannot boot a container on this machine: $*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------
# Outside: prerequisites, the cgroup subtree, and the cleanup that runs however the inside ends.
if [ "${1:-}" != "--inside" ]; then
    start_time=$(date +%s)
    binary=$(realpath -m "${1:-$repo/.build/release/reportwatch}")
    unit_file=$repo/systemd/reportwatch.service
    fixtures=${REPORTWATCH_FIXTURES:-$(realpath -m "$repo/../shared/fixtures")}
    [ "$(id -u)" -eq 0 ] || cannot_boot "it needs root (CAP_SYS_ADMIN) to mount and to run systemd-nspawn"
    for tool in systemd-nspawn unshare nsenter python3 pdftotext; do
        command -v "$tool" >/dev/null || cannot_boot "$tool is missing (bash scripts/setup.sh --test installs it)"
    done
    [ -x "$binary" ] || { say "no binary at $binary (make release)" >&2; exit 1; }
    for pdf in harrow_ilacs_2020-03-16_file50149055.pdf harrow_ilacs_2025-03-04_file50270419.pdf; do
        [ -f "$fixtures/ofsted/$pdf" ] || { say "fixture $fixtures/ofsted/$pdf is missing" >&2; exit 1; }
    done
    unshare --mount --propagation private true 2>/dev/null \
        || cannot_boot "unshare --mount failed (no CAP_SYS_ADMIN in this sandbox)"

    name=reportwatch-systemd-test-$$
    # Hybrid machines (cgroup v1 with a name=systemd hierarchy and cgroup2 at unified/) and pure
    # cgroup2 machines both work; nspawn takes the hierarchy it is started in.
    if [ -e /sys/fs/cgroup/cgroup.controllers ]; then
        cgroups=(/sys/fs/cgroup/$name)
    elif [ -d /sys/fs/cgroup/unified ] && [ -d /sys/fs/cgroup/systemd ]; then
        cgroups=(/sys/fs/cgroup/systemd/$name /sys/fs/cgroup/unified/$name)
    else
        cannot_boot "no cgroup2 hierarchy (neither /sys/fs/cgroup nor /sys/fs/cgroup/unified is cgroup2)"
    fi
    work=$(mktemp -d /tmp/reportwatch-systemd-test.XXXXXX)

    # Kills every process in a cgroup subtree (the container, nspawn, the inside shell, in
    # whatever state) and removes the subtree; false if something is left.
    remove_cgroup() {
        local cgroup=$1 procs pid
        [ -d "$cgroup" ] || return 0
        for _ in $(seq 50); do
            [ -w "$cgroup/cgroup.kill" ] && { echo 1 > "$cgroup/cgroup.kill"; } 2>/dev/null
            procs=$(find "$cgroup" -name cgroup.procs -exec cat {} + 2>/dev/null | tr '\n' ' ')
            [ -z "${procs// /}" ] && break
            for pid in $procs; do kill -KILL "$pid" 2>/dev/null || true; done
            sleep 0.1
        done
        find "$cgroup" -depth -type d -exec rmdir {} + 2>/dev/null || true
        [ ! -d "$cgroup" ]
    }
    # What an earlier run killed with SIGKILL left behind.
    for parent in "${cgroups[@]%/*}"; do
        for cgroup in "$parent"/reportwatch-systemd-test-*; do
            [ -d "$cgroup" ] && ! kill -0 "${cgroup##*-}" 2>/dev/null && { remove_cgroup "$cgroup" || true; }
        done
    done

    cleanup() {
        local status=$? cgroup
        trap - EXIT INT TERM
        for cgroup in "${cgroups[@]}"; do
            remove_cgroup "$cgroup" || { say "could not remove $cgroup" >&2; status=1; }
        done
        # The mounts lived in the inside's private mount namespace and went with its last process.
        if grep -q " $work" /proc/self/mountinfo; then say "mounts under $work remain" >&2; status=1; fi
        rmdir "$work" 2>/dev/null || rm -rf "$work"
        say "took $(( $(date +%s) - start_time )) s"
        exit "$status"
    }
    trap cleanup EXIT
    trap 'exit 130' INT TERM
    for cgroup in "${cgroups[@]}"; do mkdir "$cgroup"; done
    CGROUPS="${cgroups[*]}" WORK="$work" FIXTURES="$fixtures" BINARY="$binary" UNIT_FILE="$unit_file" \
        unshare --mount --propagation private -- bash "$0" --inside
    exit $?
fi

# ---------------------------------------------------------------------------------------------
# Inside: a private mount namespace, in the cgroup subtree.
for cgroup in $CGROUPS; do echo $$ > "$cgroup/cgroup.procs"; done
work=$WORK
nspawn_pid=""
passed=0
failed=0

stop_container() {
    trap - EXIT
    if [ -n "$nspawn_pid" ] && kill -0 "$nspawn_pid" 2>/dev/null; then
        # nspawn turns SIGTERM into an orderly shutdown of the container's systemd.
        kill -TERM "$nspawn_pid" 2>/dev/null || true
        for _ in $(seq 100); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 0.1; done
    fi
    umount -R "$work/root" 2>/dev/null || umount -l "$work/root" 2>/dev/null || true
    umount "$work" 2>/dev/null || umount -l "$work" 2>/dev/null || true
}
trap stop_container EXIT

mount -t tmpfs -o mode=0755 tmpfs /run
mount -t tmpfs -o mode=0700 tmpfs "$work"
mkdir "$work/upper" "$work/work" "$work/root"
mount -t overlay overlay -o "lowerdir=/,upperdir=$work/upper,workdir=$work/work" "$work/root" \
    || cannot_boot "an overlay of / could not be mounted"
root=$work/root
pages=$root/srv/reportwatch-pages

# What `make install` puts in place. Beside the binary, the toolchain's backtracer: where the
# Swift runtime finds one it installs its crash handler, which caught SIGABRT and let the process
# go on; the SIGABRT check below is only worth something with it there.
install -m 0755 "$BINARY" "$root/usr/local/bin/reportwatch"
backtracer=$(dirname "$(realpath "$(command -v swift 2>/dev/null || echo /nonexistent)")")/../libexec/swift/linux/swift-backtrace-static
if [ -x "$backtracer" ]; then
    install -m 0755 "$backtracer" "$root/usr/local/bin/swift-backtrace"
    say "the toolchain's backtracer is beside the binary"
else
    say "no swift-backtrace-static in the toolchain: the SIGABRT check runs without a backtracer"
fi
install -d "$root/usr/local/lib/systemd/system" "$root/etc/reportwatch"
install -d -m 0700 "$root/etc/reportwatch/credentials"
install -m 0644 "$UNIT_FILE" "$root/usr/local/lib/systemd/system/reportwatch.service"

write_config() { # SOURCES_EXTRA
    cat > "$root/etc/reportwatch/reportwatch.yaml" <<EOF
contact: systemd-test@example.org
timezone: Europe/London
politeness: {min_gap: 0s, max_per_host: 2}
sources:
  - id: news
    name: Council news
    kind: html
    url: http://127.0.0.1:8080/news.html
    interval: 10s
    jitter: 0
    items: "//li[@class='report']"
    fields: {key: "a/@href", title: "a"}
  - id: ofsted-harrow
    name: Ofsted reports for Harrow children's services
    kind: ofsted-provider
    url: http://127.0.0.1:8080/provider/44/80499
    council: Harrow
    interval: 10s
    jitter: 0
$1
channels:
  - id: log
    kind: jsonl
    path: alerts.jsonl
EOF
    chmod 0644 "$root/etc/reportwatch/reportwatch.yaml"
}
write_config ""

# The pages: a council news list, and a provider page in the markup DESIGN.md records (no saved
# copy of a real one exists) whose links serve the real Harrow reports of 2020 and 2025.
install -d "$pages/provider/44" "$pages/v1/file"
cp "$FIXTURES/ofsted/harrow_ilacs_2020-03-16_file50149055.pdf" "$pages/v1/file/50149055"
cp "$FIXTURES/ofsted/harrow_ilacs_2025-03-04_file50270419.pdf" "$pages/v1/file/50270419"
news_page() { # TITLE...
    { echo '<html><body><h1>News</h1><ul>'
      local n=0 title
      for title in "$@"; do n=$((n + 1)); echo "<li class=\"report\"><a href=\"/news/$n\">$title</a></li>"; done
      echo '</ul></body></html>'; } > "$pages/news.html.tmp"
    mv "$pages/news.html.tmp" "$pages/news.html"
}
timeline_day() { # FILE_ID PUBLISHED EVENT_DATETIME EVENT_TEXT
    cat <<EOF
<li class="timeline__day"><p class="timeline__date"><time datetime="$3">$4</time></p>
<ul class="timeline__events"><li class="timeline__event"><span class="event__title heading--sub">Children's services inspection</span>
<a class="publication-link" href="http://127.0.0.1:8080/v1/file/$1" target="_blank">Children's services inspection
<span class="nonvisual">Children's services inspection, PDF - $2</span></a></li></ul></li>
EOF
}
provider_page() { # DAYS (html)
    cat > "$pages/provider/44/80499.tmp" <<EOF
<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Harrow - Open - Find an inspection report - Ofsted</title></head><body>
<main><h1 class="heading--title">Harrow</h1>
<div class="timeline"><ul class="timeline__list">
$1
</ul></div></main></body></html>
EOF
    mv "$pages/provider/44/80499.tmp" "$pages/provider/44/80499"
}
harrow2020=$(timeline_day 50149055 "16 March 2020" 2020-02-14 "14 February 2020")
harrow2025=$(timeline_day 50270419 "04 March 2025" 2025-01-24 "24 January 2025")
news_page "Budget report 2026" "Children's services update"
provider_page "$harrow2020"

cat > "$root/etc/systemd/system/reportwatch-pages.service" <<EOF
[Unit]
Description=reportwatch test pages on 127.0.0.1:8080
[Service]
ExecStart=/usr/bin/python3 -m http.server 8080 --bind 127.0.0.1 --directory /srv/reportwatch-pages
EOF
# Booted into a target of its own: what the host has enabled (databases, web servers) stays off.
cat > "$root/etc/systemd/system/reportwatch-test.target" <<EOF
[Unit]
Description=reportwatch systemd test
Requires=basic.target reportwatch-pages.service
After=basic.target reportwatch-pages.service
AllowIsolate=yes
EOF

systemd-nspawn --quiet --directory="$root" --boot --private-network --register=no --keep-unit \
    --link-journal=no --console=passive -- systemd.unit=reportwatch-test.target > "$work/nspawn.log" 2>&1 &
nspawn_pid=$!

# The container's PID 1, as this namespace sees it: the process in the payload's init.scope.
container_pid=""
for _ in $(seq 300); do
    kill -0 "$nspawn_pid" 2>/dev/null || break
    for cgroup in $CGROUPS; do
        [ -r "$cgroup/payload/init.scope/cgroup.procs" ] && container_pid=$(head -n 1 "$cgroup/payload/init.scope/cgroup.procs")
    done
    [ -n "$container_pid" ] && break
    sleep 0.1
done
[ -n "$container_pid" ] || { cat "$work/nspawn.log" >&2; cannot_boot "systemd-nspawn did not start systemd"; }

c() { nsenter -t "$container_pid" -a -- "$@"; }
# Until systemd has its private socket up, systemctl cannot connect at all.
boot_state=""
for _ in $(seq 120); do
    boot_state=$(timeout 60 nsenter -t "$container_pid" -a -- systemctl is-system-running --wait 2>&1 || true)
    case "$boot_state" in running|degraded|stopping|offline|maintenance) break ;; esac
    sleep 0.5
done
case "$boot_state" in
    running|degraded) say "container booted ($boot_state) in $SECONDS s" ;;
    *) cat "$work/nspawn.log" >&2; cannot_boot "systemd in the container did not finish booting: $boot_state" ;;
esac

# ---------------------------------------------------------------------------------------------
# From here a failing command is a failed check, counted, not the end of the run.
set +e
ok() { passed=$((passed + 1)); say "ok: $*"; }
fail() { failed=$((failed + 1)); say "FAILED: $*"; }
check() { # DESCRIPTION COMMAND...
    local description=$1; shift
    if "$@"; then ok "$description"; else fail "$description"; fi
}
wait_for() { # SECONDS COMMAND...: true once COMMAND succeeds
    local deadline=$((SECONDS + $1)); shift
    until "$@"; do [ "$SECONDS" -lt "$deadline" ] || return 1; sleep 0.5; done
}
prop() { c systemctl show -P "$1" reportwatch.service; }
# The service's journal entries as JSON lines, and a filter over them: PRIORITY and MESSAGE.
journal_json() { c journalctl --no-pager -o json -u reportwatch.service "$@"; }
has_entry() { # PRIORITY REGEX [journalctl args]: an entry at PRIORITY whose MESSAGE starts with REGEX
    local priority=$1 pattern=$2; shift 2
    journal_json "$@" | python3 -c '
import json, re, sys
priority, pattern = sys.argv[1], re.compile(sys.argv[2])
for line in sys.stdin:
    entry = json.loads(line)
    message = entry.get("MESSAGE")
    if isinstance(message, list):
        message = bytes(message).decode("utf-8", "replace")
    if entry.get("PRIORITY") == priority and pattern.match(message or ""):
        sys.exit(0)
sys.exit(1)' "$priority" "$pattern"
}
state=$root/var/lib/private/reportwatch
alerts_with() { grep -F -- "$1" "$state/alerts.jsonl" 2>/dev/null | grep -qF -- "${2:-}"; }

# 1. Start: Type=notify, so `systemctl start` returns once the service sent READY=1.
check "systemctl start reportwatch returns 0 (READY=1 received)" c systemctl start reportwatch.service
check "active (running) with a main PID" test "$(prop ActiveState)/$(prop SubState)" = active/running -a "$(prop MainPID)" -gt 0
status_text=$(prop StatusText)
check "STATUS= reads \"$status_text\"" bash -c '[[ "$1" =~ ^2\ sources,\ [0-9]+\ failing,\ [0-9]+\ alerts\ pending ]]' _ "$status_text"
check "journal: \"reportwatch started\" at PRIORITY=5 (notice), with no level word in MESSAGE" \
    has_entry 5 "reportwatch started channels=1"
check "both sources record their baseline (the 2020 report's PDF read)" wait_for 60 bash -c \
    "[ \$(nsenter -t $container_pid -a -- journalctl -u reportwatch.service --no-pager -o cat --grep 'baseline recorded' | wc -l) -ge 2 ]"
check "state database in /var/lib/private/reportwatch (DynamicUser), owned by the dynamic user" bash -c "
    [ -s '$state/reportwatch.sqlite' ] && [ \"\$(stat -c %U '$state/reportwatch.sqlite')\" != root ] \
    && [ \"\$(readlink '$root/var/lib/reportwatch')\" = private/reportwatch ]"
check "STATUS= follows the passes (next check time)" wait_for 20 bash -c \
    "nsenter -t $container_pid -a -- systemctl show -P StatusText reportwatch.service | grep -q 'next check'"

# 2. A changed page and a new Ofsted report.
news_page "Budget report 2026" "Children's services update" "Ofsted focused visit letter published"
provider_page "$harrow2025
$harrow2020"
check "the changed page gives an alert in alerts.jsonl" wait_for 60 alerts_with '"source":"news"' 'Ofsted focused visit letter published'
check "... and a notice in the journal (PRIORITY=5)" wait_for 10 has_entry 5 "Ofsted focused visit letter published"
check "the new Ofsted report is read by pdftotext in the sandbox and alerted with its grade" \
    wait_for 60 alerts_with '"source":"ofsted-harrow"' "Ofsted: new children's services inspection report for Harrow — Inadequate"
check "... with its judgements against the previous report" \
    alerts_with '"source":"ofsted-harrow"' 'Overall effectiveness: Inadequate (was Good in March 2020)'
check "... and the report kept in the state directory" bash -c "ls '$state/reports/'*.pdf >/dev/null 2>&1"
check "... and a notice in the journal (PRIORITY=5)" has_entry 5 "Ofsted: new children's services inspection report for Harrow"

# 3. Reload: a good config is applied by the same process; a broken one fails the reload.
pid=$(prop MainPID)
write_config "  - id: news-2
    kind: html
    url: http://127.0.0.1:8080/news.html
    interval: 10s
    items: \"//li[@class='report']\"
    fields: {key: \"a/@href\", title: \"a\"}"
since=$(c date '+%Y-%m-%d %H:%M:%S')
check "systemctl reload with a good config returns 0" c systemctl reload reportwatch.service
check "... keeps the PID and applies it (\"configuration reloaded sources=3\", STATUS= 3 sources)" bash -c "
    [ \"\$(nsenter -t $container_pid -a -- systemctl show -P MainPID reportwatch.service)\" = $pid ]" \
    && wait_for 15 has_entry 5 "configuration reloaded sources=3" --since "$since" \
    && wait_for 15 bash -c "nsenter -t $container_pid -a -- systemctl show -P StatusText reportwatch.service | grep -q '^3 sources'"
good_config=$(cat "$root/etc/reportwatch/reportwatch.yaml")
sed -i 's/^    items: "\/\/li/    itmes: "\/\/li/' "$root/etc/reportwatch/reportwatch.yaml"
since=$(c date '+%Y-%m-%d %H:%M:%S')
if reload_output=$(c systemctl reload reportwatch.service 2>&1); then
    fail "systemctl reload with a broken config must fail; it returned 0"
else
    ok "systemctl reload with a broken config fails: $(echo "$reload_output" | head -n 1)"
fi
check "... check-config says where, at PRIORITY=3: \"reportwatch.yaml:NN:5: sources[0].itmes: unknown key\"" \
    has_entry 3 '/etc/reportwatch/reportwatch\.yaml:[0-9]+:5: sources\[0\]\.itmes: unknown key' --since "$since"
check "... and the service keeps running with the same PID" \
    test "$(prop ActiveState)/$(prop SubState)/$(prop MainPID)" = "active/running/$pid"
# A SIGHUP that bypasses the check still keeps the old config, and logs an error.
c systemctl kill --kill-who=main -s HUP reportwatch.service
check "SIGHUP with a broken config: \"config not reloaded\" at PRIORITY=3 (error), still running" \
    wait_for 10 has_entry 3 "config not reloaded: /etc/reportwatch/reportwatch.yaml" --since "$since"
check "... same PID" test "$(prop ActiveState)/$(prop MainPID)" = "active/$pid"
printf '%s\n' "$good_config" > "$root/etc/reportwatch/reportwatch.yaml"

# 4. The watchdog, and SIGABRT (what systemd sends when it fires). The shorter RestartSec only
# saves the test 28 s.
install -d "$root/etc/systemd/system/reportwatch.service.d"
# systemd forgets a stopped unit's exit status when it unloads it: ExecStopPost= keeps it.
cat > "$root/etc/systemd/system/reportwatch.service.d/test.conf" <<'EOF'
[Service]
WatchdogSec=10s
RestartSec=2s
ExecStopPost=+/bin/sh -c 'echo "ExecMainCode=$$EXIT_CODE ExecMainStatus=$$EXIT_STATUS Result=$$SERVICE_RESULT" > /run/reportwatch-test-exit'
EOF
c systemctl daemon-reload
check "restart with WatchdogSec=10s" c systemctl restart reportwatch.service
first=$(prop WatchdogTimestampMonotonic)
sleep 6
second=$(prop WatchdogTimestampMonotonic)
check "the watchdog timestamp moves ($first → $second µs): WATCHDOG=1 every 5 s" test "$second" -gt "$first"
pid=$(prop MainPID)
restarts=$(prop NRestarts)
c systemctl kill --kill-who=main -s SIGABRT reportwatch.service
sent=$SECONDS
died_in=""
for i in $(seq 100); do
    if ! c kill -0 "$pid" 2>/dev/null; then died_in=$((i * 100)); break; fi
    sleep 0.1
done
check "systemctl kill -s SIGABRT ends the process at once (within ${died_in:-10000} ms)" test -n "$died_in" -a "${died_in:-10000}" -le 2000
check "... the journal records the signal (status=6/ABRT)" \
    wait_for 5 bash -c "nsenter -t $container_pid -a -- journalctl -u reportwatch.service --no-pager -o cat | grep -q 'status=6/ABRT'"
check "... and it is restarted (NRestarts $restarts → $(( restarts + 1 )), a new PID, READY again)" \
    wait_for 20 bash -c "[ \"\$(nsenter -t $container_pid -a -- systemctl show -P NRestarts reportwatch.service)/\$(nsenter -t $container_pid -a -- systemctl show -P SubState reportwatch.service)\" = '$((restarts + 1))/running' ]"
check "... with a new main PID" test "$(prop MainPID)" != "$pid"
say "SIGABRT to restart: $((SECONDS - sent)) s"

# 5. Stop.
check "systemctl stop returns 0" c systemctl stop reportwatch.service
stopped=$(c cat /run/reportwatch-test-exit 2>/dev/null || true)
check "... the main process exited: ${stopped:-no status}" test "$stopped" = "ExecMainCode=exited ExecMainStatus=0 Result=success"
check "... and logged \"reportwatch stopped\" (PRIORITY=5)" has_entry 5 "reportwatch stopped"

# 6. The whole journal of the boot: nothing from libdispatch or the Swift runtime's backtracer,
# and nothing from systemd about the unit file.
journal_all=$(c journalctl --no-pager -b -o short)
check "no libdispatch line in the journal" bash -c '! grep -Ei "libdispatch|thread priority|dispatch_" <<< "$1"' _ "$journal_all"
check "no backtracer line in the journal" bash -c '! grep -Ei "backtrac|executable stack|libswiftRuntime" <<< "$1"' _ "$journal_all"
check "systemd has no complaint about the unit file" bash -c '! grep -E "reportwatch.service:[0-9]+:" <<< "$1"' _ "$journal_all"
security=$(c systemd-analyze security --no-pager reportwatch.service 2>&1 | sed -n 's/.*Overall exposure level for [^:]*: *\([0-9.]*\).*/\1/p')
check "systemd-analyze security inside: ${security:-none} (limit 2.0)" \
    awk -v s="${security:-99}" 'BEGIN { exit !(s <= 2.0) }'

if [ -n "${SYSTEMD_TEST_HOLD:-}" ]; then
    say "holding the container for $SYSTEMD_TEST_HOLD s: nsenter -t $container_pid -a"
    sleep "$SYSTEMD_TEST_HOLD"
fi
if [ "$failed" -gt 0 ]; then
    say "the service's journal:"
    c journalctl --no-pager -u reportwatch.service -o short-monotonic | tail -n 60 | sed 's/^/    /'
fi
say "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
