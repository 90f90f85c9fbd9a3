"""The P&L statement: a printable PDF of one ledger snapshot for a period.

Page 1 carries the header (accounts, period, as-of, P&L convention), the key
figures, the equity curve and the realized-P&L calendar. Then come P&L by
underlying and by strategy, fees by month, the net-liquidity bridge, open
trades and every closed trade. All money is the ledger's Decimal dollars,
rounded half-up to cents only when printed; "net" is after fees.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from reportlab.lib import colors  # type: ignore[import-untyped, unused-ignore]
from reportlab.lib.enums import TA_RIGHT  # type: ignore[import-untyped, unused-ignore]
from reportlab.lib.pagesizes import LETTER  # type: ignore[import-untyped, unused-ignore]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped, unused-ignore]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped, unused-ignore]
from reportlab.platypus import (  # type: ignore[import-untyped, unused-ignore]
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from workstation.domain.event_calendar import EASTERN
from workstation.domain.pnl import GroupPnl, LedgerView, NetLiqBridge, PnlPeriod, TradeStatus
from workstation.reports.ledger.csv_export import atomic_path, closed_trades
from workstation.reports.ledger.pdf_charts import (
    BOLD,
    FONT,
    INK,
    MUTED,
    NAVY,
    calendar_legend,
    calendar_rows,
    color_of,
    equity_curve_chart,
    money_text,
    months_between,
)
from workstation.reports.ledger.pdf_page import (
    EDGE,
    PAGE_WIDTH,
    NumberedCanvas,
    draw_running_header,
)
from workstation.reports.ledger.pdf_tables import (
    fit_text,
    ledger_table,
    name_with_rolls,
    plain_grid,
)

# SimpleDocTemplate's frame pads its content by 6 pt; the margins leave room for it.
MARGIN = EDGE - 6
WIDTH = PAGE_WIDTH - 2 * EDGE
CARD = colors.HexColor("#f4f6f9")
NOTICE = colors.HexColor("#fff6e0")
ZERO = Decimal(0)

_CONVENTIONS = {
    "option separate": "Option separate — an assigned or exercised option is realized on its "
    "own; the stock is booked at the strike.",
    "premium in basis": "Premium in basis — an assigned or exercised option's premium moves "
    "into the stock's cost basis (tax-lot view).",
}

_STYLES = {
    "title": ParagraphStyle("title", fontName=BOLD, fontSize=20, leading=24, textColor=NAVY),
    "brand": ParagraphStyle(
        "brand", fontName=FONT, fontSize=8, leading=10, textColor=MUTED, alignment=TA_RIGHT
    ),
    "label": ParagraphStyle("label", fontName=FONT, fontSize=6.5, leading=8, textColor=MUTED),
    "meta": ParagraphStyle("meta", fontName=FONT, fontSize=8.5, leading=10.5, textColor=INK),
    "h2": ParagraphStyle(
        "h2",
        fontName=BOLD,
        fontSize=11,
        leading=14,
        textColor=NAVY,
        spaceBefore=12,
        spaceAfter=5,
        keepWithNext=1,
    ),
    "note": ParagraphStyle("note", fontName=FONT, fontSize=7.5, leading=9.5, textColor=MUTED),
    "body": ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12, textColor=INK),
}


def write_pnl_statement(
    view: LedgerView,
    path: str | os.PathLike[str],
    *,
    title: str = "P&L statement",
    period_label: str | None = None,
) -> int:
    """Write the P&L statement PDF for ``view`` to ``path`` atomically; return the page count.

    ``period_label`` overrides the period shown in the header (default: the
    view's first and last dates). An empty ledger gives a one-page statement
    saying there is nothing in the period.
    """
    period = period_label or _period_text(view.first, view.last)
    story = statement_story(view, title, period)
    with atomic_path(path) as temporary:
        document = SimpleDocTemplate(
            str(temporary),
            pagesize=LETTER,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN + 6,
            bottomMargin=MARGIN + 10,
            title=title,
            author="Volaris Workstation",
            subject=f"{title}, {period}",
            creator="Volaris Workstation",
        )
        running = f"{title} · {_accounts_text(view)} · {period}"

        def later_pages(canvas: Canvas, _document: Any) -> None:
            draw_running_header(canvas, running)

        document.build(story, onLaterPages=later_pages, canvasmaker=NumberedCanvas)
        pages: int = document.page
    return pages


def statement_story(view: LedgerView, title: str, period: str) -> list[Any]:
    """Return the statement's flowables in page order (reportlab platypus)."""
    story: list[Any] = [*_header(view, title, period)]
    if not view.trades and not view.equity_curve:
        story += _nothing_to_report(period)
    else:
        story += _summary(view)
        story += _equity_curve(view)
        story += _calendar(view)
        story += _group_table("P&L by underlying", "Underlying", view.by_underlying)
        story += _group_table("P&L by strategy", "Strategy", view.by_strategy)
        story += _fees_by_month(view)
    if view.netliq is not None:
        story += _netliq(view.netliq)
    story += _open_trades(view)
    story += _closed_trade_list(view)
    story += _notes(view)
    return story


# ---------------------------------------------------------------- header and summary


def _header(view: LedgerView, title: str, period: str) -> list[Any]:
    as_of = view.as_of.astimezone(EASTERN)
    convention = view.summary.convention.replace("_", " ")
    masthead = Table(
        [
            [
                Paragraph(_escape(title), _STYLES["title"]),
                Paragraph("VOLARIS WORKSTATION", _STYLES["brand"]),
            ]
        ],
        colWidths=[WIDTH * 0.7, WIDTH * 0.3],
    )
    masthead.setStyle(plain_grid(valign="BOTTOM"))
    fields = [
        ("ACCOUNTS", _accounts_text(view)),
        ("PERIOD", period),
        ("AS OF", f"{_day_text(as_of.date())}, {as_of.hour % 12 or 12}:{as_of:%M %p} ET"),
        ("P&L CONVENTION", _CONVENTIONS.get(convention, convention or "—")),
    ]
    meta = Table(
        [
            [Paragraph(_escape(label), _STYLES["label"]) for label, _ in fields],
            [Paragraph(_escape(value), _STYLES["meta"]) for _, value in fields],
        ],
        colWidths=[WIDTH * 0.17, WIDTH * 0.25, WIDTH * 0.2, WIDTH * 0.38],
    )
    meta.setStyle(plain_grid(valign="TOP"))
    meta.setStyle(
        TableStyle([("LINEABOVE", (0, 0), (-1, 0), 1.5, NAVY), ("TOPPADDING", (0, 0), (-1, 0), 6)])
    )
    return [masthead, Spacer(0, 4), meta, Spacer(0, 6)]


def _summary(view: LedgerView) -> list[Any]:
    summary = view.summary
    win_rate = summary.win_rate
    factor = summary.profit_factor
    cards = [
        ("Realized P&L (net)", money_text(summary.realized), summary.realized),
        ("Realized P&L (gross)", money_text(summary.realized_gross), summary.realized_gross),
        ("Fees paid", money_text(summary.fees), None),
        ("Unrealized P&L", money_text(summary.unrealized), summary.unrealized),
        ("Total P&L", money_text(summary.total), summary.total),
        (
            f"Win rate ({summary.winners} W / {summary.losers} L)",
            "—" if win_rate is None else f"{win_rate:.1%}",
            None,
        ),
        ("Closed trades", f"{summary.closed_trades:,}", None),
        ("Profit factor", "—" if factor is None else f"{factor:.2f}", None),
        ("Largest win", money_text(summary.largest_win), summary.largest_win),
        ("Largest loss", money_text(summary.largest_loss), summary.largest_loss),
        ("Average win", money_text(summary.average_win), summary.average_win),
        ("Average loss", money_text(summary.average_loss), summary.average_loss),
    ]
    rows: list[list[str]] = []
    style = plain_grid(valign="MIDDLE")
    for start in range(0, len(cards), 4):
        group = cards[start : start + 4]
        labels, values = len(rows), len(rows) + 1
        rows += [[label.upper() for label, _, _ in group], [text for _, text, _ in group]]
        for column, (_, _, amount) in enumerate(group):
            if amount is not None:
                style.add("TEXTCOLOR", (column, values), (column, values), color_of(amount))
        style.add("FONT", (0, labels), (-1, labels), FONT, 6.5)
        style.add("TEXTCOLOR", (0, labels), (-1, labels), MUTED)
        style.add("FONT", (0, values), (-1, values), BOLD, 13)
        style.add("TOPPADDING", (0, labels), (-1, labels), 6)
        style.add("BOTTOMPADDING", (0, values), (-1, values), 7)
        style.add("LINEBELOW", (0, values), (-1, values), 5, colors.white)
    style.add("BACKGROUND", (0, 0), (-1, -1), CARD)
    style.add("LINEAFTER", (0, 0), (-2, -1), 5, colors.white)
    style.add("LEFTPADDING", (0, 0), (-1, -1), 8)
    table = Table(rows, colWidths=[WIDTH / 4] * 4)
    table.setStyle(style)
    note = "Amounts in US dollars. Net is after fees, gross before."
    if summary.unmarked_positions:
        note += (
            f" Unrealized P&L leaves out {summary.unmarked_positions} open position(s) "
            "without a mark."
        )
    return [_heading("Summary"), table, Spacer(0, 3), Paragraph(_escape(note), _STYLES["note"])]


def _equity_curve(view: LedgerView) -> list[Any]:
    heading = _heading("Equity curve — cumulative realized P&L, net of fees")
    if not view.equity_curve:
        # An empty chart says less than a sentence does.
        note = "No trade closed in the period, so there is no realized P&L to chart yet."
        return [heading, Paragraph(_escape(note), _STYLES["body"])]
    first = view.first or min(t.opened_at.astimezone(EASTERN).date() for t in view.trades)
    last = view.last or view.as_of.astimezone(EASTERN).date()
    chart = equity_curve_chart(view.equity_curve, first, last, WIDTH)
    return [KeepTogether([heading, chart])]


def _calendar(view: LedgerView) -> list[Any]:
    days = {p.start: p.net for p in view.periods.get(PnlPeriod.DAY, ())}
    months = {p.start: p.net for p in view.periods.get(PnlPeriod.MONTH, ())}
    first = view.first or min(days, default=None)
    last = view.last or max(days, default=None)
    if first is None or last is None:
        return []
    # The colour scale is the period's own: a big day outside it would wash the grid out.
    days = {day: net for day, net in days.items() if first <= day <= last}
    if not days:
        return []
    rows = calendar_rows(days, months, first, last, WIDTH)
    largest = max((abs(v) for v in days.values()), default=ZERO)
    heading = _heading("Realized P&L calendar — by closing day, net of fees")
    legend = calendar_legend(largest, WIDTH)
    return [KeepTogether([heading, rows[0]]), *rows[1:], Spacer(0, 2), legend]


# ---------------------------------------------------------------- tables


def _group_table(title: str, label: str, groups: Sequence[GroupPnl]) -> list[Any]:
    if not groups:
        return []
    header = [label, "Trades", "Won", "Lost", "Win rate", "Realized", "Unrealized", "Fees", "Total"]
    rows: list[list[Any]] = [
        [
            g.label,
            g.trades,
            g.winners,
            g.losers,
            _percent(g.win_rate),
            g.realized,
            g.unrealized,
            g.fees,
            g.total,
        ]
        for g in groups
    ]
    won, lost = sum(g.winners for g in groups), sum(g.losers for g in groups)
    decided = won + lost
    total = [
        "Total",
        sum(g.trades for g in groups),
        won,
        lost,
        _percent(won / decided if decided else None),
        *(
            _sum(getattr(g, name) for g in groups)
            for name in ("realized", "unrealized", "fees", "total")
        ),
    ]
    widths = _widths([1.9, 0.6, 0.5, 0.5, 0.7, 1.0, 1.0, 0.8, 1.0])
    return [_heading(title), ledger_table(header, rows, widths, total)]


def _fees_by_month(view: LedgerView) -> list[Any]:
    periods = {p.start: p for p in view.periods.get(PnlPeriod.MONTH, ())}
    if not periods:
        return []
    first = min(view.first or min(periods), *periods)
    last = max(view.last or max(periods), *periods)
    rows: list[list[Any]] = []
    for month in months_between(first, last):
        period = periods.get(month)
        if period is None:
            rows.append([f"{month:%B %Y}", None, None, None, None])
        else:
            rows.append([f"{month:%B %Y}", period.closes, period.gross, period.fees, period.net])
    found = periods.values()
    total = [
        "Total",
        sum(p.closes for p in found),
        _sum(p.gross for p in found),
        _sum(p.fees for p in found),
        _sum(p.net for p in found),
    ]
    header = ["Month", "Closing fills", "Realized gross", "Fees", "Realized net"]
    table = ledger_table(header, rows, _widths([2.2, 1.0, 1.2, 1.0, 1.2]), total)
    note = Paragraph(
        f"Fees on closing fills and the opening fills they matched. All fees paid in the "
        f"period, including open positions: {money_text(view.summary.fees)}.",
        _STYLES["note"],
    )
    return [_heading("Fees by month"), table, Spacer(0, 3), note]


def _netliq(bridge: NetLiqBridge) -> list[Any]:
    rows: list[list[Any]] = []
    start, end = _day_text(bridge.first), _day_text(bridge.last)
    if bridge.broker_start is not None:
        rows.append([f"Net liquidity on {start} (broker)", bridge.broker_start])
    rows += [[f"    {c.label}", c.amount] for c in bridge.components]
    rows.append(["Explained change", bridge.explained])
    emphasis = [len(rows) - 1]
    difference = bridge.difference
    if bridge.broker_end is not None and bridge.broker_start is not None:
        rows.append([f"Net liquidity on {end} (broker)", bridge.broker_end])
        rows.append(["Broker change", bridge.broker_end - bridge.broker_start])
        emphasis.append(len(rows) - 1)
    if difference is not None:
        reason = bridge.reason or "reason not known"
        rows.append([f"Difference not explained by the ledger ({reason})", difference])
    table = ledger_table(["Change in net liquidity", "Amount"], rows, _widths([3.3, 1.2], 0.62))
    for row in emphasis:
        table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, row + 1), (-1, row + 1), BOLD, 8),
                    ("LINEABOVE", (0, row + 1), (-1, row + 1), 0.6, MUTED),
                ]
            )
        )
    if difference is not None:
        table.setStyle(
            TableStyle(
                [("BACKGROUND", (0, -1), (-1, -1), NOTICE), ("FONT", (0, -1), (-1, -1), BOLD, 8)]
            )
        )
    heading = f"Net-liquidity bridge, {start} to {end}"
    return [KeepTogether([_heading(heading), table])]


def _open_trades(view: LedgerView) -> list[Any]:
    trades = [t for t in view.trades if t.status is TradeStatus.OPEN]
    if not trades:
        return []
    name_width = WIDTH * 3.2 / 8.3 - 8
    rows: list[list[Any]] = [
        [
            _day_text(_ny(t.opened_at)),
            t.underlying,
            fit_text(t.name, name_width),
            t.cash_flow,
            t.realized,
            t.unrealized,
            t.fees,
        ]
        for t in sorted(trades, key=lambda t: (t.opened_at, t.id))
    ]
    total = [
        "Total",
        "",
        f"{len(trades)} open",
        _sum(t.cash_flow for t in trades),
        _sum(t.realized for t in trades),
        _sum(t.unrealized for t in trades),
        _sum(t.fees for t in trades),
    ]
    header = ["Opened", "Underlying", "Strategy", "Cash flow", "Realized", "Unrealized", "Fees"]
    widths = _widths([0.95, 0.85, 3.2, 0.9, 0.8, 0.9, 0.7])
    table = ledger_table(header, rows, widths, total, numbers_from=3)
    return [_heading("Open trades"), table]


def _closed_trade_list(view: LedgerView) -> list[Any]:
    trades = closed_trades(view)
    if not trades:
        return []
    widths = _widths([0.85, 0.85, 0.45, 0.8, 3.35, 0.85, 0.7, 0.9])
    rows: list[list[Any]] = []
    for t in trades:
        opened, closed = _ny(t.opened_at), _ny(t.closed_at or t.opened_at)
        name = name_with_rolls(t.name, t.rolls, widths[4] - 8)
        rows.append(
            [
                _day_text(opened),
                _day_text(closed),
                (closed - opened).days,
                t.underlying,
                name,
                t.realized + t.fees,
                t.fees,
                t.realized,
            ]
        )
    total = [
        "Total",
        "",
        "",
        "",
        f"{len(trades):,} closed trades",
        _sum(t.realized + t.fees for t in trades),
        _sum(t.fees for t in trades),
        _sum(t.realized for t in trades),
    ]
    header = ["Opened", "Closed", "Days", "Underlying", "Strategy", "Gross", "Fees", "Net"]
    table = ledger_table(header, rows, widths, total, numbers_from=5, long=True)
    table.setStyle(TableStyle([("ALIGN", (2, 0), (2, -1), "RIGHT")]))
    return [_heading("Closed trades"), table]


def _nothing_to_report(period: str) -> list[Any]:
    box = Table(
        [
            [
                Paragraph(
                    f"<b>Nothing to report.</b> There are no trades in the ledger for "
                    f"{_escape(period)}, so there is no realized or unrealized P&amp;L to show. "
                    "Import a broker statement or sync an account, then run the report "
                    "again.",
                    _STYLES["body"],
                )
            ]
        ],
        colWidths=[WIDTH],
    )
    box.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), NOTICE),
                ("BOX", (0, 0), (-1, -1), 0.5, colors.HexColor("#e6c770")),
                ("LEFTPADDING", (0, 0), (-1, -1), 12),
                ("TOPPADDING", (0, 0), (-1, -1), 10),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 10),
            ]
        )
    )
    return [Spacer(0, 12), box]


def _notes(view: LedgerView) -> list[Any]:
    if not view.problems:
        return []
    items = [Paragraph(f"• {_escape(problem)}", _STYLES["note"]) for problem in view.problems]
    return [_heading("Notes"), *items]


# ---------------------------------------------------------------- small formatting


def _widths(weights: Sequence[float], share: float = 1.0) -> list[float]:
    scale = WIDTH * share / sum(weights)
    return [w * scale for w in weights]


def _sum(values: Any) -> Decimal:
    return sum(values, ZERO)


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.0%}"


def _ny(moment: datetime) -> date:
    return moment.astimezone(EASTERN).date()


def _day_text(day: date) -> str:
    return f"{day:%b} {day.day}, {day:%Y}"


def _period_text(first: date | None, last: date | None) -> str:
    if first is None or last is None:
        return "All history"
    if first == last:
        return _day_text(first)
    if first.year == last.year:
        return f"{first:%b} {first.day} – {last:%b} {last.day}, {last:%Y}"
    return f"{_day_text(first)} – {_day_text(last)}"


def _accounts_text(view: LedgerView) -> str:
    return ", ".join(view.accounts) or "—"


def _heading(text: str) -> Any:
    return Paragraph(_escape(text), _STYLES["h2"])


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
