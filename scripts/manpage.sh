#!/usr/bin/env bash
# Writes a man page for reportwatch from the command's own help, so the two never disagree.
set -euo pipefail
binary=${1:-.build/release/reportwatch}
version=$("$binary" --version)
echo ".TH REPORTWATCH 1 \"\" \"reportwatch $version\" \"User Commands\""
echo ".SH NAME"
echo "reportwatch \\- watch council and inspectorate pages and alert on new reports"
escape() { sed -e 's/\\/\\\\/g' -e 's/^\./\\\&./' -e "s/^'/\\\\\\&'/"; }
echo ".SH SYNOPSIS"
echo ".nf"
"$binary" --help | escape
echo ".fi"
for command in $("$binary" --help | awk '/^SUBCOMMANDS:/ {on=1; next} on && NF {print $1}' | grep -v '^help$'); do
    echo ".SH COMMAND: $command"
    echo ".nf"
    "$binary" "$command" --help | escape
    echo ".fi"
done
echo ".SH FILES"
echo "/etc/reportwatch/reportwatch.yaml, \$STATE_DIRECTORY/reportwatch.sqlite"
