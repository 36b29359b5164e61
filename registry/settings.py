"""Settings read from the environment (prefix ``SFREG_``), never at import time."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every knob of the service; each is documented in README.md (a test checks that)."""

    model_config = SettingsConfigDict(env_prefix="SFREG_", extra="ignore")

    home: Path = Field(default=Path("var"), description="Folder for the SQLite file and the search index.")
    database_url: str = Field(default="", description="SQLAlchemy URL; default sqlite:///$SFREG_HOME/sfreg.db.")
    index_dir: Path | None = Field(default=None, description="Search index folder; default $SFREG_HOME/index.")
    public_read: bool = Field(default=True, description="When false, reads need a token too.")
    max_body_bytes: int = Field(default=1_000_000, description="Largest JSON request body accepted.")
    max_upload_bytes: int = Field(default=200_000_000, description="Largest import upload accepted.")
    max_check_bytes: int = Field(default=20_000_000, description="Largest document (or text) sent for term checking.")
    index_poll_seconds: float = Field(default=0.5, description="How often a worker looks for changes.")
    telemetry: bool = Field(default=False, description="FastAPI's native OpenTelemetry spans, metrics and logs.")
    # -- abuse resistance and metrics (issue 11). Limits use the `limits` notation ("600/minute;10000/hour");
    # an empty value switches that limit off.
    redis_url: str = Field(default="", description="Redis for rate-limit counts shared by workers and nodes.")
    rate_writes_token: str = Field(default="1200/minute", description="Writes per token.")
    rate_writes_ip: str = Field(default="2400/minute", description="Writes per client IP.")
    rate_signin_ip: str = Field(default="60/minute", description="Sign-in attempts per client IP.")
    rate_batch_token: str = Field(default="600/minute", description="Batch validations per token.")
    rate_batch_ip: str = Field(default="1200/minute", description="Batch validations per client IP.")
    rate_free_failures: int = Field(default=5, description="Failed sign-ins per IP before the back-off starts.")
    rate_backoff_seconds: float = Field(default=1.0, description="First back-off wait; doubles per failure.")
    rate_backoff_max_seconds: float = Field(default=900.0, description="Longest back-off wait.")
    session_hours: float = Field(default=12.0, description="Lifetime of a pages sign-in session.")
    metrics_public: bool = Field(default=False, description="When true, /metrics needs no token.")

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'sfreg.db'}"

    @property
    def resolved_index_dir(self) -> Path:
        return self.index_dir or self.home / "index"


@lru_cache
def get_settings() -> Settings:
    return Settings()
