#!/usr/bin/env bash
# Installs what reportwatch needs on Debian 12: the C libraries it links, poppler's pdftotext
# for report PDFs, and, with --test, the real peers the tests talk to (an SMTP server and a
# feed parser from PyPI), a strict HTML5 parser (html5lib) and headless Chromium for the site's
# pages, and systemd-nspawn, which scripts/systemd-test.sh boots systemd with. The Swift 6
# toolchain itself must already be on PATH.
set -euo pipefail

with_tests=no
[ "${1:-}" = "--test" ] && with_tests=yes

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

packages=(libcurl4-openssl-dev libxml2-dev libsqlite3-dev libjemalloc-dev poppler-utils pkg-config ca-certificates make gcc)
[ "$with_tests" = yes ] && packages+=(python3 python3-pip systemd systemd-container gzip curl openssl qpdf chromium)

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi

if [ "$with_tests" = yes ]; then
    python3 -m pip install --quiet --disable-pip-version-check aiosmtpd feedparser html5lib 2>/dev/null \
        || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages aiosmtpd feedparser html5lib
fi

command -v swift >/dev/null || { echo "setup: swift is not on PATH; install the Swift 6 toolchain first" >&2; exit 1; }
echo "setup: done"
