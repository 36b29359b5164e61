"""GET /metrics (api/metrics.py): Prometheus text with request counts and latency per route template,
validation verdicts, import rows and durations, index lag and change counters; a token unless public;
several workers' counts added up (multiprocess mode set up by `sfreg serve --workers N`)."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from support import assert_problem, bearer

REPO = Path(__file__).resolve().parents[2]
CSV = ("部分,条目编号,首选术语,英文对应词,定义\n3,3.9.1,指标测试,metric test,用于测试的条目。\n"
       "3,3.9.2,指标测试二,metric test two,第二条。\n")


def scrape(client, secret: str | None = None) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics", headers=bearer(secret) if secret else {})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return samples(response.text)


def samples(text: str) -> dict[tuple[str, tuple], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def value(found: dict, name: str, **labels: str) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


class TestAccess:
    def test_a_token_is_needed_by_default(self, client, tokens):
        assert_problem(client.get("/metrics"), 401, "unauthenticated")
        assert_problem(client.get("/metrics", headers=bearer("sfr_wrong")), 401, "unauthenticated")
        assert scrape(client, tokens["editor"])

    def test_public_when_the_setting_says_so(self, client, monkeypatch):
        monkeypatch.setenv("SFREG_METRICS_PUBLIC", "true")
        from registry.settings import get_settings
        get_settings.cache_clear()
        assert scrape(client)


class TestRequests:
    def test_counts_and_latency_are_labelled_by_route_template_not_raw_path(self, client, tokens):
        before = scrape(client, tokens["editor"])
        for code in ("US0378331005", "US0378331006", "CNE000001R84"):
            client.get(f"/api/v1/validate/isin/{code}")
        client.get("/api/v1/no/such/route")
        after = scrape(client, tokens["editor"])
        route = "/api/v1/validate/{kind}/{code}"
        key = {"method": "GET", "route": route, "status": "200"}
        assert value(after, "sfreg_http_request_duration_seconds_count", **key) \
            - value(before, "sfreg_http_request_duration_seconds_count", **key) == 3
        assert value(after, "sfreg_http_request_duration_seconds_bucket", **key, le="+Inf") \
            - value(before, "sfreg_http_request_duration_seconds_bucket", **key, le="+Inf") == 3
        assert value(after, "sfreg_http_request_duration_seconds_sum", **key) > 0
        assert value(after, "sfreg_http_request_duration_seconds_count", method="GET", route="<unmatched>",
                     status="404") >= 1
        assert not any("US0378331005" in str(labels) for _, labels in after)

    def test_429_and_401_answers_are_counted_too(self, client, tokens):
        client.post("/api/v1/concepts", json={}, headers=bearer("sfr_nope"))
        found = scrape(client, tokens["editor"])
        assert value(found, "sfreg_http_request_duration_seconds_count", method="POST", route="/api/v1/concepts",
                     status="401") >= 1


class TestDomainMetrics:
    def test_validation_verdicts_per_kind(self, client, tokens):
        before = scrape(client, tokens["editor"])
        client.get("/api/v1/validate/isin/US0378331005")
        client.get("/api/v1/validate/isin/US0378331006")
        client.post("/api/v1/validate/lei", json={"codes": ["5493001KJTIIGC8Y1R12", "bad", "bad"]})
        after = scrape(client, tokens["editor"])

        def delta(kind: str, verdict: str) -> float:
            return value(after, "sfreg_validation_verdicts_total", kind=kind, verdict=verdict) \
                - value(before, "sfreg_validation_verdicts_total", kind=kind, verdict=verdict)
        assert (delta("isin", "valid"), delta("isin", "invalid")) == (1, 1)
        assert (delta("lei", "valid"), delta("lei", "invalid")) == (1, 2)

    def test_import_rows_and_duration(self, client, tokens):
        before = scrape(client, tokens["editor"])
        response = client.post("/api/v1/imports/terms", files={"file": ("t.csv", CSV.encode())},
                               headers=bearer(tokens["editor"]))
        assert response.status_code == 200, response.text
        after = scrape(client, tokens["editor"])
        assert value(after, "sfreg_import_rows_total", dataset="terms", outcome="created") \
            - value(before, "sfreg_import_rows_total", dataset="terms", outcome="created") == 2
        assert value(after, "sfreg_import_duration_seconds_count", dataset="terms", result="written") \
            - value(before, "sfreg_import_duration_seconds_count", dataset="terms", result="written") == 1

    def test_index_lag_change_counter_and_its_age(self, client, tokens):
        client.get("/api/v1/validate/isin/US0378331005")
        found = scrape(client, tokens["editor"])
        assert value(found, "sfreg_search_index_lag_revisions") == 0
        assert 0 <= value(found, "sfreg_change_counter_age_seconds", topic="codes") < 60

    def test_a_code_write_moves_the_change_counter(self, client, tokens):
        before = value(scrape(client, tokens["editor"]), "sfreg_change_counter", topic="codes")
        isin = {"code": "CNE100000296", "name_zh": "示例股份", "attrs": {"venue": "XSHG", "cfi": "ESVUFR"}}
        response = client.post("/api/v1/schemes/isin/codes", json=isin, headers=bearer(tokens["editor"]))
        assert response.status_code == 201, response.text
        assert value(scrape(client, tokens["editor"]), "sfreg_change_counter", topic="codes") > before


# ---- several workers: one real server ------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _sfreg(env: dict[str, str], *args: str) -> subprocess.Popen | str:
    command = [str(Path(sys.executable).parent / "sfreg"), *args]
    return subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True, timeout=300,
                          check=True).stdout


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


def _wait(base: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(log.read_text()[-3000:])
        try:
            _get(base + "/healthz")
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"no answer within 90 s: {log.read_text()[-3000:]}")


@pytest.mark.slow
class TestSeveralWorkers:
    def test_two_workers_counts_are_added_up_in_every_scrape(self, tmp_path):
        folder = tmp_path / "metrics"
        folder.mkdir()
        (folder / "counter_99999.db").write_bytes(b"stale")  # from an earlier run: removed at start
        env = {**os.environ, "SFREG_HOME": str(tmp_path), "SFREG_DATABASE_URL": f"sqlite:///{tmp_path / 's.db'}",
               "SFREG_INDEX_DIR": str(tmp_path / "index"), "SFREG_METRICS_PUBLIC": "true",
               "PROMETHEUS_MULTIPROC_DIR": str(folder)}
        _sfreg(env, "db", "upgrade")
        port, log = _free_port(), tmp_path / "serve.log"
        with log.open("w") as out:
            process = subprocess.Popen([str(Path(sys.executable).parent / "sfreg"), "serve", "--workers", "2",
                                        "--port", str(port)], env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait(base, process, log)
            with ThreadPoolExecutor(8) as pool:
                list(pool.map(lambda _: _get(base + "/api/v1/validate/isin/US0378331005"), range(120)))
            key = ("sfreg_http_request_duration_seconds_count",
                   (("method", "GET"), ("route", "/api/v1/validate/{kind}/{code}"), ("status", "200")))
            # a request is counted once its answer is sent: wait until the last one is in, then every
            # scrape, whichever worker answers it, adds up both workers' files
            deadline = time.monotonic() + 10
            while samples(_get(base + "/metrics")).get(key) != 120.0 and time.monotonic() < deadline:
                time.sleep(0.1)
            totals = {samples(_get(base + "/metrics"))[key] for _ in range(6)}
            assert totals == {120.0}
            assert not (folder / "counter_99999.db").exists()
            pids = {re.sub(r"\D", "", p.name) for p in folder.glob("counter_*.db")}
            print("worker files:", sorted(pids))
            assert pids and "99999" not in pids
        finally:
            process.terminate()
            process.wait(timeout=30)
