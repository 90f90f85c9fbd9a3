"""/import and /pnl: bring broker exports into the ledger, and ask how you are doing.

``/import FILE [--broker tastytrade|schwab] [--account ID] [--preview yes]``
reads and validates the whole file first; a bad row stops it with the file,
line and column, and nothing is written. ``/pnl [--by ...] [--from D] [--to D]
[--account ID]`` shows realized (net of fees), unrealized and their total,
grouped as asked.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from workstation.commands.context import CommandContext
from workstation.commands.grammar import Arg, ArgKind, CommandError, CommandSpec
from workstation.commands.result import CommandResult, Table
from workstation.domain.pnl import GroupPnl, LedgerView, PeriodPnl, PnlPeriod
from workstation.domain.transactions import ImportFileError

if TYPE_CHECKING:
    from workstation.services.ledger import LedgerService
    from workstation.services.ledger_import import ImportPreview, TransactionImport

BROKERS = ("tastytrade", "schwab")
GROUPINGS = ("underlying", "strategy", "delta", "day", "week", "month", "year")


def _importer(ctx: CommandContext) -> TransactionImport:
    if ctx.ledger_import is None:
        raise CommandError("/import: importing is not available in this workspace")
    return ctx.ledger_import


def _ledger(ctx: CommandContext) -> LedgerService:
    if ctx.ledger is None:
        raise CommandError("/pnl: the ledger is not available in this workspace")
    return ctx.ledger


def _preview_data(preview: ImportPreview) -> dict[str, Any]:
    span = preview.date_range
    return {
        "file": preview.statement.path,
        "broker": preview.statement.broker,
        "format": preview.statement.format,
        "rows": preview.rows,
        "first": span[0] if span else None,
        "last": span[1] if span else None,
        "accounts": list(preview.accounts),
        "new": len(preview.new),
        "present": preview.present,
    }


async def run_import(ctx: CommandContext, values: dict[str, Any]) -> CommandResult:
    """Import a broker CSV export (or only preview it)."""
    path = Path(values["file"]).expanduser()
    if not path.is_file():
        raise CommandError(f"/import: {path} is not a file")
    importer = _importer(ctx)
    try:
        preview = await importer.preview(path, values["broker"], values["account"])
        if values["preview"] == "yes":
            lines = (preview.describe(),)
            return CommandResult("Import preview", lines, None, _preview_data(preview))
        outcome = await importer.commit(preview)
    except ImportFileError as exc:
        raise CommandError(f"/import: {exc}. Nothing was imported.") from None
    data = {**_preview_data(outcome.preview), "added": outcome.added}
    title = f"Imported {outcome.added:,} new transactions"
    return CommandResult(title, (outcome.preview.describe(),), None, data)


def money(amount: Any) -> str:
    """Return dollars as ``-1,234.56``."""
    return f"{amount:,.2f}"


def _group_rows(groups: tuple[GroupPnl, ...]) -> tuple[tuple[str, ...], ...]:
    return tuple(
        (
            g.label,
            str(g.trades),
            "-" if g.win_rate is None else f"{g.win_rate:.0%}",
            money(g.realized),
            money(g.unrealized),
            money(g.total),
            money(g.fees),
        )
        for g in sorted(groups, key=lambda g: g.total, reverse=True)
    )


def _period_rows(periods: tuple[PeriodPnl, ...]) -> tuple[tuple[str, ...], ...]:
    return tuple(
        (p.start.isoformat(), str(p.closes), money(p.gross), money(p.fees), money(p.net))
        for p in periods
    )


def _table(view: LedgerView, by: str) -> Table:
    if by in {"day", "week", "month", "year"}:
        period_headers = ("Period from", "Closes", "Gross", "Fees", "Net")
        return Table(period_headers, _period_rows(view.periods[PnlPeriod(by)]))
    groups = {
        "underlying": view.by_underlying,
        "strategy": view.by_strategy,
        "delta": view.by_delta,
    }[by]
    headers = (by.capitalize(), "Trades", "Win rate", "Realized", "Unrealized", "Total", "Fees")
    return Table(headers, _group_rows(groups))


def _pnl_data(view: LedgerView, by: str, table: Table) -> dict[str, Any]:
    s = view.summary
    return {
        "from": view.first,
        "to": view.last,
        "accounts": list(view.accounts),
        "convention": s.convention,
        "realized": s.realized,
        "realized_gross": s.realized_gross,
        "unrealized": s.unrealized,
        "total": s.total,
        "fees": s.fees,
        "closed_trades": s.closed_trades,
        "win_rate": s.win_rate,
        "by": by,
        "rows": [dict(zip(table.headers, row, strict=True)) for row in table.rows],
        "problems": list(view.problems),
    }


async def run_pnl(ctx: CommandContext, values: dict[str, Any]) -> CommandResult:
    """Show realized, unrealized and total P&L, grouped as asked."""
    first, last = values["from"], values["to"]
    if first and last and first > last:
        raise CommandError(f"/pnl: --from {first} is after --to {last}")
    view = await _ledger(ctx).view(account=values["account"], first=first, last=last)
    s = view.summary
    span = f"{view.first} to {view.last}" if view.first and view.last else "no transactions"
    win = "-" if s.win_rate is None else f"{s.win_rate:.0%}"
    lines = (
        f"{', '.join(view.accounts) or 'no accounts'}; {span}",
        f"Realized {money(s.realized)} net ({money(s.realized_gross)} gross, fees "
        f"{money(s.fees)}); unrealized {money(s.unrealized)}; total {money(s.total)}",
        f"{s.closed_trades} closed trades, win rate {win}; realized uses: {s.convention}",
        *(f"note: {problem}" for problem in view.problems[:5]),
    )
    if s.unmarked_positions:
        lines += (f"note: {s.unmarked_positions} open positions have no mark (not valued)",)
    table = _table(view, values["by"])
    return CommandResult("P&L", lines, table, _pnl_data(view, values["by"], table))


SPECS = (
    CommandSpec(
        "import",
        "Import a broker CSV export (Tastytrade or Schwab) into the ledger",
        run_import,
        args=(Arg("file", ArgKind.TEXT, "the exported CSV file"),),
        options=(
            Arg("broker", ArgKind.CHOICE, "which broker (detected when left out)",
                required=False, choices=BROKERS),
            Arg("account", ArgKind.TEXT, "account number (exports without one need it)",
                required=False),
            Arg("preview", ArgKind.CHOICE, "only show what would be imported",
                required=False, default="no", choices=("yes", "no")),
        ),
        examples=("/import ~/Downloads/tastytrade_transactions.csv --account 5WT00001",),
    ),
    CommandSpec(
        "pnl",
        "Realized and unrealized P&L, by underlying, strategy, delta or period",
        run_pnl,
        options=(
            Arg("by", ArgKind.CHOICE, "how to group", required=False, default="underlying",
                choices=GROUPINGS),
            Arg("from", ArgKind.DATE, "first day (YYYY-MM-DD)", required=False),
            Arg("to", ArgKind.DATE, "last day (YYYY-MM-DD)", required=False),
            Arg("account", ArgKind.TEXT, "one account only", required=False),
        ),
        examples=("/pnl", "/pnl --by month --from 2026-01-01", "/pnl --by strategy"),
    ),
)  # fmt: skip
