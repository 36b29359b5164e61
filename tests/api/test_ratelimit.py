"""Rate limits (api/ratelimit.py): 429 + Retry-After per token and per IP on writes, sign-in and batch
validation; the exponential back-off after failed sign-ins; in memory and in Redis (shared by apps)."""

import re
import uuid
from collections.abc import Iterator

import pytest
import redis
from fastapi.testclient import TestClient
from support import assert_problem, bearer

from api.ratelimit import Limiter, backoff_seconds
from registry.settings import Settings, get_settings

REDIS_URL = "redis://127.0.0.1:6379/0"
CONCEPT = {"part": 3, "terms": []}  # any write counts, valid or not
HTML = {"Accept": "text/html"}


def csrf(page) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


def _redis_up() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


needs_redis = pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
STORAGES = ["memory", pytest.param("redis", marks=needs_redis)]


def fresh_ip() -> str:
    """A client address no other test (or earlier run sharing the Redis server) has used."""
    n = uuid.uuid4().int
    return f"10.{n % 256}.{n // 256 % 256}.{n // 65536 % 256}:{uuid.uuid4().hex[:8]}"


def make_client(monkeypatch, ip: str | None = None, **env: str) -> TestClient:
    for name, value in env.items():
        monkeypatch.setenv(f"SFREG_{name.upper()}", value)
    get_settings.cache_clear()
    from api.app import create_app
    return TestClient(create_app(), raise_server_exceptions=False, client=(ip or fresh_ip(), 50000))


@pytest.fixture(params=STORAGES)
def storage_env(request) -> dict[str, str]:
    return {"redis_url": REDIS_URL} if request.param == "redis" else {}


def assert_429(response) -> int:
    assert_problem(response, 429, "too-many-requests")
    wait = int(response.headers["Retry-After"])
    assert wait >= 1 and response.json()["retry_after"] == wait
    return wait


class TestBackoffSeconds:
    def test_free_failures_cost_nothing_then_the_wait_doubles_up_to_the_cap(self):
        waits = [backoff_seconds(n, free=3, base=1.0, cap=20.0) for n in range(1, 10)]
        assert waits == [0, 0, 0, 1, 2, 4, 8, 16, 20]

    def test_huge_failure_counts_stay_at_the_cap(self):
        assert backoff_seconds(10_000, free=0, base=1.0, cap=900.0) == 900.0


class TestLimiter:
    @pytest.fixture(params=STORAGES)
    def limiter(self, request) -> Iterator[Limiter]:
        url = REDIS_URL if request.param == "redis" else ""
        yield Limiter(Settings(redis_url=url, rate_writes_token="3/minute", rate_writes_ip="",
                               rate_free_failures=2, rate_backoff_seconds=1, rate_backoff_max_seconds=60))

    def test_the_request_over_the_limit_gets_a_wait(self, limiter):
        token = uuid.uuid4().hex
        assert [limiter.hit("write", token=token, ip=fresh_ip()) for _ in range(3)] == [None] * 3
        wait = limiter.hit("write", token=token, ip=fresh_ip())
        assert wait is not None and 1 <= wait <= 60
        assert limiter.hit("write", token=uuid.uuid4().hex, ip=fresh_ip()) is None  # per token

    def test_each_failure_past_the_free_ones_doubles_the_block(self, limiter):
        ip = fresh_ip()
        waits = []
        for _ in range(6):
            limiter.failed(ip)
            waits.append(limiter.blocked(ip))
        assert waits[:2] == [None, None]
        assert waits[2:] == [1, 2, 4, 8]

    def test_a_good_sign_in_ends_the_run_of_failures(self, limiter):
        ip = fresh_ip()
        limiter.failed(ip)
        limiter.failed(ip)
        limiter.succeeded(ip)
        limiter.failed(ip)
        assert limiter.blocked(ip) is None


class TestWrites:
    def test_per_token_limit_answers_429_with_retry_after(self, engine, seeded, tokens, monkeypatch, storage_env):
        with make_client(monkeypatch, rate_writes_token="3/minute", **storage_env) as client:
            for _ in range(3):
                assert client.post("/api/v1/concepts", json=CONCEPT, headers=bearer(tokens["editor"])).status_code \
                    == 422
            assert_429(client.post("/api/v1/concepts", json=CONCEPT, headers=bearer(tokens["editor"])))
            other = client.post("/api/v1/concepts", json=CONCEPT, headers=bearer(tokens["reviewer"]))
            assert other.status_code == 422  # another token has its own count

    def test_per_ip_limit_counts_every_token_of_one_address(self, engine, seeded, tokens, monkeypatch,
                                                            storage_env):
        with make_client(monkeypatch, rate_writes_ip="2/minute", **storage_env) as client:
            for role in ("editor", "reviewer"):
                client.post("/api/v1/concepts", json=CONCEPT, headers=bearer(tokens[role]))
            assert_429(client.post("/api/v1/concepts", json=CONCEPT, headers=bearer(tokens["admin"])))
            assert client.get("/api/v1/parts").status_code == 200  # reads are never limited

    @needs_redis
    def test_redis_shares_the_counts_between_nodes(self, engine, seeded, tokens, monkeypatch):
        ip = fresh_ip()
        env = {"rate_writes_token": "2/minute", "redis_url": REDIS_URL}
        with make_client(monkeypatch, ip, **env) as one, make_client(monkeypatch, ip, **env) as two:
            one.post("/api/v1/concepts", json=CONCEPT, headers=bearer(tokens["editor"]))
            two.post("/api/v1/concepts", json=CONCEPT, headers=bearer(tokens["editor"]))
            assert_429(one.post("/api/v1/concepts", json=CONCEPT, headers=bearer(tokens["editor"])))
            assert_429(two.post("/api/v1/concepts", json=CONCEPT, headers=bearer(tokens["editor"])))

    def test_memory_counts_are_per_process(self, engine, seeded, tokens, monkeypatch):
        ip = fresh_ip()
        with make_client(monkeypatch, ip, rate_writes_token="1/minute") as one, \
                make_client(monkeypatch, ip, rate_writes_token="1/minute") as two:
            one.post("/api/v1/concepts", json=CONCEPT, headers=bearer(tokens["editor"]))
            assert two.post("/api/v1/concepts", json=CONCEPT, headers=bearer(tokens["editor"])).status_code == 422

    def test_requests_pass_when_redis_is_down(self, engine, seeded, tokens, monkeypatch, caplog):
        with make_client(monkeypatch, rate_writes_token="1/minute", redis_url="redis://127.0.0.1:1/0") as client:
            for _ in range(3):
                assert client.post("/api/v1/concepts", json=CONCEPT,
                                   headers=bearer(tokens["editor"])).status_code == 422
        assert "rate-limit storage failed" in caplog.text

    def test_an_empty_setting_switches_a_limit_off(self, engine, seeded, tokens, monkeypatch):
        with make_client(monkeypatch, rate_writes_token="", rate_writes_ip="") as client:
            for _ in range(30):
                assert client.post("/api/v1/concepts", json=CONCEPT,
                                   headers=bearer(tokens["editor"])).status_code == 422


class TestBatchValidation:
    def test_batch_limit_429_while_the_single_get_stays_unlimited(self, engine, seeded, monkeypatch,
                                                                 storage_env):
        with make_client(monkeypatch, rate_batch_ip="2/minute", **storage_env) as client:
            for _ in range(2):
                assert client.post("/api/v1/validate/isin", json={"codes": ["US0378331005"]}).status_code == 200
            assert_429(client.post("/api/v1/validate/isin", json={"codes": ["US0378331005"]}))
            assert all(client.get("/api/v1/validate/isin/US0378331005").status_code == 200 for _ in range(50))

    def test_batch_limit_per_token(self, engine, seeded, tokens, monkeypatch):
        with make_client(monkeypatch, rate_batch_token="1/minute") as client:
            headers = bearer(tokens["editor"])
            client.post("/api/v1/validate/isin", json={"codes": ["X"]}, headers=headers)
            assert_429(client.post("/api/v1/validate/isin", json={"codes": ["X"]}, headers=headers))
            assert client.post("/api/v1/validate/isin", json={"codes": ["X"]}).status_code == 200

    def test_term_checking_counts_as_a_batch_not_as_a_write(self, engine, seeded, monkeypatch):
        with make_client(monkeypatch, rate_batch_ip="1/minute", rate_writes_ip="") as client:
            assert client.post("/api/v1/check", json={"text": "证券"}).status_code != 429
            refused = client.post("/api/v1/check", json={"text": "证券"})
            assert_429(refused)
            assert "batch requests" in refused.json()["detail"]


def sign_in(client, secret: str, token: str | None = None):
    token = token or csrf(client.get("/signin", headers=HTML))
    return client.post("/signin", data={"csrf": token, "token": secret, "next": "/"}, headers=HTML,
                       follow_redirects=False)


class TestSignIn:
    def test_200_failed_sign_ins_then_a_good_one_does_not_get_in(self, engine, seeded, tokens, monkeypatch,
                                                                  storage_env):
        with make_client(monkeypatch, **storage_env) as client:  # the default settings
            token = csrf(client.get("/signin", headers=HTML))
            statuses = [sign_in(client, f"sfr_guess{n}", token).status_code for n in range(200)]
            # 5 free failures; then each failure blocks for 1 s, 2 s, 4 s …: at most a few more get through
            # to be refused (401) in the seconds the 200 attempts take, the rest are 429 at once.
            assert statuses[:6] == [401] * 6 and statuses.count(401) <= 10 and statuses.count(429) >= 190
            refused = sign_in(client, tokens["editor"])
            assert refused.status_code == 429 and refused.headers["content-type"].startswith("text/html")
            assert int(refused.headers["Retry-After"]) >= 1 and "请求过于频繁" in refused.text
            assert "sfreg_session=" not in refused.headers.get("set-cookie", "")

    def test_sign_in_attempts_per_ip_are_limited(self, engine, seeded, tokens, monkeypatch):
        with make_client(monkeypatch, rate_signin_ip="2/minute") as client:
            assert sign_in(client, tokens["editor"]).status_code == 303
            assert sign_in(client, tokens["editor"]).status_code == 303
            assert sign_in(client, tokens["editor"]).status_code == 429

    def test_the_back_off_ends_and_a_good_sign_in_then_works(self, engine, seeded, tokens, monkeypatch):
        ip = fresh_ip()
        with make_client(monkeypatch, ip, rate_free_failures="1", rate_backoff_seconds="1") as client:
            sign_in(client, "sfr_wrong")
            sign_in(client, "sfr_wrong")  # the second failure blocks for 1 s
            assert sign_in(client, tokens["editor"]).status_code == 429
            client.app.state.limiter.storage.clear(f"sfreg/block/{ip}")  # as if the second had passed
            assert sign_in(client, tokens["editor"]).status_code == 303

    def test_wrong_bearer_tokens_on_writes_count_as_failed_sign_ins(self, engine, seeded, tokens, monkeypatch):
        with make_client(monkeypatch) as client:
            for n in range(6):
                assert_problem(client.post("/api/v1/concepts", json=CONCEPT, headers=bearer(f"sfr_{n}")), 401)
            assert_429(client.post("/api/v1/concepts", json=CONCEPT, headers=bearer(tokens["editor"])))

