"""The HTTP half of bench/validate.py: wrk against `sfreg serve --workers 2` on loopback."""

import json
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request

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


def run_http(batch_codes: list[str], seconds: int = 10) -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed for the HTTP measurement: apt-get install wrk")
    with running_server(workers=2) as (base, _env):
        wrk(base + "/healthz", 64, 2)  # warm both workers
        constant, constant_p99 = wrk(base + "/healthz", 64, seconds)
        # 1,000 distinct codes (the seeded, registered ones and synthetic valid and invalid ones), drawn at random
        paths = [f"/api/v1/validate/isin/{code}" for code in [SEEDED_ISIN, *batch_codes[:999]]]
        single, single_p99 = wrk(f"{base}/api/v1/validate/isin/{SEEDED_ISIN}", 64, seconds, paths)
        server, median, best = batch_ms(base, batch_codes[:10_000])
    print("\nHTTP, sfreg serve --workers 2, wrk -t2 -c64 on the same 2-core machine")
    print(f"  constant endpoint /healthz          {constant:9,.0f} req/s   p99 {constant_p99:6.2f} ms")
    print(f"  GET /validate/isin/{{code}} (1,000 codes) {single:6,.0f} req/s   p99 {single_p99:6.2f} ms")
    print(f"  ratio validate/constant             {single / constant:9.0%}   (goal ≥ 60 %, p99 ≤ 10 ms)")
    print(f"  POST 10,000 ISINs, server time      median {server:.1f} ms (goal ≤ 100 ms)")
    print(f"  POST 10,000 ISINs, round trip       median {median:.1f} ms, best {best:.1f} ms (urllib client)")
