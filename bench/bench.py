#!/usr/bin/env python3
"""reportwatch against the libcurl + libxml2 floor, side by side, on loopback.

For N = 100 and N = 1,000 pages in the Ofsted provider markup it measures a cold pass
(everything new), a warm pass where every answer is a 304, and a pass where 10% of the pages
published a new report. Each pass is one process; CPU (user+sys) and peak RSS come from
wait4(2) for that process alone. Then a long `run` checks memory growth over many checks, and
`inspect-report` is timed on the largest fixture PDF. Ratios to the floor are what matter:
absolute times drift on a shared machine.

usage: bench.py BINARY FLOOR [--sizes 100,1000] [--soak-checks 10000]
"""
import argparse
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
XPATH = "//a[contains(concat(' ', normalize-space(@class), ' '), ' publication-link ')]"


def measure(argv, stdin=None, env=None):
    """Runs argv to its end; returns wall seconds, CPU seconds, peak RSS in MB, stdout."""
    started = time.monotonic()
    process = subprocess.Popen(argv, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    if stdin is not None:
        process.stdin.write(stdin.encode())
        process.stdin.close()
    out = process.stdout.read()
    err = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - started
    if process.returncode != 0:
        sys.exit(f"bench: {' '.join(argv)} exited {process.returncode}: {err.decode()[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out.decode()


def control(port, query):
    urllib.request.urlopen(f"http://127.0.0.1:{port}/control?{query}", timeout=30).read()


def etags_for(port, count):
    tags = []
    for i in range(count):
        request = urllib.request.Request(f"http://127.0.0.1:{port}/p/{i}", method="GET")
        with urllib.request.urlopen(request, timeout=30) as response:
            tags.append(response.headers.get("ETag", ""))
    return tags


def write_config(directory, port, count, interval="1h"):
    lines = [f"state_directory: {directory}/state", "contact: bench@example.org",
             "politeness: {min_gap: 0s, max_per_host: 10}", "sources:"]
    for i in range(count):
        lines += [f"  - id: p{i}", "    kind: html", f"    url: http://127.0.0.1:{port}/p/{i}", f"    interval: {interval}",
                  f"    items: \"{XPATH}\"",
                  "    fields: {key: \"@href\", title: \"normalize-space(span[contains(@class, 'nonvisual')])\", link: \"@href\"}"]
    lines += ["channels:", "  - id: log", "    kind: jsonl", f"    path: {directory}/alerts.jsonl"]
    path = os.path.join(directory, "bench.yaml")
    with open(path, "w") as file:
        file.write("\n".join(lines) + "\n")
    return path


def rss_of(pid):
    with open(f"/proc/{pid}/status") as file:
        for line in file:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("floor")
    parser.add_argument("--sizes", default="100,1000")
    parser.add_argument("--soak-checks", type=int, default=10000)
    parser.add_argument("--pdf", default=os.path.join(HERE, "..", "..", "shared", "fixtures", "ofsted", "birmingham_sif_2016-11-25.pdf"))
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    largest = max(sizes)

    server = subprocess.Popen([sys.executable, os.path.join(HERE, "server.py"), str(largest)], stdout=subprocess.PIPE)
    port = int(server.stdout.readline())
    rows = []
    try:
        for count in sizes:
            control(port, "reset=1")
            urls = "".join(f"http://127.0.0.1:{port}/p/{i}\n" for i in range(count))
            work = tempfile.mkdtemp(prefix="rw-bench-")
            config = write_config(work, port, count)
            etag_file = os.path.join(work, "etags.txt")

            floor_cold = measure([args.floor, "--parallel", "10"], stdin=urls)
            rw_cold = measure([args.binary, "check", "--config", config, "--log-level", "error"])
            with open(etag_file, "w") as file:
                file.write("\n".join(etags_for(port, count)) + "\n")
            floor_warm = measure([args.floor, "--parallel", "10", "--etags", etag_file], stdin=urls)
            rw_warm = measure([args.binary, "check", "--config", config, "--log-level", "error"])
            control(port, "publish=0.1")
            floor_changed = measure([args.floor, "--parallel", "10", "--etags", etag_file], stdin=urls)
            rw_changed = measure([args.binary, "check", "--config", config, "--log-level", "error"])
            alerts = sum(1 for _ in open(os.path.join(work, "alerts.jsonl"))) if os.path.exists(os.path.join(work, "alerts.jsonl")) else 0
            for name, floor, ours in (("cold", floor_cold, rw_cold), ("all 304", floor_warm, rw_warm), ("10% changed", floor_changed, rw_changed)):
                rows.append((count, name, floor, ours))
            rows.append((count, f"(alerts after 10% pass: {alerts})", None, None))
            shutil.rmtree(work)

        print()
        print(f"{'N':>5}  {'pass':<12} {'floor wall':>10} {'rw wall':>8} {'×':>5}   {'floor CPU/page':>14} {'rw CPU/page':>12} {'×':>5}   {'floor RSS':>9} {'rw RSS':>7}")
        for count, name, floor, ours in rows:
            if floor is None:
                print(f"{count:>5}  {name}")
                continue
            fw, fc, fr, _ = floor
            rw, rc, rr, _ = ours
            print(f"{count:>5}  {name:<12} {fw:>9.2f}s {rw:>7.2f}s {rw / fw:>5.2f}   {fc / count * 1000:>11.2f} ms {rc / count * 1000:>9.2f} ms {rc / max(fc, 1e-9):>5.2f}   {fr:>7.1f}MB {rr:>5.1f}MB")
        cold = {c: o for c, n, f, o in rows if n == "cold"}
        warm = {c: o for c, n, f, o in rows if n == "all 304"}
        for count in sizes:
            print(f"warm/cold CPU at N={count}: {warm[count][1] / cold[count][1]:.1%} (target ≤ 10%)")

        # Memory over many checks in one `run` process.
        if args.soak_checks > 0:
            control(port, "reset=1")
            work = tempfile.mkdtemp(prefix="rw-soak-")
            config = write_config(work, port, largest, interval="10s")
            process = subprocess.Popen([args.binary, "run", "--config", config, "--log-level", "error"],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            checks_per_pass = largest
            passes = max(3, args.soak_checks // checks_per_pass)
            time.sleep(12)
            warm_rss = rss_of(process.pid)
            samples = [warm_rss]
            deadline = time.monotonic() + passes * 11
            while time.monotonic() < deadline:
                time.sleep(10)
                samples.append(rss_of(process.pid))
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
            print(f"run: ~{passes * checks_per_pass} checks over {passes} passes; RSS after warm-up {warm_rss:.1f} MB, "
                  f"at end {samples[-1]:.1f} MB, growth {samples[-1] - warm_rss:+.1f} MB (target ≤ 2 MB); samples {['%.1f' % s for s in samples]}")
            shutil.rmtree(work)

        if os.path.exists(args.pdf):
            try:
                wall, cpu, rss, _ = measure([args.binary, "inspect-report", args.pdf])
                print(f"inspect-report {os.path.basename(args.pdf)}: {cpu:.3f} s CPU (pdftotext included), {wall:.2f} s wall, {rss:.1f} MB (target ≤ 0.5 s)")
            except SystemExit as error:
                print(f"inspect-report: not measured ({error})")
    finally:
        server.terminate()


if __name__ == "__main__":
    main()
