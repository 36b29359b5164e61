"""Validation speed: sfreg's table-driven ISIN and LEI checks against python-stdnum 2.2, in one process.

    .venv/bin/python bench/validate.py --inprocess-only [-n 200000] [--seed 6166] [--repeat 3]

Generates N synthetic codes per identifier (about 70 % valid; the rest carry a wrong check digit, a
wrong length, a lowercase letter or a space), times ``is_valid`` over all of them for both
implementations in the same run (best of --repeat), and prints µs per code, codes per second and the
speed-up (goal: at least 4×). The generated codes use prefixes both implementations know, so the two
must return the same number of valid codes; the script stops if they do not.
Without --inprocess-only it then serves a seeded registry with `sfreg serve --workers 2` and loads it
with wrk on loopback (bench/_validate_http.py): single GET /validate/isin/{code} req/s, drawn at random
from 1,000 real and corrupted ISINs (the 681 real ones of shared/reference/isin and 319 of them damaged
as `_damage` does; synthetic ones when the reference file is absent), as a ratio of the constant
/healthz (a bare route) in the same app and run, both driven through the same wrk script and alternated
over three rounds (the median round counts), p99 at 64 connections against the constant route's p99,
no non-2xx answer, and the server time (Server-Timing) and round trip of a 10,000-code POST.
``--http-only`` skips the in-process table.
"""

from __future__ import annotations

import argparse
import random
import string
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from stdnum import isin as std_isin
from stdnum import lei as std_lei

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from codes.validators import isin, lei

ALNUM = string.digits + string.ascii_uppercase
# Weighted towards what a Chinese registry sees; every prefix here is known to both implementations.
ISIN_PREFIXES = ["CN"] * 6 + ["HK"] * 2 + ["US", "XS", "KY", "GB", "DE", "JP", "SG", "LU", "BM", "VG"]


@dataclass(frozen=True)
class Row:
    identifier: str
    implementation: str
    codes: int
    seconds: float
    valid: int

    @property
    def micros_per_code(self) -> float:
        return self.seconds / self.codes * 1e6


def synthetic_isins(n: int, rng: random.Random) -> list[str]:
    """N ISINs: CN ones shaped like real A/H-share codes (CNE…), others with alphanumeric NSINs."""
    codes = []
    for _ in range(n):
        prefix = rng.choice(ISIN_PREFIXES)
        if prefix == "CN":
            nsin = "E" + rng.choice("01") + "".join(rng.choices(ALNUM, k=7))
        else:
            nsin = "".join(rng.choices(string.digits if rng.random() < 0.6 else ALNUM, k=9))
        body = prefix + nsin
        codes.append(_damage(body + isin.calc_check_digit(body), rng))
    return codes


def synthetic_leis(n: int, rng: random.Random) -> list[str]:
    """N LEIs: a LOU prefix (3003, 8368, 5493, 2138, …), 14 alphanumerics, check digits."""
    lous = ["3003", "8368", "5493", "2138", "5299", "9845"]
    codes = []
    for _ in range(n):
        body = rng.choice(lous) + "".join(rng.choices(ALNUM, k=14))
        codes.append(_damage(body + lei.calc_check_digit(body), rng))
    return codes


REAL_ISINS = Path(__file__).resolve().parents[2] / "shared" / "reference" / "isin" / "isin_financedatabase_sample.tsv"


def real_and_corrupted_isins(n: int, rng: random.Random) -> list[str]:
    """`n` ISINs: every real one of the reference sample, then real ones damaged (a wrong check digit, a
    missing character, lower case or a space) up to `n`; synthetic ones when the sample is absent."""
    if not REAL_ISINS.is_file():
        print(f"({REAL_ISINS} is absent: synthetic ISINs instead)")
        return synthetic_isins(n, rng)
    with REAL_ISINS.open(encoding="utf-8") as handle:
        real = [line.split("\t", 1)[0] for line in handle.read().splitlines()[1:] if line.strip()][:n]
    damaged = [_damage(rng.choice(real), rng, always=True) for _ in range(n - len(real))]
    return real + damaged


def _damage(code: str, rng: random.Random, *, always: bool = False) -> str:
    """Leave 70 % of codes intact (none when `always`); break the rest in one of four common ways."""
    roll = 0.70 + rng.random() * 0.30 if always else rng.random()
    if roll < 0.70:
        return code
    if roll < 0.82:
        wrong = str((int(code[-1]) + rng.randint(1, 9)) % 10)
        return code[:-1] + wrong
    if roll < 0.90:
        return code[:-1]
    if roll < 0.95:
        return code.lower()
    return code[:4] + " " + code[4:]


def time_is_valid(check: Callable[[str], bool], codes: Sequence[str], repeat: int) -> tuple[float, int]:
    """Best wall time of `repeat` passes of `check` over `codes`, and how many it accepted."""
    best, valid = float("inf"), 0
    for _ in range(repeat):
        start = time.perf_counter()
        valid = sum(map(check, codes))
        best = min(best, time.perf_counter() - start)
    return best, valid


def run_inprocess(n: int, seed: int, repeat: int) -> list[Row]:
    """Time sfreg and stdnum `is_valid` on the same synthetic ISINs and LEIs."""
    rng = random.Random(seed)
    suites = [
        ("ISIN", synthetic_isins(n, rng), [("sfreg", isin.is_valid), ("stdnum 2.2", std_isin.is_valid)]),
        ("LEI", synthetic_leis(n, rng), [("sfreg", lei.is_valid), ("stdnum 2.2", std_lei.is_valid)]),
    ]
    rows = []
    for identifier, codes, implementations in suites:
        for name, check in implementations:
            seconds, valid = time_is_valid(check, codes, repeat)
            rows.append(Row(identifier, name, len(codes), seconds, valid))
    return rows


def print_table(rows: list[Row]) -> None:
    header = ("identifier", "implementation", "codes", "µs/code", "codes/s", "valid")
    print("{:<10} {:<14} {:>9} {:>9} {:>12} {:>9}".format(*header))
    print("-" * 68)
    for row in rows:
        print(f"{row.identifier:<10} {row.implementation:<14} {row.codes:>9,} {row.micros_per_code:>9.3f} "
              f"{row.codes / row.seconds:>12,.0f} {row.valid:>9,}")
    print()
    for identifier in dict.fromkeys(row.identifier for row in rows):
        ours, theirs = (row for row in rows if row.identifier == identifier)
        ratio = theirs.seconds / ours.seconds
        verdict = "meets" if ratio >= 4 else "MISSES"
        print(f"{identifier}: sfreg is {ratio:.1f}x faster than stdnum ({verdict} the 4x goal)")


def check_agreement(rows: list[Row]) -> None:
    """Stop when the implementations accepted different numbers of codes: the timing would be moot."""
    for identifier in dict.fromkeys(row.identifier for row in rows):
        counts = {row.implementation: row.valid for row in rows if row.identifier == identifier}
        if len(set(counts.values())) != 1:
            raise SystemExit(f"{identifier}: implementations disagree on the valid count: {counts}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inprocess-only", action="store_true",
                        help="time the validators in this process only, not over HTTP")
    parser.add_argument("-n", type=int, default=200_000, help="codes per identifier (default 200,000)")
    parser.add_argument("--seed", type=int, default=6166)
    parser.add_argument("--repeat", type=int, default=3, help="passes per measurement; the best counts")
    parser.add_argument("--http-only", action="store_true", help="skip the in-process table")
    args = parser.parse_args(argv)
    if not args.http_only:
        rows = run_inprocess(args.n, args.seed, args.repeat)
        check_agreement(rows)
        print(f"Python {sys.version.split()[0]}, {args.n:,} synthetic codes per identifier, "
              f"best of {args.repeat}\n")
        print_table(rows)
    if not args.inprocess_only:
        from _validate_http import run_http
        run_http(real_and_corrupted_isins(1_000, random.Random(args.seed)),
                 synthetic_isins(10_000, random.Random(args.seed)))


if __name__ == "__main__":
    main()
