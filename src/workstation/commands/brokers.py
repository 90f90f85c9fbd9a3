"""/link, /authorize, /unlink, /sync, /accounts: linked broker accounts on the palette and CLI.

::

    /link tastytrade [--client-secret S --refresh-token T]   personal grant (or env vars)
    /link tastytrade --client-id ID --client-secret S         browser login (auth-code flow)
    /link schwab [--app-key K --app-secret S] [--redirect URL] browser login
    /authorize schwab [--redirect URL]                         log in again (7-day login)
    /unlink tastytrade|schwab                                  forget credentials and tokens
    /sync [--broker B] [--account N] [--scope all|balances|transactions]
    /accounts                                                  every link and where it stands

Credentials may come from the environment instead of flags, so nothing
secret lands in shell history: ``VOLARIS_TASTYTRADE_CLIENT_SECRET``,
``VOLARIS_TASTYTRADE_REFRESH_TOKEN``, ``VOLARIS_TASTYTRADE_CLIENT_ID``,
``VOLARIS_SCHWAB_APP_KEY``, ``VOLARIS_SCHWAB_APP_SECRET``. They go to the OS
keyring only; no result ever shows them.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import TYPE_CHECKING, Any

from workstation.commands.context import CommandContext
from workstation.commands.grammar import Arg, ArgKind, CommandError, CommandSpec
from workstation.commands.result import CommandResult, Table

if TYPE_CHECKING:
    from workstation.domain.brokers import BrokerAccount, Reconciliation
    from workstation.services.sync import LinkService, LinkStatus, SyncReport, SyncService

BROKERS = ("tastytrade", "schwab")
SCOPES = ("all", "balances", "transactions")
ENV_PREFIX = "VOLARIS"
FIELDS = {
    "tastytrade": ("client_id", "client_secret", "refresh_token"),
    "schwab": ("app_key", "app_secret", "callback_url"),
}


def _links(ctx: CommandContext) -> LinkService:
    if ctx.links is None:
        raise CommandError("broker links are not available in this workspace")
    return ctx.links


def _syncs(ctx: CommandContext) -> SyncService:
    if ctx.sync is None:
        raise CommandError("broker sync is not available in this workspace")
    return ctx.sync


def credentials_from(broker: str, values: dict[str, Any]) -> dict[str, str]:
    """Return the credential fields given as options, else from the environment."""
    found = {}
    for field in FIELDS[broker]:
        value = values.get(field.replace("_", "-")) or values.get(field)
        value = value or os.environ.get(f"{ENV_PREFIX}_{broker}_{field}".upper())
        if value:
            found[field] = str(value).strip()
    return found


async def run_link(ctx: CommandContext, values: dict[str, Any]) -> CommandResult:
    """Link a broker: a personal grant directly, otherwise through a browser login."""
    from workstation.ports.broker import BrokerError

    broker: str = values["broker"]
    fields = credentials_from(broker, values)
    service = _links(ctx)
    try:
        if broker == "tastytrade" and "refresh_token" in fields:
            _require(broker, fields, ("client_secret", "refresh_token"))
            accounts = await service.link(broker, fields)
            return _linked(broker, accounts)
        needed = (
            ("client_id", "client_secret") if broker == "tastytrade" else ("app_key", "app_secret")
        )
        _require(broker, fields, needed)
        return await _browser_login(ctx, service, broker, fields, values.get("redirect"))
    except BrokerError as exc:
        raise CommandError(f"/link {broker}: {exc}") from None


async def run_authorize(ctx: CommandContext, values: dict[str, Any]) -> CommandResult:
    """Log in to a linked broker again in the browser (with the stored app credentials)."""
    from workstation.ports.broker import BrokerError

    broker: str = values["broker"]
    try:
        return await _browser_login(
            ctx, _links(ctx), broker, credentials_from(broker, values), values.get("redirect")
        )
    except BrokerError as exc:
        raise CommandError(f"/authorize {broker}: {exc}") from None


async def _browser_login(
    ctx: CommandContext,
    service: LinkService,
    broker: str,
    fields: dict[str, str],
    redirect: str | None,
) -> CommandResult:
    attempt = await service.begin_authorization(broker, fields)
    if redirect is None and ctx.open_url is not None:
        ctx.open_url(attempt.url)
    accounts = await service.finish_authorization(broker, redirect)
    return _linked(broker, accounts, f"logged in through {attempt.callback}")


def _require(broker: str, fields: dict[str, str], needed: tuple[str, ...]) -> None:
    missing = [name for name in needed if name not in fields]
    if missing:
        flags = ", ".join("--" + name.replace("_", "-") for name in missing)
        env = ", ".join(f"{ENV_PREFIX}_{broker}_{name}".upper() for name in missing)
        raise CommandError(f"/link {broker}: give {flags} (or set {env})")


def _linked(broker: str, accounts: list[BrokerAccount], how: str = "") -> CommandResult:
    rows = tuple((a.number, a.kind.value, a.nickname or "-") for a in accounts)
    lines: tuple[str, ...] = (how,) if how else ()
    lines += ("Run /sync to fetch positions, balances and transactions.",)
    return CommandResult(
        f"{broker.title()} linked: {len(accounts)} account(s)",
        lines,
        Table(("Account", "Type", "Nickname"), rows),
        {"broker": broker, "accounts": [a.number for a in accounts]},
    )


async def run_unlink(ctx: CommandContext, values: dict[str, Any]) -> CommandResult:
    """Forget a broker's credentials and tokens (its transactions stay in the ledger)."""
    broker: str = values["broker"]
    await _links(ctx).unlink(broker)
    return CommandResult(
        f"{broker.title()} unlinked",
        ("Credentials and tokens removed from the keyring; the ledger keeps its transactions.",),
        data={"broker": broker, "linked": False},
    )


async def run_sync(ctx: CommandContext, values: dict[str, Any]) -> CommandResult:
    """Sync linked brokers now and list what changed and what differs from the broker."""
    from workstation.ports.broker import BrokerError
    from workstation.services.sync import SyncScope

    scope = SyncScope(values.get("scope") or "all")
    try:
        reports = await _syncs(ctx).sync(scope, values.get("broker"), values.get("account"))
    except BrokerError as exc:
        raise CommandError(f"/sync: {exc}") from None
    if not reports:
        raise CommandError("/sync: no broker is linked (use /link tastytrade or /link schwab)")
    return _sync_result(reports)


def _sync_result(reports: list[SyncReport]) -> CommandResult:
    rows, lines = [], []
    for report in reports:
        if not report.ok:
            lines.append(f"{report.broker}: FAILED: {report.error}")
            continue
        for account in report.accounts:
            rows.append(
                (report.broker, account.account, str(account.added), str(account.adopted),
                 str(account.positions), f"{report.seconds:.1f}")
            )  # fmt: skip
            if account.untracked:
                lines.append(
                    f"{account.account}: {account.untracked} cryptocurrency transactions left "
                    "out (the ledger does not track crypto; their cash shows as a difference)"
                )
            lines.extend(_differences(account.reconciliation))
    failed = sum(not r.ok for r in reports)
    title = f"Synced {len(reports) - failed} of {len(reports)} broker(s)"
    table = Table(
        ("Broker", "Account", "New rows", "From CSV", "Positions", "Seconds"), tuple(rows)
    )
    data = {"reports": [_report_data(r) for r in reports]}
    return CommandResult(title, tuple(lines), table, data)


def _differences(check: Reconciliation | None) -> list[str]:
    if check is None:
        return []
    if check.agrees:
        return [f"{check.broker} {check.account}: ledger matches the broker"]
    lines = [
        f"{check.broker} {check.account} {d.symbol}: ledger {d.ledger_quantity}, "
        f"broker {d.broker_quantity} — {d.reason}"
        for d in check.positions
    ]
    cash = check.cash_difference
    if cash is not None and abs(cash) >= 0.01:
        lines.append(
            f"{check.broker} {check.account} cash: ledger {check.ledger_cash:,.2f}, broker "
            f"{check.broker_cash or 0:,.2f} (history before the first synced day is not in the "
            "ledger)"
        )
    return lines


def _report_data(report: SyncReport) -> dict[str, Any]:
    return {
        "broker": report.broker,
        "scope": report.scope.value,
        "ok": report.ok,
        "error": report.error,
        "needs_relogin": report.needs_relogin,
        "seconds": round(report.seconds, 3),
        "accounts": [
            {
                "account": a.account,
                "added": a.added,
                "adopted": a.adopted,
                "untracked": a.untracked,
                "pages": a.pages,
                "positions": a.positions,
                "orders": a.orders,
                "differences": [] if a.reconciliation is None else [
                    {"symbol": d.symbol, "ledger": d.ledger_quantity, "broker": d.broker_quantity,
                     "reason": d.reason} for d in a.reconciliation.positions
                ],
            }
            for a in report.accounts
        ],
    }  # fmt: skip


async def run_accounts(ctx: CommandContext, values: dict[str, Any]) -> CommandResult:
    """List every broker link: state, accounts, last sync and the login countdown."""
    statuses = await _links(ctx).statuses()
    now = ctx.clock.now()
    rows = tuple(_status_row(s, now) for s in statuses)
    lines = tuple(w for s in statuses for w in s.warnings)
    table = Table(("Broker", "State", "Accounts", "Last synced", "Login expires", "Detail"), rows)
    data = {
        "links": [
            {"broker": s.broker, "state": s.state.value, "accounts": list(s.accounts),
             "last_synced_at": s.last_synced_at, "login_expires_at": s.refresh_expires_at,
             "detail": s.detail}
            for s in statuses
        ]
    }  # fmt: skip
    return CommandResult("Broker links", lines, table, data)


def _status_row(status: LinkStatus, now: datetime) -> tuple[str, ...]:
    synced = "-" if status.last_synced_at is None else f"{status.last_synced_at:%Y-%m-%d %H:%M}"
    left = status.relogin_in(now)
    expires = "-" if left is None else countdown(left)
    return (
        status.broker, status.state.value.replace("_", " "), ", ".join(status.accounts) or "-",
        synced, expires, status.detail or "-",
    )  # fmt: skip


def countdown(seconds: float) -> str:
    """Return ``6d 4h`` / ``3h 12m`` / ``expired`` for a number of seconds left."""
    if seconds <= 0:
        return "expired"
    minutes = int(seconds // 60)
    days, hours, mins = minutes // 1440, minutes % 1440 // 60, minutes % 60
    return f"{days}d {hours}h" if days else f"{hours}h {mins}m"


_BROKER = Arg("broker", ArgKind.CHOICE, "tastytrade or schwab", choices=BROKERS)
_REDIRECT = Arg("redirect", ArgKind.TEXT, "the redirected URL pasted from the browser",
                required=False)  # fmt: skip
SPECS = (
    CommandSpec(
        "link",
        "Link a Tastytrade or Schwab account (credentials go to the OS keyring only)",
        run_link,
        args=(_BROKER,),
        options=(
            Arg("client-id", ArgKind.TEXT, "Tastytrade OAuth client id", required=False),
            Arg("client-secret", ArgKind.TEXT, "Tastytrade OAuth client secret", required=False),
            Arg("refresh-token", ArgKind.TEXT, "Tastytrade personal grant", required=False),
            Arg("app-key", ArgKind.TEXT, "Schwab app key", required=False),
            Arg("app-secret", ArgKind.TEXT, "Schwab app secret", required=False),
            _REDIRECT,
        ),
        examples=("/link tastytrade", "/link schwab"),
    ),
    CommandSpec(
        "authorize",
        "Log in to a linked broker again in the browser (Schwab logins last 7 days)",
        run_authorize,
        args=(_BROKER,),
        options=(_REDIRECT,),
        examples=("/authorize schwab",),
    ),
    CommandSpec(
        "unlink", "Forget a broker's credentials and tokens", run_unlink, args=(_BROKER,),
        examples=("/unlink schwab",),
    ),
    CommandSpec(
        "sync",
        "Sync linked broker accounts now: transactions, positions, balances; then reconcile",
        run_sync,
        options=(
            Arg("broker", ArgKind.CHOICE, "one broker", required=False, choices=BROKERS),
            Arg("account", ArgKind.TEXT, "one account number", required=False),
            Arg("scope", ArgKind.CHOICE, "what to fetch", required=False, default="all",
                choices=SCOPES),
        ),
        examples=("/sync", "/sync --broker schwab", "/sync --scope balances"),
    ),
    CommandSpec(
        "accounts", "Broker links: state, accounts, last sync, login countdown", run_accounts,
        examples=("/accounts",),
    ),
)  # fmt: skip
