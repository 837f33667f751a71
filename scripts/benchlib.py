"""Shared by the scripts/bench_*.py benchmarks: repeated timing, medians, and docs/benchmarks.md sections.

Each benchmark owns one section of docs/benchmarks.md, between
``<!-- bench:NAME -->`` and ``<!-- /bench:NAME -->``, and rewrites only that.
"""

from __future__ import annotations

import os
import platform
import re
import shlex
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS_MD = ROOT / "docs" / "benchmarks.md"
HEADER = """# Benchmarks

Figures measured by the `scripts/bench_*.py` scripts, each of which rewrites its own
section below with the command that reproduces it. Every figure is the median of
several runs; where a reference makes sense (OpenSSL's own speed, the physical
limits of SM3, SM2 and LevelDB on this machine) it is measured in the same run and
the ratio is given, because the machine is shared and noisy. These are benchmarks,
not tests: the test suite checks behaviour, these scripts measure.
"""


def rate(operation: Callable[[], object], count: int) -> float:
    """Operations per second for ``count`` calls of ``operation``."""
    start = time.perf_counter()
    for _ in range(count):
        operation()
    return count / (time.perf_counter() - start)


def median_of(runs: int, measure: Callable[[], float]) -> tuple[float, list[float]]:
    samples = [measure() for _ in range(runs)]
    return statistics.median(samples), samples


def command_line() -> str:
    script = os.path.relpath(sys.argv[0], ROOT)
    return shlex.join([".venv/bin/python", script, *sys.argv[1:]])


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    openssl = subprocess.run(["openssl", "version"], capture_output=True, text=True).stdout.strip()
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {openssl}"


def write_section(name: str, title: str, body: str) -> None:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    section = (
        f"<!-- bench:{name} -->\n## {title}\n\n"
        f"Measured {stamp} on {machine()}.\n\n"
        f"Reproduce: `{command_line()}`\n\n{body.strip()}\n<!-- /bench:{name} -->"
    )
    text = BENCHMARKS_MD.read_text() if BENCHMARKS_MD.exists() else HEADER
    pattern = re.compile(rf"<!-- bench:{re.escape(name)} -->.*?<!-- /bench:{re.escape(name)} -->", re.S)
    text = pattern.sub(lambda _: section, text) if pattern.search(text) else text.rstrip() + "\n\n" + section + "\n"
    BENCHMARKS_MD.parent.mkdir(parents=True, exist_ok=True)
    BENCHMARKS_MD.write_text(text)


def table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(" --- " for _ in headers) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def fmt(value: float, digits: int = 0) -> str:
    return f"{value:,.{digits}f}"
