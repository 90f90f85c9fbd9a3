"""Wiring of one open workspace: store, market data, services, commands.

``open_runtime`` does the blocking part (database, migrations, calendar,
simulator warm-up) and is called off the GUI thread; ``Runtime.start`` starts
the live parts on the loop; ``Runtime.close`` undoes everything.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from pydantic import ValidationError

from workstation.adapters.brokers import KeyringBrokerGateway
from workstation.adapters.csv import read_statement
from workstation.adapters.marketdata.demo.account_history import DemoHistory, demo_account_history
from workstation.adapters.marketdata.demo.provider import DemoMarketData
from workstation.adapters.secrets.keyring_store import KeyringSecretStore
from workstation.app.brokers import endpoints_of, wire_brokers
from workstation.app.market_source import MarketSource, choose_market
from workstation.app.workspace import WorkspaceTarget
from workstation.commands.catalog import default_registry
from workstation.commands.context import CommandContext, WorkspaceInfo
from workstation.commands.registry import CommandRegistry
from workstation.config.paths import resources_dir
from workstation.config.settings import EnvSettings, WorkspaceSettings
from workstation.domain.event_calendar import MACRO_KINDS, EventKind
from workstation.domain.events import WorkspaceOpened
from workstation.domain.playbook import WATCHED, AlertRule, StructureEventParams
from workstation.domain.structure import EventKind as StructureEvent
from workstation.engines.guardrails import GuardrailPolicy
from workstation.engines.planner import LiquidityRule, PlannerRules, WidthBand
from workstation.engines.sessions import TradingCalendar, xnys
from workstation.engines.volatility import RegimeBasis, RegimeRule
from workstation.ports.clock import Clock, ShiftedClock, SystemClock
from workstation.ports.marketdata import IV_HISTORY_DTYPE, IvHistory, MarketData, UnknownSymbol
from workstation.ports.secrets import SecretStore
from workstation.services.alert_rules import AlertRuleService
from workstation.services.alerts import AlertService
from workstation.services.blocking import BlockingRunner
from workstation.services.chain_analytics import ChainAnalytics, HistoryReader
from workstation.services.chain_service import ChainService, IvRecorder
from workstation.services.event_calendar import EventCalendarService
from workstation.services.events import EventBus
from workstation.services.expected_move import ExpectedMoveService
from workstation.services.history import HistoryBackfill
from workstation.services.ledger import LedgerService
from workstation.services.ledger_import import TransactionImport
from workstation.services.ledger_marks import MarketMarks
from workstation.services.maintenance import Maintenance
from workstation.services.market_data import MarketDataService
from workstation.services.planner import PlannerService
from workstation.services.plans import PlanBook
from workstation.services.risk import RiskService, RiskStores
from workstation.services.risk_market import RiskMarket
from workstation.services.settings import SettingsService
from workstation.services.structure import StructureService
from workstation.services.structure_alerts import StructureAlerts
from workstation.storage.account_rules import AccountRuleStore, AccountStatusStore
from workstation.storage.accounts import AccountStore
from workstation.storage.alert_rules import BUNDLED_PLAYBOOK, AlertRuleStore, load_playbook_file
from workstation.storage.alerts import AlertStore
from workstation.storage.balance_snapshots import BalanceSnapshotStore
from workstation.storage.bars import BarStore
from workstation.storage.database import Database
from workstation.storage.event_calendar import (
    BUNDLED_CALENDAR,
    EventCalendarStore,
    load_bundled_calendar,
)
from workstation.storage.instruments import InstrumentStore
from workstation.storage.iv_history import IvHistoryStore
from workstation.storage.ledger_snapshots import LedgerSnapshotStore
from workstation.storage.plans import PlanStore
from workstation.storage.quotes import QuoteCache
from workstation.storage.settings_store import SettingsStore
from workstation.storage.strategy_overrides import StrategyOverrideStore
from workstation.storage.sync_log import SyncLog
from workstation.storage.transactions import TransactionStore
from workstation.storage.workspace import WorkspaceStore, open_workspace_store

log = logging.getLogger(__name__)

AskPassphrase = Callable[[str], str]


@dataclass
class Runtime:
    """Everything wired for one workspace."""

    target: WorkspaceTarget
    store: WorkspaceStore
    bus: EventBus
    clock: Clock
    calendar: TradingCalendar
    settings: WorkspaceSettings
    provider: MarketData
    demo: DemoMarketData
    market: MarketDataService
    registry: CommandRegistry
    context: CommandContext
    maintenance: Maintenance
    backfill: HistoryBackfill
    structure: StructureAlerts | None = None
    closed: bool = field(default=False)

    @property
    def quote_symbols(self) -> list[str]:
        """Every symbol the dashboard follows (indices first)."""
        return list(dict.fromkeys(self.settings.indices + self.settings.watchlist))

    @property
    def structure_symbols(self) -> list[str]:
        """The tickers whose structure is tracked live for alerts."""
        return list(self.settings.structure_watchlist or self.settings.watchlist)

    @property
    def opened_event(self) -> WorkspaceOpened:
        """The event announcing this workspace to the UI."""
        return WorkspaceOpened(
            self.target.name, str(self.target.folder), self.target.kind, self.store.db.encrypted
        )

    async def backfill_history(self, run: BlockingRunner) -> None:
        """Store bar and IV history for every followed symbol (idempotent)."""
        symbols = self.quote_symbols
        # Only the demo market has IV history; the brokers keep none.
        optionable = set(self.demo.optionable()) if self.provider is self.demo else set()
        iv_symbols = [s for s in symbols if s in optionable]
        report = await self.backfill.run(symbols, iv_symbols, self.clock.now(), write=run)
        log.info("backfill wrote %d rows (%d failures)", report.total, len(report.failures))

    async def ensure_history(self, run: BlockingRunner) -> None:
        """Backfill unless a backfill already ran after the latest session close."""
        if not await run(self.backfill.is_current, self.clock.now()):
            await self.backfill_history(run)

    async def ensure_demo_account(self, run: BlockingRunner) -> None:
        """Give a new demo workspace its year of account history (once).

        The history is written as a Tastytrade export into the workspace's
        imports folder and imported through the same pipeline a real export
        goes through.
        """
        importer = self.context.ledger_import
        if self.target.kind != "demo" or importer is None:
            return
        if await run(TransactionStore(self.store.db).count) > 0:
            return
        history = await run(self._demo_history)
        folder = self.target.folder / "imports"
        path = folder / "demo-account-tastytrade.csv"
        await run(_write_text, path, history.csv_text)
        preview = await importer.preview(path, "tastytrade", history.account)
        outcome = await importer.commit(preview)
        log.info("demo account history: %d transactions imported", outcome.added)

    async def ensure_demo_alert_rules(self) -> None:
        """Give a new demo workspace alert rules, so its tick stream raises alerts."""
        rules = self.context.alert_rules
        if self.target.kind != "demo" or rules is None or await rules.rules():
            return
        events = frozenset({StructureEvent.SWEEP, StructureEvent.CHANGE_OF_CHARACTER,
                            StructureEvent.RANGE_BREAK_OPENING,
                            StructureEvent.VWAP_RECLAIM})  # fmt: skip
        await rules.add(AlertRule(WATCHED, StructureEventParams(events), cooldown_minutes=15))
        log.info("demo workspace: structure alert rule added for the watchlist")

    def _demo_history(self) -> DemoHistory:
        return demo_account_history(
            self.demo.simulator, self.clock.now(), seed=self.settings.demo_seed
        )

    def descriptions(self) -> dict[str, str]:
        """Long names of the followed symbols."""
        return {s: _description(self.demo, s) for s in self.quote_symbols}

    def close(self) -> None:
        """Close the store (blocking; call off the GUI thread). Safe to call twice."""
        if not self.closed:
            self.closed = True
            self.store.close()


def _description(demo: DemoMarketData, symbol: str) -> str:
    try:
        return demo.description(symbol)
    except UnknownSymbol:  # a broker's symbol the demo universe lacks
        return symbol


def _write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="")


def open_runtime(
    target: WorkspaceTarget,
    bus: EventBus,
    run: BlockingRunner,
    ask_passphrase: AskPassphrase | None,
    *,
    clock: Clock | None = None,
    secrets: SecretStore | None = None,
) -> Runtime:
    """Open the workspace and wire its services (blocking: seconds at worst)."""
    clock = clock or default_clock(target)
    secrets = secrets or KeyringSecretStore()
    store = open_workspace_store(
        target.folder, kind=target.kind, secrets=secrets, ask_passphrase=ask_passphrase
    )
    try:
        return _wire(target, store, bus, run, clock, secrets)
    except BaseException:
        store.close()
        raise


def default_clock(target: WorkspaceTarget) -> Clock:
    """The wall clock, or for a demo workspace the one WORKSTATION_DEMO_NOW asks for."""
    try:
        start = EnvSettings().demo_now
    except ValidationError as exc:
        raise ValueError(
            "WORKSTATION_DEMO_NOW must be an ISO instant with a time zone, "
            f"like 2026-11-23T15:00:00Z ({exc.errors()[0]['msg']})"
        ) from None
    if start is None or target.kind != "demo":
        return SystemClock()
    log.info("demo clock starts at %s (WORKSTATION_DEMO_NOW)", start.isoformat())
    return ShiftedClock(start)


def _wire(
    target: WorkspaceTarget,
    store: WorkspaceStore,
    bus: EventBus,
    run: BlockingRunner,
    clock: Clock,
    secrets: SecretStore,
) -> Runtime:
    db = store.db
    settings = _settings(SettingsStore(db))
    calendar = xnys()
    demo, market = _market(db, settings, secrets, target.folder, clock, bus)
    provider = market.provider
    maintenance = Maintenance(db, store.backups_dir, settings.backups_to_keep, run)
    registry = default_registry()
    info = WorkspaceInfo(target.name, str(target.folder), target.kind, db.encrypted)
    chains = _chain_service(db, market, settings, calendar, run)
    calendar_store = EventCalendarStore(
        db, load_bundled_calendar(resources_dir() / BUNDLED_CALENDAR), clock
    )
    events = EventCalendarService(calendar_store, market, run)
    planner = PlannerService(
        chains,
        events,
        BarStore(db),
        calendar,
        run,
        planner_rules(settings),
        guardrail_policy(settings),
    )
    context = CommandContext(
        clock,
        calendar,
        market,
        ExpectedMoveService(chains, calendar),
        chains,
        info,
        registry,
        settings,
        maintenance,
        planner,
        PlanBook(PlanStore(db), clock, run),
        events,
        SettingsService(SettingsStore(db), settings, run),
        *_ledger_services(db, market, clock, run, settings.risk_free_rate),
    )
    live_structure = _alert_services(db, context, provider, clock, run)
    context.risk = _risk_service(db, context, BarStore(db), calendar, clock, run)
    wire_brokers(db, context, secrets, target.folder, clock, run)
    _apply_settings_live(context, planner)
    backfill = HistoryBackfill(
        provider, BarStore(db), IvHistoryStore(db), SyncLog(db, clock=clock), calendar
    )
    return Runtime(
        target,
        store,
        bus,
        clock,
        calendar,
        settings,
        provider,
        demo,
        market,
        registry,
        context,
        maintenance,
        backfill,
        live_structure,
    )


def _market(
    db: Database,
    settings: WorkspaceSettings,
    secrets: SecretStore,
    workspace: Path,
    clock: Clock,
    bus: EventBus,
) -> tuple[DemoMarketData, MarketDataService]:
    """Return the demo market (instruments, account history) and the quote service over
    the market data the settings choose, seeded with the cached quotes."""
    demo = DemoMarketData(
        clock, seed=settings.demo_seed, ticks_per_second=settings.demo_ticks_per_second
    )
    source = _market_source(settings, secrets, workspace, clock, demo)
    market = MarketDataService(
        source.provider,
        clock,
        bus,
        simulated=source.simulated,
        note=source.note,
        stale_after_seconds=settings.stale_after_seconds,
    )
    InstrumentStore(db).upsert_many(demo.instruments())
    symbols = list(dict.fromkeys(settings.indices + settings.watchlist))
    market.seed(list(QuoteCache(db).get_many(symbols).values()))
    return demo, market


def _market_source(
    settings: WorkspaceSettings,
    secrets: SecretStore,
    workspace: Path,
    clock: Clock,
    demo: DemoMarketData,
) -> MarketSource:
    """Return the market data the settings choose, as linked when the workspace opens."""
    gateway = KeyringBrokerGateway(
        secrets, endpoints_of(settings), workspace / "certs", now=clock.now
    )
    return choose_market(settings, gateway, demo)


def _chain_service(
    db: Database,
    market: MarketDataService,
    settings: WorkspaceSettings,
    calendar: TradingCalendar,
    run: BlockingRunner,
) -> ChainService:
    """Return analysed chains over the stored IV history (recorded from live chains)."""
    regime = RegimeRule(
        RegimeBasis[settings.regime_basis.upper()], settings.regime_high_at, settings.regime_low_at
    )
    analytics = ChainAnalytics(
        calendar, rate=settings.risk_free_rate, history=_iv_history_reader(db), regime_rule=regime
    )
    return ChainService(market, analytics, iv_recorder(db, run))


def _alert_services(
    db: Database,
    context: CommandContext,
    provider: MarketData,
    clock: Clock,
    run: BlockingRunner,
) -> StructureAlerts:
    """Put the alert store and the alert rules on ``context``; return the live structure step."""
    context.alerts = AlertService(AlertStore(db), run)
    playbook = load_playbook_file(resources_dir() / BUNDLED_PLAYBOOK)
    context.alert_rules = AlertRuleService(AlertRuleStore(db), context.alerts, clock, run, playbook)
    structure = StructureService(provider, BarStore(db), clock, run=run)
    return StructureAlerts(
        structure, context.alert_rules, context.market, context.expected_moves, clock
    )


def _ledger_services(
    db: Database, market: MarketDataService, clock: Clock, run: BlockingRunner, rate: float
) -> tuple[TransactionImport, LedgerService]:
    """Return the import service (CSV exports) and the ledger (P&L views) of a workspace."""
    importer = TransactionImport(
        TransactionStore(db), SyncLog(db, clock=clock), read_statement, run
    )
    ledger = LedgerService(
        TransactionStore(db),
        StrategyOverrideStore(db, clock),
        BalanceSnapshotStore(db),
        BarStore(db),
        MarketMarks(market),
        clock,
        run,
        rate=rate,
        snapshots=LedgerSnapshotStore(db),
    )
    return importer, ledger


def _risk_service(
    db: Database,
    context: CommandContext,
    bars: BarStore,
    calendar: TradingCalendar,
    clock: Clock,
    run: BlockingRunner,
) -> RiskService:
    """Return the risk service over the workspace's ledger, market data and account stores."""
    assert context.ledger is not None
    stores = RiskStores(AccountStore(db), AccountRuleStore(db), AccountStatusStore(db))

    def settings() -> WorkspaceSettings:
        return context.settings

    market = RiskMarket(context.market, bars, run)
    return RiskService(
        context.ledger, market, stores, calendar, clock, settings, context.alerts, run
    )


def _apply_settings_live(context: CommandContext, planner: PlannerService) -> None:
    """Changed planner, guardrail and sizing settings take effect at once."""

    def apply(settings: WorkspaceSettings) -> None:
        context.settings = settings
        planner.rules = planner_rules(settings)
        planner.policy = guardrail_policy(settings)

    assert context.settings_service is not None
    context.settings_service.on_change(apply)


def planner_rules(settings: WorkspaceSettings) -> PlannerRules:
    """Return the planner's rule table from the workspace settings."""
    return PlannerRules(
        widths=tuple(
            WidthBand(math.inf if band.below is None else band.below, tuple(band.widths))
            for band in settings.planner_widths
        ),
        min_credit_fraction=settings.planner_min_credit,
        em_multiple=settings.planner_em_multiple,
        liquidity=LiquidityRule(
            max_spread_fraction=settings.planner_max_spread,
            min_open_interest=settings.planner_min_open_interest,
            min_volume=settings.planner_min_volume,
        ),
    )


def guardrail_policy(settings: WorkspaceSettings) -> GuardrailPolicy:
    """Return the event-risk policy from the workspace settings."""
    return GuardrailPolicy(
        macro_kinds=MACRO_KINDS | {EventKind.OTHER},  # events the trader adds count too
        block_on_earnings=settings.guardrail_block_on_earnings,
        tentative_blocks=settings.guardrail_tentative_blocks,
        quiet_sessions_before=settings.guardrail_quiet_sessions_before,
    )


def _iv_history_reader(db: Database) -> HistoryReader:
    """Read the last ~14 months of stored daily IV (enough for a 252-session window)."""
    store = IvHistoryStore(db)

    def read(underlying: str, as_of: date) -> IvHistory:
        return store.read(underlying, as_of - timedelta(days=430), as_of)

    return read


def iv_recorder(db: Database, run: BlockingRunner) -> IvRecorder:
    """Record a day's 30-day ATM IV from a live chain into the workspace's IV history."""
    store = IvHistoryStore(db)

    async def record(underlying: str, day: date, iv: float, source: str) -> None:
        rows = np.array([(np.datetime64(day, "D"), iv)], dtype=IV_HISTORY_DTYPE)
        await run(store.write, underlying, rows, source)

    return record


def _settings(store: SettingsStore) -> WorkspaceSettings:
    """Load the workspace's settings; a new workspace gets the defaults written down."""
    settings = store.load(WorkspaceSettings)
    if store.get_json("demo_seed") is None:
        store.save(settings)
    return settings
