"""What the comparison drivers share: building rusk's bench binary, reading a child's pipes, and
the facts about the machine and the engines that every report ends with."""

from __future__ import annotations

import datetime
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def build_bench(target: str, script: str) -> tuple[Path | None, str | None]:
    """Builds the bench target `target` (release) and returns its executable, or None and why not.

    `script` names the driver in progress lines. Cargo prints the
    executable's path (target/release/deps/TARGET-HASH) in its JSON
    messages; an up-to-date build takes a second.
    """
    cmd = ["cargo", "build", "--release", "--bench", target, "--message-format=json-render-diagnostics"]
    print(f"{script}: " + shlex.join(cmd), file=sys.stderr)
    try:
        proc = subprocess.run(cmd, cwd=REPO, stdout=subprocess.PIPE, text=True)
    except OSError as err:
        return None, f"cargo: {err.strerror}"
    if proc.returncode != 0:
        return None, (f"`cargo build --release --bench {target}` failed (exit {proc.returncode}; its errors "
                      "are above): rusk's cells are skipped")
    for line in proc.stdout.splitlines():
        try:
            message = json.loads(line)
        except json.JSONDecodeError:
            continue
        if (message.get("reason") == "compiler-artifact" and message["target"]["name"] == target
                and message.get("executable")):
            return Path(message["executable"]), None
    return None, f"cargo built no {target} executable: rusk's cells are skipped"


def drain(proc: subprocess.Popen) -> tuple[str, str]:
    """Both pipes read to EOF concurrently, without reaping the process."""
    chunks: dict[str, str] = {}
    reader = threading.Thread(target=lambda: chunks.__setitem__("err", proc.stderr.read()))
    reader.start()
    chunks["out"] = proc.stdout.read()
    reader.join()
    return chunks["out"], chunks["err"]


def built(binary: Path | None) -> str | None:
    """When the rusk binary was last written (a rebuild during a run mixes two binaries)."""
    if binary is None:
        return None
    try:
        stamp = binary.stat().st_mtime
    except OSError:
        return None
    return datetime.datetime.fromtimestamp(stamp, datetime.timezone.utc).isoformat(timespec="seconds")


def machine_facts(rusk: Path | None, rusk_missing: str | None) -> dict:
    """The date, load, CPU, platform and engine versions (rusk's from `rusk --version` of `rusk`, or
    why it is missing), and when the rusk binary was built."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {"python": platform.python_version()}
    for package in ["pandas", "polars", "duckdb", "dask", "pyarrow", "numpy"]:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "absent"
    try:
        if rusk is None:
            raise OSError(rusk_missing)
        out = subprocess.run([str(rusk), "--version"], capture_output=True, text=True, timeout=10)
        versions["rusk"] = out.stdout.strip().removeprefix("rusk ") or f"exit {out.returncode}"
    except (OSError, subprocess.TimeoutExpired) as err:
        versions["rusk"] = f"unavailable ({err})"
    return {
        "load_average": "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg()),
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "nproc": len(os.sched_getaffinity(0)), "cpu": cpu, "platform": platform.platform(),
        "versions": versions, "rusk_built": built(rusk),
    }


# Untimed runs of a query in its child's own process before the timed ones: every engine, rusk's
# bench binaries included, is timed warm (allocator, thread pools, lazily loaded code), as a
# long-lived user process would run it.
WARMUP = 1


def in_process_args(repeat: int) -> list[str]:
    """The flags that make a child (a Python peer or a rusk bench binary) run WARMUP + repeat times."""
    return ["--warmup", str(WARMUP), "--repeat", str(repeat)]


def child_runs(once, warmup: int, repeat: int) -> None:
    """Calls `once()` warmup + repeat times in this process, printing each report (a dict) as one
    JSON line as soon as it is done."""
    for _ in range(warmup + repeat):
        print(json.dumps(once()), flush=True)


def timed_reports(out: str) -> list[dict]:
    """The JSON lines a child printed, the warm-ups dropped."""
    reports = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return reports[WARMUP:]


@dataclass
class Finished:
    """A child process run to its end (or killed at the timeout)."""
    out: str
    err: str
    returncode: int
    peak_rss_mb: float
    wall_s: float  # start to exit
    timed_out: bool

    def last_line(self) -> str:
        """The last line of stderr, else of stdout: what a failed child said last."""
        return (self.err.strip().splitlines() or self.out.strip().splitlines() or [""])[-1]


def spawn(cmd: list[str], env: dict[str, str], timeout: float) -> Finished | str:
    """Runs `cmd` to its end, killed after `timeout` s, with its own peak RSS; or why it did not start."""
    started = time.perf_counter()
    try:
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError as err:
        return f"{cmd[0]}: {err.strerror}"
    timed_out = threading.Event()
    timer = threading.Timer(timeout, lambda: (timed_out.set(), proc.kill()))
    with proc:
        timer.start()
        out, err = drain(proc)
        # wait4 on this child alone: its own rusage (RUSAGE_CHILDREN would be the max over all children).
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)  # so Popen does not wait again
    return Finished(out, err, proc.returncode, usage.ru_maxrss / 1024, wall, timed_out.is_set())  # Linux: KiB


# The exit status of a rusk bench binary for a question rusk cannot answer yet: its cell reads n/a.
RUSK_UNSUPPORTED = 3


@dataclass
class Run:
    """What one child (WARMUP + repeat runs of one query by one peer) gave."""
    seconds: list[float] = field(default_factory=list)  # the timed runs, warm-ups dropped
    peak_rss_mb: float | None = None
    rows: int | None = None
    check: list | None = None  # what the driver compares across peers, when it does
    error: str | None = None
    timed_out: bool = False
    unsupported: bool = False  # a rusk bench binary exited RUSK_UNSUPPORTED


def run_child(cmd: list[str], env: dict[str, str], repeat: int, timeout: float, binary: str | None) -> Run:
    """Runs a child made with in_process_args(repeat), killed after `timeout` s per run, and reads
    its reports ({"seconds", "rows", ...} per run). `binary` names a rusk bench binary (whose
    RUSK_UNSUPPORTED exit is n/a, its message prefixed with the name), None for a Python peer."""
    done = spawn(cmd, env, timeout * (WARMUP + repeat))
    if isinstance(done, str):
        return Run(error=done)
    run = Run(peak_rss_mb=done.peak_rss_mb)
    if done.timed_out:
        run.error, run.timed_out = f"killed after {timeout:g} s a run", True
    elif done.returncode != 0:
        last = done.last_line()
        run.error = f"exit {done.returncode}: {last}"[:300]
        if binary is not None and done.returncode == RUSK_UNSUPPORTED:
            run.unsupported, run.error = True, last.removeprefix(f"{binary}: ")
    else:
        try:
            reports = timed_reports(done.out)
            run.seconds, run.rows = [r["seconds"] for r in reports], reports[-1]["rows"]
            run.check = reports[-1].get("check")
        except (IndexError, KeyError, json.JSONDecodeError):
            run.error = f"unreadable output: {done.out.strip()[-200:]!r}"
    return run


def process_runs(cmd: list[str], env: dict[str, str], repeat: int, timeout: float,
                 before_each=None) -> tuple[Run, str | None]:
    """A command timed as a user runs it: one whole process per run, timed from outside, start to
    exit, after one untimed process (which warms the page cache); the runs' peak RSS and the last
    run's stdout. `before_each()` runs before every process (say, to remove its output file)."""
    run, output = Run(), None
    for i in range(WARMUP + repeat):
        if before_each:
            before_each()
        done = spawn(cmd, env, timeout)
        if isinstance(done, str) or done.timed_out or done.returncode != 0:
            why = done if isinstance(done, str) else (
                f"killed after {timeout:g} s" if done.timed_out else f"exit {done.returncode}: {done.last_line()}")
            return Run(error=why[:300]), None
        if i >= WARMUP:
            run.seconds.append(done.wall_s)
            run.peak_rss_mb = max(run.peak_rss_mb or 0.0, done.peak_rss_mb)
            output = done.out
    return run, output


def measure_command(result: dict, cmd: list[str] | str, repeat: int, timeout: float) -> dict:
    """A driver's `result` row for the rusk command (the rusk-cli column) filled in: `cmd` timed as
    process_runs does (its command line, seconds, median, peak RSS), or, given a string, n/a for
    that reason. Rows and check stay None: the command (with `--analyze`) prints per-stage figures,
    not the result; the bench binary's rows stand for it."""
    if isinstance(cmd, str):
        result["na"] = cmd
        return result
    run, _ = process_runs(cmd, dict(os.environ), repeat, timeout)
    result.update({"command": shlex.join(cmd), **run_fields(run), "rows": None, "check": None})
    shown = f"{result['median_s']:.3f} s" if result["median_s"] is not None else f"error: {result['error']}"
    print(f"  {result['mode']:3} {result['query']:8} rusk-cli {shown}", file=sys.stderr)
    return result


def run_fields(run: Run) -> dict:
    """The fields of a driver's result row that a child's Run fills: the timed seconds and their
    median, peak RSS, the result's rows and check, and the error (a failed child has no median
    and no RSS)."""
    return {
        "seconds": run.seconds,
        "median_s": statistics.median(run.seconds) if run.seconds and not run.error else None,
        "peak_rss_mb": None if run.error else run.peak_rss_mb,
        "rows": run.rows, "check": run.check, "error": run.error, "timed_out": run.timed_out,
    }
