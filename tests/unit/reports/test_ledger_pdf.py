"""The PDF P&L statement: a valid file, the key figures in its text, empty and large ledgers."""

from __future__ import annotations

import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium  # type: ignore[import-untyped, unused-ignore]
import pytest
from reportlab.graphics.shapes import PolyLine, String  # type: ignore[import-untyped, unused-ignore]
from reportlab.pdfbase.pdfmetrics import stringWidth  # type: ignore[import-untyped, unused-ignore]

from tests.fixtures.ledger_view import changed, sample_view
from workstation.domain.pnl import (
    EquityPoint,
    GroupPnl,
    LedgerView,
    PeriodPnl,
    PnlPeriod,
    PnlSummary,
    TradeRow,
    TradeStatus,
)
from workstation.reports.ledger import FOOTER, pdf_page, write_pnl_statement
from workstation.reports.ledger.pdf_charts import (
    date_ticks,
    equity_curve_chart,
    money_text,
    months_between,
)

D = Decimal
ZERO = D(0)


def _pages_text(path: Path) -> list[str]:
    document = pdfium.PdfDocument(path)
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


def _normalised(text: str) -> str:
    # pdfium reports line breaks as CRLF and may use U+FFFE for soft hyphens.
    return " ".join(text.replace("\r\n", " ").split())


# ---------------------------------------------------------------- sample ledger


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    path = tmp_path_factory.mktemp("pdf") / "statement.pdf"
    pages = write_pnl_statement(sample_view(), path)
    return path, pages


def test_the_sample_statement_is_a_valid_multi_page_pdf(sample_pdf: tuple[Path, int]) -> None:
    path, pages = sample_pdf
    document = pdfium.PdfDocument(path)
    assert len(document) == pages > 1
    width, height = document[0].get_size()
    assert (round(width), round(height)) == (612, 792)  # US Letter
    document.close()


def test_page_one_states_header_and_key_figures(sample_pdf: tuple[Path, int]) -> None:
    first = _normalised(_pages_text(sample_pdf[0])[0])
    for text in (
        "P&L statement",
        "5WT00001",
        "Jan 2 – Nov 20, 2026",
        "Nov 20, 2026, 4:00 PM ET",
        "Option separate",
        "$85.34",  # realized net
        "$106.12",  # realized gross
        "$25.62",  # fees paid
        "$52.00",  # unrealized
        "$137.34",  # total
        "66.7%",  # win rate, 4 of 6
        "1.06",  # profit factor 1627.04 / 1541.70
        "$860.00",  # largest win
        "-$1,210.50",  # largest loss
        "$406.76",
        "-$770.85",
        "+$85.34",  # equity curve end label
        "Mar 2026",  # calendar month
        "-$1,211",  # September's total in the calendar
    ):
        assert text in first, text


def test_later_pages_carry_the_tables_bridge_and_trade_list(sample_pdf: tuple[Path, int]) -> None:
    pages = [_normalised(text) for text in _pages_text(sample_pdf[0])]
    rest = " ".join(pages[1:])
    for text in (
        "P&L by underlying",
        "SPX 1 0 1 0% -1,210.50 0.00 8.50 -1,210.50",
        "Total 8 4 2 67% 85.34 52.00 25.62 137.34",
        "iron condor 2 0 2 0% -1,541.70 0.00 13.70 -1,541.70",
        "Fees by month",
        "September 2026 1 -1,202.00 8.50 -1,210.50",
        "Total 6 106.12 20.78 85.34",
        "Explained change 7,762.76",
        "Broker change 7,735.16",
        "Difference not explained by the ledger (reason not known) -27.60",
        "Nov 2, 2026 SPY SPY 700/705 bear call credit spread 12/18 117.40",
        "Feb 18, 2026 Mar 6, 2026 16 SPY SPY 560/555 bull put credit spread 3/20 (rolled 1×)",
        "6 closed trades 106.12 20.78 85.34",
    ):
        assert text in rest, text
    for number, page in enumerate(pages, start=1):
        assert FOOTER in page
        assert f"Page {number} of {len(pages)}" in page


def test_every_page_renders_with_ink_and_page_one_has_coloured_charts(
    sample_pdf: tuple[Path, int], tmp_path: Path
) -> None:
    document = pdfium.PdfDocument(sample_pdf[0])
    for number, page in enumerate(document, start=1):
        image = page.render(scale=110 / 72).to_pil().convert("RGB")
        image.save(tmp_path / f"pnl_statement_p{number}.png")
        pixels = np.asarray(image, dtype=np.int16)
        assert pixels.shape == (1210, 935, 3)
        inked = int((pixels.sum(axis=2) < 600).sum())
        assert inked > 5_000, f"page {number} looks blank"
        if number == 1:
            assert _has_colour(pixels, (0x1B, 0x7F, 0x3B))  # a winning day
            assert _has_colour(pixels, (0xC0, 0x39, 0x2B))  # a losing day
    document.close()


def _has_colour(pixels: np.ndarray, target: tuple[int, int, int]) -> bool:
    close = (np.abs(pixels - np.array(target, dtype=np.int16)) <= 6).all(axis=2)
    return int(close.sum()) > 20


def test_period_label_and_title_can_be_given(tmp_path: Path) -> None:
    path = tmp_path / "q3.pdf"
    write_pnl_statement(sample_view(), path, title="Q3 review", period_label="Q3 2026")
    first = _normalised(_pages_text(path)[0])
    assert "Q3 review" in first
    assert "Q3 2026" in first
    document = pdfium.PdfDocument(path)
    assert document.get_metadata_dict()["Title"] == "Q3 review"
    document.close()


def test_a_long_rolled_name_is_cut_but_keeps_its_roll_count(tmp_path: Path) -> None:
    view = sample_view()
    long_name = "SPY 560/555 bull put credit spread 3/20 " + "adjusted " * 12
    trade = changed(view.trades[0], name=long_name, rolls=3)
    path = tmp_path / "rolled.pdf"
    write_pnl_statement(changed(view, trades=(trade, *view.trades[1:])), path)
    text = _normalised(" ".join(_pages_text(path)))
    assert "16 SPY SPY 560/555 bull put credit spread 3/20" in text
    assert "… (rolled 3×) 215.00 2.60 212.40" in text
    assert "adjusted adjusted" not in text


def test_a_one_day_period_scales_the_calendar_to_that_day(tmp_path: Path) -> None:
    view = sample_view()
    march_6 = date(2026, 3, 6)
    one_day = changed(view, first=march_6, last=march_6, equity_curve=view.equity_curve[:1])
    path = tmp_path / "day.pdf"
    write_pnl_statement(one_day, path)
    first = _normalised(_pages_text(path)[0])
    assert "PERIOD Mar 6, 2026" in first or "Mar 6, 2026" in first
    assert "Darkest = largest day ($212)" in first  # not September's -$1,211 outside the day
    assert "+$212.40" in first


# ---------------------------------------------------------------- empty and large ledgers


def _empty_view() -> LedgerView:
    summary = PnlSummary(
        realized=ZERO, realized_gross=ZERO, unrealized=ZERO, fees=ZERO, ytd_realized=ZERO,
        closed_trades=0, winners=0, losers=0, largest_win=ZERO, largest_loss=ZERO,
        average_win=ZERO, average_loss=ZERO, unmarked_positions=0, convention="option_separate",
    )  # fmt: skip
    return LedgerView(
        as_of=datetime(2026, 11, 20, 21, tzinfo=UTC), first=date(2026, 1, 1),
        last=date(2026, 3, 31), accounts=("5WT00001",), summary=summary, periods={},
        by_underlying=(), by_strategy=(), by_delta=(), trades=(), open_lots=(),
        equity_curve=(), netliq=None,
    )  # fmt: skip


def test_an_empty_ledger_gives_one_page_saying_there_is_nothing(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    assert write_pnl_statement(_empty_view(), path) == 1
    (text,) = [_normalised(page) for page in _pages_text(path)]
    assert "Nothing to report" in text
    assert "Jan 1 – Mar 31, 2026" in text
    assert "Closed trades" not in text
    assert "Page 1 of 1" in text


def test_an_empty_ledger_without_dates_still_writes(tmp_path: Path) -> None:
    view = changed(_empty_view(), first=None, last=None, accounts=())
    path = tmp_path / "empty.pdf"
    assert write_pnl_statement(view, path) == 1
    assert "All history" in _normalised(_pages_text(path)[0])


def _large_view(count: int) -> LedgerView:
    """Return ``count`` closed trades spread over two years, with consistent groups and periods."""
    start = date(2025, 1, 2)
    trades = [_large_trade(n, start + timedelta(days=n * 728 // count)) for n in range(count)]
    days: dict[date, list[TradeRow]] = defaultdict(list)
    for trade in trades:
        assert trade.closed_at is not None
        days[trade.closed_at.date()].append(trade)
    daily = [_period(day, rows) for day, rows in sorted(days.items())]
    months: dict[date, list[TradeRow]] = defaultdict(list)
    for day, rows in days.items():
        months[day.replace(day=1)] += rows
    curve, running = [], ZERO
    for period in daily:
        running += period.net
        curve.append(EquityPoint(period.start, running))
    wins = [t.realized for t in trades if t.realized > 0]
    losses = [t.realized for t in trades if t.realized < 0]
    realized = sum((t.realized for t in trades), ZERO)
    fees = sum((t.fees for t in trades), ZERO)
    summary = PnlSummary(
        realized=realized, realized_gross=realized + fees, unrealized=ZERO, fees=fees,
        ytd_realized=realized, closed_trades=count, winners=len(wins), losers=len(losses),
        largest_win=max(wins), largest_loss=min(losses), average_win=sum(wins, ZERO) / len(wins),
        average_loss=sum(losses, ZERO) / len(losses), unmarked_positions=0,
        convention="option_separate",
    )  # fmt: skip
    return LedgerView(
        as_of=datetime(2027, 1, 4, 21, tzinfo=UTC), first=start, last=date(2026, 12, 31),
        accounts=("5WT00001", "5WT00002"), summary=summary,
        periods={PnlPeriod.DAY: tuple(daily),
                 PnlPeriod.MONTH: tuple(_period(m, r) for m, r in sorted(months.items()))},
        by_underlying=_groups(trades, "underlying"), by_strategy=_groups(trades, "kind"),
        by_delta=(), trades=tuple(trades), open_lots=(), equity_curve=tuple(curve), netliq=None,
    )  # fmt: skip


_UNDERLYINGS = ("SPY", "QQQ", "IWM", "AAPL", "MSFT", "NVDA", "TSLA", "AMZN", "META", "SPX")
_KINDS = ("short put", "iron condor", "bull put credit spread", "short strangle", "long call")


def _large_trade(n: int, closed: date) -> TradeRow:
    underlying, kind = _UNDERLYINGS[n % 10], _KINDS[n % 5]
    realized = D((n * 7919) % 1000 - 430) + D("0.35")
    opened = datetime(closed.year, closed.month, closed.day, 15, tzinfo=UTC) - timedelta(n % 40)
    return TradeRow(
        id=f"t{n}", account="5WT00001", underlying=underlying,
        name=f"{underlying} {500 + n % 90} {kind} {closed:%m/%d}", kind=kind,
        opened_at=opened, closed_at=datetime(closed.year, closed.month, closed.day, 15, tzinfo=UTC),
        status=TradeStatus.CLOSED, realized=realized, unrealized=ZERO, fees=D("1.30"),
        cash_flow=realized, entry_delta=None, roll_chain=None, rolls=0,
        chain_cash_flow=realized, chain_realized=realized, tags=(), legs=(), lots=(),
        matches=(), transaction_keys=(),
    )  # fmt: skip


def _period(start: date, rows: list[TradeRow]) -> PeriodPnl:
    net = sum((t.realized for t in rows), ZERO)
    fees = sum((t.fees for t in rows), ZERO)
    return PeriodPnl(start, net, net + fees, fees, len(rows))


def _groups(trades: list[TradeRow], field: str) -> tuple[GroupPnl, ...]:
    by: dict[str, list[TradeRow]] = defaultdict(list)
    for trade in trades:
        by[getattr(trade, field)].append(trade)
    return tuple(
        GroupPnl(label, sum((t.realized for t in rows), ZERO), ZERO,
                 sum((t.fees for t in rows), ZERO), len(rows),
                 sum(1 for t in rows if t.realized > 0), sum(1 for t in rows if t.realized < 0))
        for label, rows in sorted(by.items())
    )  # fmt: skip


def test_two_thousand_closed_trades_render_in_seconds_with_repeating_headers(
    tmp_path: Path,
) -> None:
    view = _large_view(2000)
    path = tmp_path / "large.pdf"
    started = time.perf_counter()
    pages = write_pnl_statement(view, path)
    elapsed = time.perf_counter() - started
    assert elapsed < 10, f"{elapsed:.1f} s"
    texts = [_normalised(text) for text in _pages_text(path)]
    assert len(texts) == pages > 30
    for page in texts[-25:]:
        assert "Opened Closed Days Underlying Strategy Gross Fees Net" in page
    total = view.summary.realized
    assert (
        f"2,000 closed trades {view.summary.realized_gross:,.2f} 2,600.00 {total:,.2f}"
        in (texts[-1])
    )
    assert "Jan 2026" in texts[0] or "Jan 2026" in texts[1]  # calendar runs across two years


# ---------------------------------------------------------------- atomic write


def test_a_failure_while_building_leaves_the_old_file_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "statement.pdf"
    path.write_bytes(b"previous statement")

    def broken_footer(canvas: object, pages: int) -> None:
        raise RuntimeError("printer on fire")

    monkeypatch.setattr(pdf_page, "draw_footer", broken_footer)
    with pytest.raises(RuntimeError, match="printer on fire"):
        write_pnl_statement(sample_view(), path)
    assert path.read_bytes() == b"previous statement"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["statement.pdf"]


# ---------------------------------------------------------------- chart helpers


def test_money_text_rounds_half_up_and_signs() -> None:
    assert money_text(D("1234.565")) == "$1,234.57"
    assert money_text(D("-0.004")) == "$0.00"
    assert money_text(D("-1210.5")) == "-$1,210.50"
    assert money_text(D("12.5"), sign=True) == "+$12.50"
    assert money_text(D("1210.5"), cents=False) == "$1,211"


def test_date_ticks_are_weekly_for_a_month_and_monthly_for_a_year() -> None:
    weekly = date_ticks(date(2026, 3, 2), date(2026, 3, 27))
    assert [label for _, label in weekly] == ["Mar 2", "Mar 9", "Mar 16", "Mar 23"]
    monthly = date_ticks(date(2025, 11, 3), date(2026, 3, 20))
    assert [label for _, label in monthly] == ["Dec '25", "Jan '26", "Feb", "Mar"]
    quarterly = date_ticks(date(2024, 1, 2), date(2026, 6, 30))
    assert [label for _, label in quarterly][:3] == ["Apr '24", "Jul", "Oct"]


def test_months_between_is_inclusive() -> None:
    months = months_between(date(2025, 11, 15), date(2026, 2, 1))
    assert months == [date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]


def test_the_equity_curve_value_sits_right_of_the_line_and_inside_the_drawing() -> None:
    # The curve peaks just before the end and falls: a label above the end would sit on it.
    days = [date(2026, 1, 5) + timedelta(days=n) for n in range(60)]
    curve = [EquityPoint(day, D(200 * n if n < 58 else 7_000)) for n, day in enumerate(days)]
    drawing = equity_curve_chart(curve, days[0], days[-1], 480.0)
    (line,) = [item for item in drawing.contents if isinstance(item, PolyLine)]
    (label,) = [
        item
        for item in drawing.contents
        if isinstance(item, String) and item.text == money_text(D(7_000), sign=True)
    ]
    right_of_line = max(line.points[0::2])
    assert label.x > right_of_line
    width = stringWidth(label.text, label.fontName, label.fontSize)
    assert label.x + width <= drawing.width
    assert abs(label.y + label.fontSize * 0.35 - line.points[-1]) < 0.01  # level with the end
