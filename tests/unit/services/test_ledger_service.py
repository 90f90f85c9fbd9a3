# ruff: noqa: E501  (the export rows are data, kept one per line)
"""Import -> ledger -> P&L view, end to end on a real SQLite file, with exact numbers.

The history (a Tastytrade current-generation export) is small enough to
check by hand: a put credit spread closed for a profit, a short put assigned
into stock and the stock sold, an open long call, a deposit and interest.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from tests.fakes.clock import FixedClock
from workstation.adapters.csv import read_statement
from workstation.commands.ledger import run_import, run_pnl
from workstation.domain.lots import Lot
from workstation.domain.pnl import LedgerView
from workstation.domain.transactions import ImportFileError, TransactionSource
from workstation.services.ledger import LedgerService
from workstation.services.ledger_import import TransactionImport
from workstation.storage.balance_snapshots import BalanceSnapshot, BalanceSnapshotStore
from workstation.storage.bars import BarStore
from workstation.storage.database import Database, open_database
from workstation.storage.migrate import upgrade_to_head
from workstation.storage.strategy_overrides import StrategyOverrideStore
from workstation.storage.sync_log import SyncLog
from workstation.storage.transactions import TransactionStore

D = Decimal
HEADER = (
    "Date,Type,Sub Type,Action,Symbol,Instrument Type,Description,Value,Quantity,"
    "Average Price,Commissions,Fees,Multiplier,Root Symbol,Underlying Symbol,"
    "Expiration Date,Strike Price,Call or Put,Order #,Total,Currency"
)
# Newest first, as exported. Fees: $1 commission per contract to open, 0.14/contract fees.
ROWS = [
    # long call opened, still open: paid 3.00
    "2026-03-10T10:00:00-0400,Trade,Buy to Open,BUY_TO_OPEN,SPY   260417C00600000,Equity Option,"
    "Bought 1 SPY 04/17/26 Call 600.00 @ 3.00,-300.00,1,-300.00,-1.00,-0.14,100,SPY,SPY,4/17/26,600,CALL,104,"
    "-301.14,USD",
    # assigned stock sold at 182
    "2026-03-03T11:00:00-0500,Trade,Sell to Close,SELL_TO_CLOSE,AAPL,Equity,Sold 100 AAPL @ 182.00,"
    '"18,200.00",100,182.00,0.00,-0.50,1,,AAPL,,,,103,"18,199.50",USD',
    # short put assigned at 180: option removed, stock received
    "2026-02-21T00:00:00-0500,Receive Deliver,Assignment,BUY_TO_CLOSE,AAPL  260220P00180000,"
    "Equity Option,Removal of option due to assignment,0.00,1,0.00,--,0.00,100,AAPL,AAPL,2/20/26,180,"
    "PUT,,0.00,USD",
    "2026-02-21T00:00:00-0500,Receive Deliver,Buy to Open,BUY_TO_OPEN,AAPL,Equity,"
    'Bought 100 AAPL @ 180.00,"-18,000.00",100,-180.00,0.00,-5.00,1,,AAPL,,,,,"-18,005.00",USD',
    # short put sold for 2.50
    "2026-02-02T10:30:00-0500,Trade,Sell to Open,SELL_TO_OPEN,AAPL  260220P00180000,Equity Option,"
    "Sold 1 AAPL 02/20/26 Put 180.00 @ 2.50,250.00,1,250.00,-1.00,-0.14,100,AAPL,AAPL,2/20/26,180,PUT,"
    "102,248.86,USD",
    # put credit spread closed for 0.40
    "2026-01-20T15:00:00-0500,Trade,Buy to Close,BUY_TO_CLOSE,SPY   260220P00550000,Equity Option,"
    "Bought 2 SPY 02/20/26 Put 550.00 @ 0.60,-120.00,2,-60.00,0.00,-0.28,100,SPY,SPY,2/20/26,550,PUT,"
    "101,-120.28,USD",
    "2026-01-20T15:00:00-0500,Trade,Sell to Close,SELL_TO_CLOSE,SPY   260220P00545000,Equity Option,"
    "Sold 2 SPY 02/20/26 Put 545.00 @ 0.20,40.00,2,20.00,0.00,-0.28,100,SPY,SPY,2/20/26,545,PUT,"
    "101,39.72,USD",
    # put credit spread opened for 1.50 (2 lots)
    "2026-01-05T10:00:00-0500,Trade,Sell to Open,SELL_TO_OPEN,SPY   260220P00550000,Equity Option,"
    "Sold 2 SPY 02/20/26 Put 550.00 @ 2.50,500.00,2,250.00,-2.00,-0.28,100,SPY,SPY,2/20/26,550,PUT,"
    "100,497.72,USD",
    "2026-01-05T10:00:00-0500,Trade,Buy to Open,BUY_TO_OPEN,SPY   260220P00545000,Equity Option,"
    "Bought 2 SPY 02/20/26 Put 545.00 @ 1.00,-200.00,2,-100.00,-2.00,-0.28,100,SPY,SPY,2/20/26,545,PUT,"
    "100,-202.28,USD",
    "2026-01-31T20:00:00-0500,Money Movement,Credit Interest,,,,INTEREST ON CREDIT BALANCE,1.25,0,,"
    "--,0.00,,,,,,,,1.25,USD",
    '2026-01-02T09:00:00-0500,Money Movement,Deposit,,,,Wire Funds Received,"25,000.00",0,,--,0.00,'
    ',,,,,,,"25,000.00",USD',
]
NOW = datetime(2026, 3, 20, 20, 0, tzinfo=UTC)


class FixedMarks:
    """Marks from a dict; records what was asked."""

    def __init__(self, marks: dict[str, Decimal]) -> None:
        self.prices = marks

    async def marks(self, lots: Sequence[Lot]) -> dict[str, Decimal]:
        return {lot.symbol: self.prices[lot.symbol] for lot in lots if lot.symbol in self.prices}


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "w.db", None)
    upgrade_to_head(database, tmp_path / "backups")
    yield database
    database.close()


@pytest.fixture
def export(tmp_path: Path) -> Path:
    path = tmp_path / "tastytrade.csv"
    path.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    return path


def _services(db: Database) -> tuple[TransactionImport, LedgerService]:
    clock = FixedClock(NOW)
    importer = TransactionImport(TransactionStore(db), SyncLog(db, clock=clock), read_statement)
    ledger = LedgerService(
        TransactionStore(db),
        StrategyOverrideStore(db, clock),
        BalanceSnapshotStore(db),
        BarStore(db),
        FixedMarks({"SPY   260417C00600000": D("4.10")}),
        clock,
    )
    return importer, ledger


async def test_a_commit_after_the_store_changed_compares_again(db: Database, export: Path) -> None:
    importer, _ = _services(db)
    first = await importer.preview(export, None, "5WT1")
    second = await importer.preview(export, None, "5WT1")  # both compared with an empty store
    assert (len(first.new), len(second.new)) == (11, 11)
    assert (await importer.commit(first)).added == 11
    late = await importer.commit(second)  # the store changed since: compared again
    assert (late.added, late.preview.present, len(late.preview.new)) == (0, 11, 0)
    assert TransactionStore(db).count() == 11


async def test_import_is_idempotent_and_the_view_matches_hand_figures(
    db: Database, export: Path
) -> None:
    importer, ledger = _services(db)
    preview = await importer.preview(export, None, "5WT1")
    assert (preview.rows, len(preview.new), preview.present) == (11, 11, 0)
    assert (await importer.commit(preview)).added == 11
    again = await importer.preview(export, None, "5WT1")
    assert (len(again.new), again.present) == (0, 11)
    assert (await importer.commit(again)).added == 0

    view = await ledger.view()
    s = view.summary
    # Spread: +300 credit - 80 to close = +220 gross; fees 4 + 0.56 + 0.56 = 5.12... per side below.
    spread_gross = D("500") - D("200") - D("120") + D("40")
    spread_fees = D("2.28") + D("2.28") + D("0.28") + D("0.28")
    # Put: +250 premium, assigned (own result 250 gross, fees 1.14).
    put_gross, put_fees = D("250"), D("1.14")
    # Stock: bought 18,000 (fee 5.00) sold 18,200 (fee 0.50).
    stock_gross, stock_fees = D("200"), D("5.50")
    assert s.realized_gross == spread_gross + put_gross + stock_gross
    assert s.realized == s.realized_gross - spread_fees - put_fees - stock_fees
    # Open call: mark 4.10 vs 3.00 paid = +110, less its open fees 1.14.
    assert s.unrealized == D("110") - D("1.14")
    assert s.closed_trades == 2  # the spread, and the put-into-stock (one group)
    assert s.unmarked_positions == 0
    kinds = {t.kind for t in view.trades}
    assert "bull put credit spread" in kinds
    # The bridge explains the whole change in net liq since inception exactly:
    # cash + market value of the open call.
    total_cash = sum((t.net_value for t in view.transactions.values()), D(0))
    assert view.netliq is not None
    assert view.netliq.explained == total_cash + D("410")


async def test_a_bad_row_names_file_line_and_column_and_writes_nothing(
    db: Database, export: Path, tmp_path: Path
) -> None:
    importer, _ = _services(db)
    bad = tmp_path / "bad.csv"
    rows = list(ROWS)
    rows[3] = rows[3].replace('"-18,000.00"', '"-18,0x0.00"')
    bad.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    with pytest.raises(ImportFileError) as caught:
        await importer.preview(bad, None, "5WT1")
    assert caught.value.problem.line == 5
    assert caught.value.problem.column == "Value"
    assert TransactionStore(db).count() == 0


async def test_broker_snapshots_give_a_reconciliation_line(db: Database, export: Path) -> None:
    importer, ledger = _services(db)
    await importer.commit(await importer.preview(export, None, "5WT1"))
    BalanceSnapshotStore(db).put(
        [BalanceSnapshot("tastytrade", "5WT1", date(2026, 3, 20), D("25700.00"))]
    )
    view = await ledger.view()
    assert view.netliq is not None
    assert view.netliq.broker_end == D("25700.00")
    assert view.netliq.broker_start == 0  # the period starts when the account opened
    assert view.netliq.difference == D("25700.00") - view.netliq.explained


async def test_rename_and_tags_survive_reimport(db: Database, export: Path) -> None:
    importer, ledger = _services(db)
    await importer.commit(await importer.preview(export, None, "5WT1"))
    spread = next(t for t in (await ledger.view()).trades if t.underlying == "SPY" and t.matches)
    await ledger.rename(spread.id, "January spread")
    await ledger.set_tags(spread.id, ("income",))
    await importer.commit(await importer.preview(export, None, "5WT1"))
    again = next(t for t in (await ledger.view()).trades if t.id == spread.id)
    assert again.name == "January spread"
    assert again.tags == ("income",)


class _Context:
    def __init__(self, importer: TransactionImport, ledger: LedgerService) -> None:
        self.ledger_import, self.ledger = importer, ledger


async def test_commands_import_and_pnl(db: Database, export: Path) -> None:
    importer, ledger = _services(db)
    ctx = _Context(importer, ledger)
    values = {"file": str(export), "broker": None, "account": "5WT1", "preview": "yes"}
    preview = await run_import(ctx, values)  # type: ignore[arg-type]
    assert preview.data["new"] == 11
    assert TransactionStore(db).count() == 0
    done = await run_import(ctx, {**values, "preview": "no"})  # type: ignore[arg-type]
    assert done.data["added"] == 11
    result = await run_pnl(ctx, {"by": "month", "from": None, "to": None, "account": None})  # type: ignore[arg-type]
    assert [row["Period from"] for row in result.data["rows"]] == [
        "2026-01-01",
        "2026-02-01",
        "2026-03-01",
    ]
    assert result.data["realized"] == ledger_realized(result.data)


def ledger_realized(data: dict[str, object]) -> Decimal:
    """Sum the month rows' net column back (they must add up to the summary)."""
    rows = data["rows"]
    assert isinstance(rows, list)
    return sum((D(row["Net"].replace(",", "")) for row in rows), D(0))


async def test_a_periods_bridge_counts_only_the_periods_rows_and_closes(
    db: Database, export: Path
) -> None:
    importer, ledger = _services(db)
    await importer.commit(await importer.preview(export, None, "5WT1"))
    january = await ledger.view(first=date(2026, 1, 1), last=date(2026, 1, 31))
    february = await ledger.view(first=date(2026, 2, 1), last=date(2026, 2, 28))
    assert january.netliq is not None
    assert february.netliq is not None

    def line(view: LedgerView, label: str) -> Decimal:
        assert view.netliq is not None
        return next(c.amount for c in view.netliq.components if c.label == label)

    # January: the deposit, the interest, and the spread closed for 220 before fees.
    assert line(january, "Realized P&L (before fees)") == D("220")
    assert line(january, "Trading fees and commissions") == -(D("4.56") + D("0.56"))
    assert line(january, "Deposits") == D("25000")
    # February: the put sold and assigned (its own result, 250), no deposit.
    assert line(february, "Realized P&L (before fees)") == D("250")
    assert line(february, "Deposits") == 0
    assert february.netliq.first == date(2026, 2, 1)


async def test_a_commit_compares_again_after_a_delete_and_insert_that_kept_count_and_top_id(
    db: Database, export: Path
) -> None:
    importer, _ = _services(db)
    store = TransactionStore(db)
    stray = await importer.preview(export, None, "5WT9")  # the same file for another account
    store.add(stray.statement.rows[:1])  # id 1: the only stored row
    preview = await importer.preview(export, None, "5WT1")
    assert len(preview.new) == 11
    # A correction removes the stray row and a sync writes one of the file's fills
    # under the broker's own id: SQLite hands id 1 out again, so the count (1)
    # and the largest id (1) are what the preview saw.
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM transactions")
    synced = replace(preview.statement.rows[3], key="tt-api-991", source=TransactionSource.API)
    store.add([synced])
    late = await importer.commit(preview)
    assert (late.added, late.preview.present) == (10, 1)  # the synced fill is not counted twice
    assert store.count("5WT1") == 11
