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
    index_poll_seconds: float = Field(default=0.5, description="How often a worker looks for changes.")
    telemetry: bool = Field(default=False, description="FastAPI's native OpenTelemetry spans, metrics and logs.")

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'sfreg.db'}"

    @property
    def resolved_index_dir(self) -> Path:
        return self.index_dir or self.home / "index"


@lru_cache
def get_settings() -> Settings:
    return Settings()
