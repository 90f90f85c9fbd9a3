"""Settings: process-wide from the environment, per-workspace from the store."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from workstation.config.defaults import DEFAULT_DEMO_SEED, DEFAULT_INDICES, DEFAULT_WATCHLIST


class EnvSettings(BaseSettings):
    """Process settings read from ``WORKSTATION_*`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="WORKSTATION_", extra="ignore")

    data_dir: Path | None = Field(None, description="Workspace folder (overrides the default)")
    log_level: str = Field("INFO", description="Logging level for the console and log file")
    passphrase: str | None = Field(
        None, description="Database passphrase for headless runs when no keyring exists"
    )


class WorkspaceSettings(BaseModel):
    """Settings stored in a workspace (the ``settings`` table), editable by the trader."""

    indices: list[str] = Field(
        default_factory=lambda: list(DEFAULT_INDICES),
        description="Index symbols shown on the dashboard",
    )
    watchlist: list[str] = Field(
        default_factory=lambda: list(DEFAULT_WATCHLIST),
        description="Watchlist symbols shown on the dashboard",
    )
    stale_after_seconds: float = Field(
        15.0, gt=0, description="A quote older than this is shown as stale (seconds)"
    )
    demo_seed: int = Field(DEFAULT_DEMO_SEED, description="Seed of the demo market simulator")
    demo_ticks_per_second: float = Field(
        3.0, gt=0, le=50, description="Demo live updates per second per symbol"
    )
    risk_free_rate: float = Field(
        0.04,
        ge=-0.05,
        le=0.25,
        description="Risk-free rate for pricing and implied volatility (decimal per year)",
    )
    regime_basis: Literal["rank", "percentile", "both"] = Field(
        "rank", description="Which IV statistic decides the volatility regime"
    )
    regime_high_at: float = Field(
        50.0, ge=0, le=100, description="IV rank/percentile (0-100) at or above which IV is high"
    )
    regime_low_at: float = Field(
        25.0, ge=0, le=100, description="IV rank/percentile (0-100) at or below which IV is low"
    )
    chain_refresh_seconds: float = Field(
        1.0, gt=0.05, le=60, description="How often the chain panel re-reads the chain (seconds)"
    )
    backups_to_keep: int = Field(5, ge=1, le=50, description="Rotating database backups kept")
    account_value: Decimal = Field(
        Decimal(25000),
        gt=0,
        description="The account value used for sizing until a broker account is linked (dollars)",
    )
    max_contracts_per_trade: int = Field(
        10, ge=1, description="Most contracts /size suggests for one trade"
    )
    max_risk_per_trade: float = Field(
        0.05,
        gt=0,
        le=1,
        description="Largest fraction of the account one trade may risk (0-1; 0.05 = 5 %)",
    )

    @field_validator("indices", "watchlist")
    @classmethod
    def _upper_unique(cls, symbols: list[str]) -> list[str]:
        cleaned: list[str] = []
        for raw in symbols:
            symbol = raw.strip().upper()
            if not symbol or not symbol.replace(".", "").replace("/", "").isalnum():
                raise ValueError(f"{raw!r} is not a ticker symbol")
            if symbol not in cleaned:
                cleaned.append(symbol)
        return cleaned
