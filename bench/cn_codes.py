"""China instrument codes: in-process codes/s of cn_security, cn_futures, cn_option (and CFI), and the server
time of a 10,000-code batch of mixed futures and option codes over HTTP.

    .venv/bin/python bench/cn_codes.py [-n 100000] [--seed 12] [--repeat 3] [--batches 10]
                                       [--inprocess-only | --http-only]

Generates N synthetic codes per kind (about 80 % valid; the rest carry a month the product does not list, an
unknown product, a wrong type letter, a truncation or a stray letter; a fifth are written in another case,
full width or with a vendor suffix, so folding is timed too), times ``is_valid`` and ``check`` over all of
them (best of --repeat) and prints codes per second next to ISIN's table-driven check on the same machine
in the same run (goal: at least 300,000 codes/s per new validator). Without --inprocess-only it then serves a
seeded registry (`sfreg serve --workers 2`, bench/_server.py) and POSTs 10,000 futures codes (as many distinct as
there are listed contracts) to /validate/cn_futures and 10,000 distinct option codes of every exchange's
form to /validate/cn_option,
printing the median and best Server-Timing (body read to encoded answer; goal: at most 150 ms), next to a
10,000-ISIN batch on the same server as the machine's reference.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time
import urllib.request
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from codes.validators import cfi, cn_futures, cn_option, cn_security, isin
from codes.validators.cn_data import PRODUCTS, rows

DAY = date(2024, 12, 2)
GOAL_RATE, GOAL_MS = 300_000, 150.0


def _variant(code: str, rng: random.Random) -> str:
    """A fifth of the codes as a person or a vendor writes them: other case, full width, spaces."""
    roll = rng.random()
    if roll < 0.08:
        return code.swapcase()
    if roll < 0.14:
        return "".join(chr(ord(ch) + 0xFEE0) if ch.isalnum() else ch for ch in code)
    if roll < 0.20:
        return f" {code} "
    return code


def securities(n: int, rng: random.Random) -> list[str]:
    ranges = [r for r in rows("cn_security_ranges.csv") if not r["valid_to"]]
    out = []
    for _ in range(n):
        row = rng.choice(ranges)
        body = f"{rng.randint(int(row['first']), int(row['last'])):06d}"
        suffix = {"SSE": ".SH", "SZSE": ".SZ", "BSE": ".BJ"}[row["exchange"]]
        code = body + rng.choice([suffix, suffix, ""])
        out.append(_variant(code if rng.random() < 0.9 else body[:5] + "X", rng))
    return out


def _future(rng: random.Random) -> str:
    product = rng.choice([p for p in PRODUCTS.values() if p.instrument == "future" and not p.delisted])
    year, month = rng.randint(max(product.first_listed.year + 1, 2025), 2027), rng.choice(sorted(product.months))
    digits = f"{year % 10}{month:02d}" if product.czce_style else f"{year % 100:02d}{month:02d}"
    return product.product + digits


def futures(n: int, rng: random.Random) -> list[str]:
    out = []
    for _ in range(n):
        code, roll = _future(rng), rng.random()
        if roll < 0.08:
            code = code[:-2] + f"{rng.randint(1, 12):02d}"  # maybe a month the product does not list
        elif roll < 0.12:
            code = "QQ" + code.lstrip("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
        out.append(_variant(code, rng))
    return out


def _option(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.35:
        underlying = rng.choice(["510050", "510300", "510500", "588000", "159919", "159915", "159922"])
        return (f"{underlying}{rng.choice('CP')}{rng.choice(['2501', '2502', '2503', '2506'])}"
                f"{rng.choice('MMMA')}{rng.randint(1000, 9000):05d}")
    if roll < 0.5:
        return f"{rng.choice(['IO', 'MO', 'HO'])}{rng.choice(['2501', '2502', '2503'])}-{rng.choice('CP')}-" \
               f"{rng.randrange(2000, 8000, 50)}"
    product = rng.choice([p for p in PRODUCTS.values() if p.options_from and p.instrument == "future"])
    future = product.product + (f"5{rng.choice(sorted(product.months)):02d}" if product.czce_style
                                else f"25{rng.choice(sorted(product.months)):02d}")
    sep = "-" if product.exchange in ("DCE", "GFEX") else ""
    return f"{future}{sep}{rng.choice('CP')}{sep}{rng.randrange(100, 90000, 50)}"


def options(n: int, rng: random.Random) -> list[str]:
    out = []
    for _ in range(n):
        code, roll = _option(rng), rng.random()
        if roll < 0.06:
            code = code.replace("C", "X", 1)
        elif roll < 0.12:
            code = code[:-1]
        out.append(_variant(code, rng))
    return out


def cfis(n: int, rng: random.Random) -> list[str]:
    groups = sorted(cfi.GROUPS)
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = []
    for _ in range(n):
        group = rng.choice(groups)
        attrs = "".join(rng.choice(sorted({*a["values"], "X"})) for a in cfi.GROUPS[group]["attributes"])
        code = group + attrs
        out.append(code if rng.random() < 0.8 else code[:-1] + rng.choice(letters))
    return out


def best_time(func: Callable[[str], object], codes: Sequence[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for code in codes:
            func(code)
        best = min(best, time.perf_counter() - start)
    return best


def _bound(func: Callable, options: dict) -> Callable[[str], object]:
    if not options:
        return func

    def call(code: str) -> object:
        return func(code, **options)
    return call


def run_inprocess(n: int, seed: int, repeat: int) -> None:
    rng = random.Random(seed)
    isins = [b + isin.calc_check_digit(b) for b in (f"CNE1{rng.randrange(10**7):07d}" for _ in range(n))]
    suites = [("isin (reference)", isin, isins, {}), ("cfi", cfi, cfis(n, rng), {}),
              ("cn_security", cn_security, securities(n, rng), {"as_of": DAY}),
              ("cn_futures", cn_futures, futures(n, rng), {"as_of": DAY}),
              ("cn_option", cn_option, options(n, rng), {"as_of": DAY})]
    print(f"Python {sys.version.split()[0]}, {n:,} synthetic codes per kind, best of {repeat}, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
    # Round robin: every pass times every kind, so a change in the machine's load hits all kinds alike.
    best = {name: [float("inf"), float("inf")] for name, *_ in suites}
    for _ in range(repeat):
        for name, module, codes, options_ in suites:
            for slot, func in enumerate((module.is_valid, module.check)):
                best[name][slot] = min(best[name][slot], best_time(_bound(func, options_), codes, 1))
    print(f"{'kind':<18} {'valid':>7} {'is_valid/s':>12} {'check/s':>10} {'vs ISIN':>8}  goal")
    reference = n / best["isin (reference)"][0]
    for name, module, codes, options_ in suites:
        valid = sum(map(_bound(module.is_valid, options_), codes))
        rate, check_rate = n / best[name][0], n / best[name][1]
        goal = "" if name.startswith("isin") else ("meets" if rate >= GOAL_RATE else "MISSES") + " 300,000/s"
        print(f"{name:<18} {valid / n:>6.0%} {rate:>12,.0f} {check_rate:>10,.0f} {rate / reference:>7.2f}x  {goal}")


def batch_ms(base: str, kind: str, codes: list[str], repeat: int) -> tuple[float, float, int]:
    """Median and best Server-Timing (ms) of POSTing `codes`, and how many the answer called valid."""
    body = json.dumps({"codes": codes}).encode()
    server, valid = [], 0
    for _ in range(repeat):
        request = urllib.request.Request(f"{base}/api/v1/validate/{kind}?as_of={DAY}", data=body,
                                         headers={"content-type": "application/json"})
        with urllib.request.urlopen(request) as response:
            answer = json.loads(response.read())
            timing = response.headers["Server-Timing"]
        server.append(float(re.search(r"dur=([\d.]+)", timing).group(1)))
        valid = sum(r["valid"] for r in answer["results"])
    server.sort()
    return server[len(server) // 2], server[0], valid


def _distinct(make: Callable[[int, random.Random], list[str]], n: int, rng: random.Random) -> list[str]:
    """`n` codes, distinct as far as the kind has that many in a few draws (listed futures contracts are
    a few thousand): the rest repeat, as real batches do."""
    seen: dict[str, None] = {}
    for _ in range(5):
        seen.update(dict.fromkeys(make(n, rng)))
        if len(seen) >= n:
            break
    codes = list(seen)[:n]
    return codes + rng.choices(codes, k=n - len(codes))


def run_http(seed: int, batches: int) -> None:
    from _server import running_server
    rng = random.Random(seed)
    isins = [b + isin.calc_check_digit(b) for b in (f"CNE1{i:07d}" for i in range(10_000))]
    work = [("isin", isins), ("cn_futures", _distinct(futures, 10_000, rng)),
            ("cn_option", _distinct(options, 10_000, rng))]
    with running_server(workers=2) as (base, _env):
        batch_ms(base, "cn_option", work[1][1][:100], 3)  # warm both workers
        print("\nHTTP batch of 10,000 codes (2 workers, loopback), Server-Timing:")
        for kind, codes in work:
            median, best, valid = batch_ms(base, kind, codes, batches)
            verdict = "reference" if kind == "isin" else "meets" if median <= GOAL_MS else "MISSES"
            print(f"  {kind:<11} {len(set(codes)):,} distinct: median {median:6.1f} ms, best {best:6.1f} ms, "
                  f"{valid:,} valid  ({verdict}{'' if kind == 'isin' else ' the 150 ms goal'})")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=100_000, help="codes per kind in process (default 100,000)")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=3, help="passes per in-process measurement; best counts")
    parser.add_argument("--batches", type=int, default=10, help="POSTs per kind; the median counts")
    parser.add_argument("--inprocess-only", action="store_true")
    parser.add_argument("--http-only", action="store_true", help="skip the in-process table")
    args = parser.parse_args(argv)
    if not args.http_only:
        run_inprocess(args.n, args.seed, args.repeat)
    if not args.inprocess_only:
        run_http(args.seed, args.batches)


if __name__ == "__main__":
    main()
