"""Benchmark whole `trd` processes against the framework's own floor.

    python benchmarks/bench.py [--runs 15] [--scale]

Runs every case as a separate process, interleaved (case A, B, C, A, B, C, ...) after one
warm-up round, with the installed `trd` entry point (the `trd` script next to this Python, never a
shim on PATH). Prints the median wall time of each case, its ratio to
`python -c "import typer, rich"` measured in the same run with the same interpreter, and the
peak RSS of the process. `--scale` adds synthetic knowledge bases of 600 and 6,000 options.

Each case runs with a warm cache in a private cache folder (TRD_CACHE_DIR), as a clinician's
second and later runs do; the cold first run (validation and cache write) is reported separately.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = sys.executable
TRD = str(Path(PY).with_name("trd"))

TARGETS = {  # case name -> ratio target (<=) or absolute seconds target
    "trd --help": ("ratio", 1.5),
    "trd --version": ("ratio", 1.5),
    "options -n 2 > file": ("ratio", 2.0),
    "options -n 2 --format json": ("ratio", 2.0),
    "options json, 6000 options": ("seconds", 1.0),
    "options table, 600 options": ("seconds", 1.0),
    "tty: options -n 2": ("ratio", 2.0),
    "tty: show ect": ("ratio", 2.0),
    "tty: refs": ("ratio", 2.0),
    "tty: compare aripiprazole lithium": ("ratio", 2.0),
    "tty: stage --history examples/history.yaml": ("ratio", 3.0),
    "tty: options, 6000 options": ("seconds", 1.0),
}
TTY = "tty: "  # cases run in a pseudo-terminal of 100x24 (pager off), where users look


def run_once(argv: list[str], env: dict[str, str], tty: bool = False) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one process (its stdout a pseudo-terminal when `tty`)."""
    if tty:
        import fcntl
        import pty
        import select
        import struct
        import termios

        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=slave, stderr=subprocess.PIPE, env=env)
        os.close(slave)
        while True:  # drain the terminal as a terminal emulator does
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    if not os.read(master, 65536):
                        break
                except OSError:
                    break
            elif proc.poll() is not None:
                break
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        os.close(master)
    else:
        start = time.perf_counter()
        with open(os.devnull, "w") as sink:
            proc = subprocess.Popen(argv, stdout=sink, stderr=subprocess.PIPE, env=env)
            _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"case failed ({proc.returncode}): {' '.join(argv)}\n{err}")
    if proc.stderr:
        proc.stderr.close()
    return elapsed, usage.ru_maxrss


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15, help="measured runs per case (default 15)")
    parser.add_argument("--scale", action="store_true", help="add the 600- and 6,000-option cases")
    ns = parser.parse_args()
    if not Path(TRD).exists():
        raise SystemExit(f"no trd entry point next to {PY}: install the project into this environment first")

    work = Path(tempfile.mkdtemp(prefix="trd-bench-"))
    env = {k: v for k, v in os.environ.items() if k not in ("TRD_KB", "TRD_NO_CACHE", "FORCE_COLOR")}
    env.update({"TRD_CACHE_DIR": str(work / "cache"), "COLUMNS": "100", "NO_COLOR": "1"})

    cases: dict[str, list[str]] = {
        'python -c "import typer, rich"': [PY, "-c", "import typer, rich"],
        "trd --help": [TRD, "--help"],
        "trd --version": [TRD, "--version"],
        "options -n 2 > file": [TRD, "options", "--prior-trials", "2"],
        "options -n 2 --format table > file": [TRD, "options", "--prior-trials", "2", "--format", "table"],
        "options -n 2 --format json": [TRD, "options", "--prior-trials", "2", "--format", "json"],
        "show ect": [TRD, "show", "ect", "--format", "table"],
        "refs": [TRD, "refs", "--format", "table"],
        TTY + "options -n 2": [TRD, "options", "--prior-trials", "2", "--no-pager"],
        TTY + "show ect": [TRD, "show", "ect", "--no-pager"],
        TTY + "refs": [TRD, "refs", "--no-pager"],
        TTY + "compare aripiprazole lithium": [TRD, "compare", "aripiprazole", "lithium", "--no-pager"],
        TTY + "stage --history examples/history.yaml": [TRD, "stage", "--history", str(HERE.parent / "examples" / "history.yaml"), "--no-pager"],
    }
    if ns.scale:
        sys.path.insert(0, str(HERE))
        from synth import write_kb

        for n in (600, 6000):
            kb = write_kb(work / f"kb{n}", n)
            cases[f"options json, {n} options"] = [TRD, "options", "--format", "json", "--kb", str(kb)]
            cases[f"options table, {n} options"] = [TRD, "options", "--format", "table", "--kb", str(kb)]
            cases[f"show, {n} options"] = [TRD, "show", "synthetic-option-7", "--format", "table", "--kb", str(kb)]
        cases[TTY + "options, 6000 options"] = [TRD, "options", "--no-pager", "--kb", str(work / "kb6000")]

    # The cold run of each knowledge base (its first run: validation plus the cache write).
    cold: dict[str, float] = {}
    seen: set[str] = set()
    for name, argv in cases.items():
        if not argv[0] == TRD or argv[1:2] == ["--help"] or argv[1:2] == ["--version"]:
            continue
        kb = argv[argv.index("--kb") + 1] if "--kb" in argv else "bundled"
        if kb not in seen:
            seen.add(kb)
            t, _ = run_once(argv, env, name.startswith(TTY))
            cold[name] = t
    for name, argv in cases.items():  # warm-up round
        run_once(argv, env, name.startswith(TTY))
    times: dict[str, list[float]] = {n: [] for n in cases}
    rss: dict[str, int] = {n: 0 for n in cases}
    for _ in range(ns.runs):
        for name, argv in cases.items():
            t, peak = run_once(argv, env, name.startswith(TTY))
            times[name].append(t)
            rss[name] = max(rss[name], peak)

    base = statistics.median(times['python -c "import typer, rich"'])
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores; "
          f"{ns.runs} interleaved runs per case after a warm-up; medians")
    print(f"{'case':<44} {'median':>9} {'ratio':>7} {'peak RSS':>10}  target")
    failed = 0
    for name in cases:
        med = statistics.median(times[name])
        ratio = med / base
        target = TARGETS.get(name)
        verdict = ""
        if target:
            kind, limit = target
            ok = ratio <= limit if kind == "ratio" else med <= limit
            ok = ok and (rss[name] / 1024 <= 40 or "6000" in name)
            verdict = ("ok " if ok else "MISSED ") + (f"<= {limit}x" if kind == "ratio" else f"<= {limit:g} s")
            failed += not ok
        print(f"{name:<44} {med * 1000:>7.1f}ms {ratio:>6.2f}x {rss[name] / 1024:>8.1f}MB  {verdict}")
    for name, t in cold.items():
        print(f"{'cold (first run, validates): ' + name:<60} {t * 1000:>7.1f}ms")
    if ns.scale:
        print("growth from 600 to 6,000 options (10x the options):")
        for what in ("options json", "options table", "show"):
            a, b = statistics.median(times[f"{what}, 600 options"]), statistics.median(times[f"{what}, 6000 options"])
            print(f"  {what:<14} {a * 1000:>7.1f}ms -> {b * 1000:>7.1f}ms  ({b / a:.2f}x)")
    print("'options -n 2 > file' is what `trd options --prior-trials 2 > notes.md` writes: a markdown table "
          "(trd draws Rich boxes only for a terminal or with --format table)")
    print(f"peak RSS target (<= 40 MB) applies to the knowledge base as shipped; "
          f"{'all targets met' if not failed else f'{failed} target(s) missed'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
