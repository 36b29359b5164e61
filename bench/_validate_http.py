"""The HTTP half of bench/validate.py: wrk against `sfreg serve --workers 2` on loopback."""

import json
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request
from urllib.parse import quote

from _server import running_server

SEEDED_ISIN = "CNE0000001L7"


def wrk(url: str, connections: int, seconds: int, paths: list[str] | None = None) -> tuple[float, float]:
    """Requests per second and p99 latency (ms) of a wrk run; with `paths`, each request takes a random one."""
    script = []
    if paths:
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
            lua.write("paths = {" + ",".join(f'"{p}"' for p in paths) + "}\n"
                      "request = function() return wrk.format(nil, paths[math.random(#paths)]) end\n")
        script = ["-s", lua.name]
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", *script, url],
                         capture_output=True, text=True, check=True).stdout
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: .*", out)
    if failed:  # an error answer or a broken connection is not a measurement of the route
        raise SystemExit(f"wrk saw failures on {url}: {failed.group(0)}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", out).groups()
    return rps, float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def batch_ms(base: str, codes: list[str], repeat: int = 20) -> tuple[float, float, float]:
    """Median server time (the answer's Server-Timing: body read to encoded answer), median and best round
    trip (ms) of a POST of `codes` on loopback."""
    body = json.dumps({"codes": codes}).encode()
    trips, server = [], []
    for _ in range(repeat):
        request = urllib.request.Request(base + "/api/v1/validate/isin", data=body,
                                         headers={"content-type": "application/json"})
        start = time.perf_counter()
        with urllib.request.urlopen(request) as response:
            response.read()
            timing = response.headers["Server-Timing"]
        trips.append((time.perf_counter() - start) * 1000)
        server.append(float(re.search(r"dur=([\d.]+)", timing).group(1)))
    trips.sort()
    server.sort()
    return server[len(server) // 2], trips[len(trips) // 2], trips[0]


def run_http(get_codes: list[str], batch_codes: list[str], seconds: int = 10, rounds: int = 3) -> None:
    """Alternate the constant endpoint and the validation GET `rounds` times, both driven through the same
    wrk script (so the client costs the same per request), and print the median round of each."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed for the HTTP measurement: apt-get install wrk")
    # 1,000 codes (a seeded, registered one and the real and corrupted ones given), drawn at random
    paths = [f"/api/v1/validate/isin/{quote(code)}" for code in [SEEDED_ISIN, *get_codes[:999]]]
    constant, single = [], []
    with running_server(workers=2) as (base, _env):
        wrk(base + "/healthz", 64, 2, ["/healthz"])  # warm both workers
        for _ in range(rounds):
            constant.append(wrk(base + "/healthz", 64, seconds, ["/healthz"]))
            single.append(wrk(base + "/api/v1/validate/isin/", 64, seconds, paths))
            print(f"  round: constant {constant[-1][0]:,.0f} req/s p99 {constant[-1][1]:.2f} ms; "
                  f"validate {single[-1][0]:,.0f} req/s p99 {single[-1][1]:.2f} ms")
        server, median, best = batch_ms(base, batch_codes[:10_000])
    (c_rps, c_p99), (v_rps, v_p99) = _median(constant), _median(single)
    print(f"\nHTTP, sfreg serve --workers 2, wrk -t2 -c64 on the same 2-core machine, median of {rounds} rounds")
    print(f"  constant endpoint /healthz          {c_rps:9,.0f} req/s   p99 {c_p99:6.2f} ms")
    print(f"  GET /validate/isin/{{code}} (1,000 codes) {v_rps:6,.0f} req/s   p99 {v_p99:6.2f} ms")
    print(f"  ratio validate/constant             {v_rps / c_rps:9.0%}   (goal ≥ 80 %)")
    print(f"  p99 validate/constant               {v_p99 / c_p99:9.2f}x  (goal ≤ 1.5x; no non-2xx: checked)")
    print(f"  POST 10,000 ISINs, server time      median {server:.1f} ms (goal ≤ 100 ms)")
    print(f"  POST 10,000 ISINs, round trip       median {median:.1f} ms, best {best:.1f} ms (urllib client)")


def _median(runs: list[tuple[float, float]]) -> tuple[float, float]:
    """The median run by req/s (its p99 with it)."""
    return sorted(runs)[len(runs) // 2]
