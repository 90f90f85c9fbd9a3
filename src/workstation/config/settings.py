"""Settings: process-wide from the environment, per-workspace from the store."""

from __future__ import annotations

from datetime import datetime
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
    demo_now: datetime | None = Field(
        None,
        description="Start the demo market's clock at this ISO instant with a time zone "
        "(demo workspaces only; for reproducible screenshots and tests)",
    )


class WidthBandSetting(BaseModel):
    """Spread widths (dollars) for underlyings priced below ``below`` dollars (None: any price)."""

    below: float | None = Field(None, gt=0)
    widths: list[float] = Field(min_length=1)

    @field_validator("widths")
    @classmethod
    def _positive(cls, widths: list[float]) -> list[float]:
        if any(w <= 0 for w in widths):
            raise ValueError(f"widths must be positive dollars, got {widths}")
        return sorted(widths)


DEFAULT_WIDTH_BANDS = (
    (25.0, [0.5, 1.0]),
    (100.0, [1.0, 2.5]),
    (1000.0, [2.0, 5.0]),
    (3000.0, [5.0, 10.0]),
    (None, [10.0, 25.0]),
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

    planner_widths: list[WidthBandSetting] = Field(
        default_factory=lambda: [
            WidthBandSetting(below=b, widths=w) for b, w in DEFAULT_WIDTH_BANDS
        ],
        description="Spread widths by underlying price (dollars); the last band has no limit",
    )
    planner_min_credit: float = Field(
        0.25, gt=0, lt=1, description="Smallest credit as a share of the spread width (0-1)"
    )
    planner_em_multiple: float = Field(
        1.0, gt=0, le=3, description="Credit short strikes sit this many expected moves away"
    )
    planner_max_spread: float = Field(
        0.15, gt=0, le=1, description="Widest bid/ask as a share of the mid a leg may have (0-1)"
    )
    planner_min_open_interest: int = Field(
        100, ge=0, description="Fewest open contracts a leg may have"
    )
    planner_min_volume: int = Field(0, ge=0, description="Fewest contracts traded today per leg")
    guardrail_tentative_blocks: bool = Field(
        True, description="Events with a tentative date block like confirmed ones"
    )
    guardrail_block_on_earnings: bool = Field(
        True, description="Earnings inside the window block credit spreads (else warn)"
    )
    guardrail_quiet_sessions_before: int = Field(
        1, ge=0, le=5, description="Macro quiet mode starts this many sessions before an event"
    )

    day_trade_method: Literal["pairs", "direction"] = Field(
        "pairs",
        description="How day trades are counted: each closing transaction against a same-day "
        "open (pairs) or each change of direction per security per day (direction)",
    )
    day_trade_legs_count_once: bool = Field(
        False, description="All legs of one multi-leg order closed the same day count as one"
    )
    exit_profit_target_credit: float = Field(
        0.5, gt=0, le=1, description="Credit trades: take profit at this share of max profit (0-1)"
    )
    exit_profit_target_debit: float = Field(
        1.0, gt=0, le=10, description="Debit trades: take profit at this multiple of the debit"
    )
    exit_max_loss_multiple: float = Field(
        2.0, gt=0, le=10, description="Credit trades: exit when the loss reaches this x the credit"
    )
    exit_max_loss_debit: float = Field(
        0.5, gt=0, le=1, description="Debit trades: exit when this share of the debit is lost"
    )
    exit_time_dte: int = Field(
        21, ge=0, le=365, description="Exit (or roll) at this many calendar days to expiry"
    )
    exit_expiry_window_dte: int = Field(
        1, ge=0, le=5, description="Recommend let-expire or close from this many days to expiry"
    )
    beta_overrides: dict[str, float] = Field(
        default_factory=dict,
        description="Betas to SPY the trader sets per symbol, used instead of the provider's",
    )
    scenario_mode: Literal["em", "percent"] = Field(
        "em", description="Scenario grid moves in expected moves (em) or percent"
    )
    alert_sound: bool = Field(False, description="Sound the system bell when an alert fires")
    structure_watchlist: list[str] = Field(
        default_factory=list,
        description="Tickers whose market structure is tracked for alerts (empty: the watchlist)",
    )
    market_data: Literal["demo", "tastytrade", "schwab"] = Field(
        "demo",
        description=(
            "Where quotes, chains and bars come from: the demo market or a linked broker "
            "(another linked broker fills what it lacks); applies when the workspace opens"
        ),
    )
    tastytrade_environment: Literal["production", "sandbox", "custom"] = Field(
        "production", description="Tastytrade API: production, sandbox (cert) or a custom URL"
    )
    tastytrade_base_url: str = Field(
        "", description="Tastytrade API base URL when the environment is custom"
    )
    schwab_base_url: str = Field(
        "https://api.schwabapi.com", description="Schwab Trader API base URL"
    )
    schwab_callback_url: str = Field(
        "https://127.0.0.1:8182/callback",
        description="The callback URL registered with the Schwab app (https on 127.0.0.1)",
    )
    sync_balances_minutes: int = Field(
        5, ge=1, le=120, description="Minutes between position/balance syncs in market hours"
    )
    sync_transactions_minutes: int = Field(
        60, ge=5, le=1440, description="Minutes between transaction syncs (plus one at the close)"
    )

    @field_validator("tastytrade_base_url", "schwab_base_url")
    @classmethod
    def _http_url(cls, url: str) -> str:
        url = url.strip().rstrip("/")
        if url and not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            raise ValueError(f"{url!r} must be an https URL (plain http only on this machine)")
        return url

    @field_validator("beta_overrides")
    @classmethod
    def _upper_betas(cls, betas: dict[str, float]) -> dict[str, float]:
        return {symbol.strip().upper(): float(beta) for symbol, beta in betas.items()}

    @field_validator("indices", "watchlist", "structure_watchlist")
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
