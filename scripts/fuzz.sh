#!/usr/bin/env bash
# Builds the fuzz package (Fuzz/) with libFuzzer and AddressSanitizer and runs every target for
# SECONDS each, one after another (the machine has two cores and other work). Seeds: the small
# committed ones in Fuzz/corpus/<target>/ plus, copied at run time, the real fixtures in
# ../shared/fixtures (pdftotext's output of the real report PDFs for the findings parser).
# What libFuzzer finds stays in Fuzz/.build/corpus/<target>/; crashes go to
# Fuzz/.build/artifacts/<target>/. Prints one line per target and exits 1 if any crashed.
#
#   scripts/fuzz.sh SECONDS [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."

per_target="${1:?usage: scripts/fuzz.sh SECONDS [TARGET...]}"
shift
all_targets=(FuzzHTMLItems FuzzReportFindings FuzzModernGov FuzzConfig FuzzOfstedPages FuzzFeed FuzzGovUK FuzzText)
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=("${all_targets[@]}")
fixtures="${REPORTWATCH_FIXTURES:-$(pwd)/../shared/fixtures}"

# lld: gold fails to link libFuzzer's objects with a Swift main ("internal error in
# format_file_lineno"); the toolchain ships lld.
(cd Fuzz && swift build -c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld 2>&1 \
    | grep -v "Cannot export local symbol" | tail -n 3)
bin="Fuzz/.build/debug"

# Runtime seeds from the real fixtures, for the targets that read that kind of document.
seed_fixtures() {
    local target="$1" out="Fuzz/.build/seeds/$1"
    rm -rf "$out" && mkdir -p "$out"
    [ -d "$fixtures" ] || return 0
    case "$target" in
        FuzzHTMLItems)
            # The first two bytes pick the extractor and the declared charset.
            local n=0
            for file in "$fixtures"/moderngov/*.html; do
                printf '\001\000' | cat - "$file" > "$out/moderngov-$n.html"
                n=$((n + 1))
            done ;;
        FuzzModernGov) cp "$fixtures"/moderngov/*.html "$out"/ ;;
        FuzzReportFindings)
            for pdf in "$fixtures"/ofsted/*.pdf; do
                pdftotext -layout -enc UTF-8 "$pdf" "$out/$(basename "$pdf" .pdf).txt" 2>/dev/null || true
            done ;;
        FuzzGovUK) cp "$fixtures"/govuk/*.json "$out"/ ;;
        FuzzConfig) cp config/reportwatch.yaml "$out"/ ;;
    esac
}

status=0
printf '%-20s %8s %12s %8s %8s  %s\n' target seconds executions exec/s crashes artifacts
for target in "${targets[@]}"; do
    seed_fixtures "$target"
    corpus="Fuzz/.build/corpus/$target"
    artifacts="Fuzz/.build/artifacts/$target"
    mkdir -p "$corpus" "$artifacts"
    log="Fuzz/.build/$target.log"
    # -timeout: one input taking 10 s is a hang worth reporting; -rss_limit_mb: a memory blow-up
    # is a finding too. LSAN_OPTIONS: see scripts/lsan.supp. SWIFT_BACKTRACE: Swift's own crash
    # handler reads the crashed thread's stack, which ASan reports as a stack-buffer-underflow
    # in CrashHandlerLinux.cpp instead of the trap's message: off, libFuzzer reports the trap.
    SWIFT_BACKTRACE=enable=no LSAN_OPTIONS="suppressions=$(pwd)/scripts/lsan.supp:print_suppressions=0" \
    "$bin/$target" -max_total_time="$per_target" -timeout=10 -rss_limit_mb=2048 -max_len=131072 \
        -print_final_stats=1 -artifact_prefix="$artifacts/" \
        "$corpus" "Fuzz/.build/seeds/$target" "Fuzz/corpus/$target" >"$log" 2>&1 || true
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    crashes=$(find "$artifacts" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
    if [ -z "$runs" ] || [ "$crashes" -gt 0 ]; then status=1; fi
    printf '%-20s %8s %12s %8s %8s  %s\n' "$target" "$per_target" "${runs:-?}" "${rate:-?}" "$crashes" "$artifacts"
done
exit "$status"
