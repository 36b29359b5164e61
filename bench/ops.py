"""Operator figures: how long `sfreg … --help` takes to start, and what checking a CSV's encoding on the way
(true line and byte offset of bad bytes, importers/csv_io.py) costs when reading a large file.

    .venv/bin/python bench/ops.py [--runs 5] [--rows 200000]

The CLI figure is the median wall time of `sfreg --help` and of a few command helps, each in a new process
(the root command imports only typer; goal: well under a second, it was ~2 s when --help imported the app).
The CSV figure reads a synthetic ISIN file (CNE… codes, Chinese names) through `csv_io.read_table` with and
without the encoding check, best of three each.
"""

import argparse
import io
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from importers import csv_io  # noqa: E402

SFREG = ROOT / ".venv" / "bin" / "sfreg"
HELPS = [[], ["db", "seed"], ["import", "terms"], ["serve"], ["index"]]
ALIASES = {"isin": "isin", "namezh": "name_zh", "nameen": "name_en", "status": "status"}


def cli_start(args: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([str(SFREG), *args, "--help"], check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


class _Unchecked(csv_io._Checked):
    def _check(self, data: bytes, *, final: bool) -> None:
        return None


def read_seconds(data: bytes, checked: bool) -> float:
    original = csv_io._Checked
    csv_io._Checked = original if checked else _Unchecked
    try:
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            for _row in csv_io.read_table(io.BytesIO(data), ALIASES, source="bench.csv").rows:
                pass
            best = min(best, time.perf_counter() - started)
        return best
    finally:
        csv_io._Checked = original


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rows", type=int, default=200_000)
    options = parser.parse_args()
    for args in HELPS:
        print(f"sfreg {' '.join([*args, '--help']):<28} {cli_start(args, options.runs):.2f} s (median of "
              f"{options.runs})")
    lines = ["isin,name_zh,name_en,status", *(f"CNE{n:09d},证券名称{n},SECURITY {n},active"
                                              for n in range(options.rows))]
    data = ("\n".join(lines) + "\n").encode()
    plain, checked = read_seconds(data, False), read_seconds(data, True)
    print(f"read_table {options.rows:,} rows ({len(data) / 1e6:.1f} MB): {plain:.2f} s unchecked, "
          f"{checked:.2f} s with the encoding check ({(checked - plain) / plain * 100:+.1f}%)")


if __name__ == "__main__":
    main()
