#!/usr/bin/env python3
"""reportwatch against the libcurl + libxml2 floor, side by side, on loopback.

For N = 100 and N = 1,000 pages in the Ofsted provider markup it measures a cold pass
(everything new), a warm pass where every answer is a 304, and a pass where 10% of the pages
published a new report. Each pass is one process (`reportwatch check`, which also loads the
config and opens the database; the floor does neither); CPU (user+sys) and peak RSS come from
wait4(2) for that process alone. Every pass runs --repeat times, alternating with the floor,
and the table gives medians: single runs on a shared 2-core machine drift by 20%.

Then one long `run` process, as the service runs: its CPU per check is read from /proc and its
metrics file, first while every answer is a 304, then over a round in which 10% of the pages
changed, and its memory is sampled over many checks; then the same rounds at N = 10,000 sources
(no floor there: CPU per check and RSS). Last, `inspect-report` is timed on the
largest fixture PDF. Ratios to the floor are what matter.

usage: bench.py BINARY FLOOR [--sizes 100,1000] [--repeat 3] [--soak-checks 10000] [--service-size 10000]
"""
import argparse
import os
import re
import statistics
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


def write_config(directory, port, count, interval="1h", metrics=False):
    lines = [f"state_directory: {directory}/state", "contact: bench@example.org",
             "politeness: {min_gap: 0s, max_per_host: 10}"]
    if metrics:
        lines.append(f"metrics_file: {directory}/metrics.prom")
    lines.append("sources:")
    for i in range(count):
        lines += [f"  - id: p{i}", "    kind: html", f"    url: http://127.0.0.1:{port}/p/{i}", f"    interval: {interval}",
                  f"    items: \"{XPATH}\"",
                  "    fields: {key: \"@href\", title: \"normalize-space(span[contains(@class, 'nonvisual')])\", link: \"@href\"}"]
    lines += ["channels:", "  - id: log", "    kind: jsonl", f"    path: {directory}/alerts.jsonl"]
    path = os.path.join(directory, "bench.yaml")
    with open(path, "w") as file:
        file.write("\n".join(lines) + "\n")
    return path


def median_run(runs):
    """The run with the median CPU time, so its wall time and RSS stay with it."""
    return sorted(runs, key=lambda run: run[1])[len(runs) // 2]


def cpu_of(pid):
    """User+system CPU seconds of a live process."""
    with open(f"/proc/{pid}/stat") as file:
        fields = file.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def checks_in(metrics_path):
    """Checks the service has done, from its metrics file (0 before the first pass)."""
    try:
        with open(metrics_path) as file:
            text = file.read()
    except FileNotFoundError:
        return 0
    return sum(int(value) for value in re.findall(r"^reportwatch_checks_total\{[^}]*\} (\d+)$", text, re.M))


def sample(pid, metrics_path):
    """(CPU seconds, checks) read together: the service rewrites its metrics file after a pass
    (at most every 2 s), so CPU is read right after the file changes, not up to 2 s later."""
    try:
        before = os.stat(metrics_path).st_mtime_ns
    except FileNotFoundError:
        before = 0
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if os.stat(metrics_path).st_mtime_ns != before:
                break
        except FileNotFoundError:
            pass
        time.sleep(0.005)
    return cpu_of(pid), checks_in(metrics_path)


def wait_for_checks(metrics_path, count, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = checks_in(metrics_path)
        if done >= count:
            return done
        time.sleep(0.2)
    sys.exit(f"bench: the service did only {checks_in(metrics_path)} of {count} checks in {timeout} s")


def rss_of(pid, field="VmRSS"):
    with open(f"/proc/{pid}/status") as file:
        for line in file:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def service(binary, port, count, floor, soak_checks):
    """One `reportwatch run` over `count` sources: CPU per check for its first pass, for rounds
    where every answer is a 304 and for a round where 10% of the pages changed (against the
    floor's per-page CPU when `floor` is given), and RSS; then, with `soak_checks`, memory over
    that many further checks."""
    control(port, "reset=1")
    work = tempfile.mkdtemp(prefix="rw-soak-")
    # The interval leaves the first pass time to finish before the second round is due.
    interval = f"{max(10, count // 100)}s"
    config = write_config(work, port, count, interval=interval, metrics=True)
    metrics = os.path.join(work, "metrics.prom")
    process = subprocess.Popen([binary, "run", "--config", config, "--log-level", "error"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    timeout = max(120, count // 20)
    try:
        wait_for_checks(metrics, count, timeout)
        cold_cpu = cpu_of(process.pid)
        cold_rss = rss_of(process.pid, "VmHWM")
        # Steady state: every check is a 304 (the first pass's rounds spread over the interval).
        time.sleep(int(interval[:-1]) + 2)
        cpu_a, checks_a = sample(process.pid, metrics)
        wait_for_checks(metrics, checks_a + 2 * count, timeout)
        cpu_b, checks_b = sample(process.pid, metrics)
        quiet = (cpu_b - cpu_a) / (checks_b - checks_a)
        # A round in which a tenth of the pages published a report.
        cpu_c, checks_c = sample(process.pid, metrics)
        control(port, "publish=0.1")
        wait_for_checks(metrics, checks_c + count, timeout)
        cpu_d, checks_d = sample(process.pid, metrics)
        changed = (cpu_d - cpu_c) / (checks_d - checks_c)

        def against(ours, name):
            return f" vs {floor[name] * 1000:.3f} ms: {ours / floor[name]:.2f}×" if floor else ""
        print()
        print(f"`reportwatch run` (the service), N={count}, CPU per check" + (" against the floor's per page:" if floor else ":"))
        print(f"  first pass (cold, with start-up and config): {cold_cpu / count * 1000:.2f} ms{against(cold_cpu / count, 'cold')}; peak RSS {cold_rss:.1f} MB")
        print(f"  quiet rounds (all 304, {checks_b - checks_a} checks): {quiet * 1000:.3f} ms{against(quiet, 'all 304')}")
        print(f"  a round with 10% changed ({checks_d - checks_c} checks): {changed * 1000:.3f} ms{against(changed, '10% changed')}")
        print(f"  quiet check / cold check: {quiet / (cold_cpu / count):.1%} (target ≤ 10%)")
        print(f"  RSS now {rss_of(process.pid):.1f} MB, peak {rss_of(process.pid, 'VmHWM'):.1f} MB")

        if soak_checks > 0:
            passes = max(3, soak_checks // count)
            warm_rss = rss_of(process.pid)
            samples = [warm_rss]
            start_checks = checks_in(metrics)
            deadline = time.monotonic() + passes * (int(interval[:-1]) + 1)
            while time.monotonic() < deadline:
                time.sleep(10)
                samples.append(rss_of(process.pid))
            done = checks_in(metrics) - start_checks
            print(f"  memory: {done} checks after warm-up; RSS {warm_rss:.1f} MB, at end {samples[-1]:.1f} MB, growth {samples[-1] - warm_rss:+.1f} MB "
                  f"(target ≤ 2 MB); peak {rss_of(process.pid, 'VmHWM'):.1f} MB, of it anonymous {rss_of(process.pid, 'RssAnon'):.1f} MB now; "
                  f"samples {['%.1f' % s for s in samples]}")
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    shutil.rmtree(work)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("floor")
    parser.add_argument("--sizes", default="100,1000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--soak-checks", type=int, default=10000)
    parser.add_argument("--service-size", type=int, default=10000,
                        help="sources in a second service run, measured without a floor (0: none)")
    parser.add_argument("--pdf", default=os.path.join(HERE, "..", "..", "shared", "fixtures", "ofsted", "birmingham_sif_2016-11-25.pdf"))
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    largest = max(sizes)

    server = subprocess.Popen([sys.executable, os.path.join(HERE, "server.py"), str(max(largest, args.service_size))],
                              stdout=subprocess.PIPE)
    port = int(server.stdout.readline())
    rows = []
    try:
        for count in sizes:
            control(port, "reset=1")
            urls = "".join(f"http://127.0.0.1:{port}/p/{i}\n" for i in range(count))
            work = tempfile.mkdtemp(prefix="rw-bench-")
            config = write_config(work, port, count)
            etag_file = os.path.join(work, "etags.txt")

            repeat = max(1, args.repeat)
            floor_runs, rw_runs = [], []
            for _ in range(repeat):
                shutil.rmtree(os.path.join(work, "state"), ignore_errors=True)
                floor_runs.append(measure([args.floor, "--parallel", "10"], stdin=urls))
                rw_runs.append(measure([args.binary, "check", "--config", config, "--log-level", "error"]))
            floor_cold, rw_cold = median_run(floor_runs), median_run(rw_runs)
            with open(etag_file, "w") as file:
                file.write("\n".join(etags_for(port, count)) + "\n")
            floor_runs, rw_runs = [], []
            for _ in range(repeat):
                floor_runs.append(measure([args.floor, "--parallel", "10", "--etags", etag_file], stdin=urls))
                rw_runs.append(measure([args.binary, "check", "--config", config, "--log-level", "error"]))
            floor_warm, rw_warm = median_run(floor_runs), median_run(rw_runs)
            floor_runs, rw_runs = [], []
            for _ in range(repeat):
                # Each round publishes on a tenth of the pages again; both sides hold the
                # validators from before it.
                with open(etag_file, "w") as file:
                    file.write("\n".join(etags_for(port, count)) + "\n")
                control(port, "publish=0.1")
                floor_runs.append(measure([args.floor, "--parallel", "10", "--etags", etag_file], stdin=urls))
                rw_runs.append(measure([args.binary, "check", "--config", config, "--log-level", "error"]))
            floor_changed, rw_changed = median_run(floor_runs), median_run(rw_runs)
            alerts = sum(1 for _ in open(os.path.join(work, "alerts.jsonl"))) if os.path.exists(os.path.join(work, "alerts.jsonl")) else 0
            for name, floor, ours in (("cold", floor_cold, rw_cold), ("all 304", floor_warm, rw_warm), ("10% changed", floor_changed, rw_changed)):
                rows.append((count, name, floor, ours))
            rows.append((count, f"(alerts after {repeat} passes with 10% changed: {alerts}; expected {repeat * ((count + 9) // 10)})", None, None))
            shutil.rmtree(work)

        print()
        print(f"`reportwatch check` against the floor, one process per pass, median of {max(1, args.repeat)} runs:")
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

        # The service: one `run` process, CPU per check from /proc and its metrics file, then
        # memory over many checks.
        if args.soak_checks > 0:
            floor_per_page = {name: next(f for c, n, f, o in rows if c == largest and n == name)[1] / largest
                              for name in ("cold", "all 304", "10% changed")}
            service(args.binary, port, largest, floor_per_page, args.soak_checks)
        if args.service_size > 0:
            service(args.binary, port, args.service_size, None, 0)

        if os.path.exists(args.pdf):
            try:
                runs = [measure([args.binary, "inspect-report", args.pdf]) for _ in range(max(1, args.repeat))]
                wall, cpu, rss, _ = median_run(runs)
                print(f"inspect-report {os.path.basename(args.pdf)}: {cpu:.3f} s CPU (pdftotext included; median of {len(runs)}, "
                      f"range {min(r[1] for r in runs):.3f}–{max(r[1] for r in runs):.3f}), {wall:.2f} s wall, {rss:.1f} MB (target ≤ 0.5 s)")
            except SystemExit as error:
                print(f"inspect-report: not measured ({error})")
    finally:
        server.terminate()


if __name__ == "__main__":
    main()
