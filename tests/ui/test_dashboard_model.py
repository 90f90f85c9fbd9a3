from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt

from workstation.domain.quotes import Quote, QuoteStatus
from workstation.ui.docks.dashboard.model import Column, QuoteTableModel
from workstation.ui.theme import colors

T0 = datetime(2026, 11, 24, 16, 37, 12, tzinfo=UTC)


def _status(symbol, last, stale=False, ts=T0):
    quote = Quote(
        symbol, last, 100.0, ts, bid=last - 0.01, ask=last + 0.01, volume=2.5e6, source="test"
    )
    return QuoteStatus(symbol, quote, ts if stale else None)


@pytest.fixture
def model():
    return QuoteTableModel(["SPY", "QQQ"], {"SPY": "SPDR S&P 500 ETF Trust"})


def test_model_passes_qt_model_tester(qtmodeltester, model):
    model.apply([_status("SPY", 101.0)])
    qtmodeltester.check(model, force_py=True)


def test_rows_show_waiting_until_a_quote_arrives(model):
    assert model.rowCount() == 2
    assert model.data(model.index(0, Column.UPDATED)) == "waiting…"
    assert model.data(model.index(0, Column.NAME)) == "SPDR S&P 500 ETF Trust"


def test_value_updates_emit_data_changed_for_changed_rows_only(qtbot, model):
    changed, resets = [], []
    model.dataChanged.connect(lambda a, b: changed.append((a.row(), b.row(), b.column())))
    model.modelReset.connect(lambda: resets.append(True))
    assert model.apply([_status("SPY", 101.0), _status("QQQ", 99.0)]) == 2
    assert model.apply([_status("SPY", 101.0), _status("QQQ", 99.5)]) == 1
    assert changed == [(0, 0, Column.UPDATED), (1, 1, Column.UPDATED), (1, 1, Column.UPDATED)]
    assert resets == []
    assert model.apply([_status("IWM", 1.0)]) == 0  # not a row of this table


def test_cells_format_price_change_and_volume(model):
    model.apply([_status("SPY", 101.5)])
    row = [model.data(model.index(0, c)) for c in Column]
    assert row == [
        "SPY",
        "SPDR S&P 500 ETF Trust",
        "101.50",
        "+1.50",
        "+1.50%",
        "101.49",
        "101.51",
        "2.50M",
        "11:37:12",
    ]


def test_change_is_coloured_by_direction(model):
    model.apply([_status("SPY", 101.0), _status("QQQ", 98.0)])
    up = model.data(model.index(0, Column.CHANGE), Qt.ItemDataRole.ForegroundRole)
    down = model.data(model.index(1, Column.CHANGE_PCT), Qt.ItemDataRole.ForegroundRole)
    assert up == colors().positive
    assert down == colors().negative


def test_stale_quotes_say_since_when(model):
    old = T0 - timedelta(minutes=3)
    model.apply([_status("SPY", 101.0, stale=True, ts=old)])
    assert model.data(model.index(0, Column.UPDATED)) == "stale since 11:34"
    tip = model.data(model.index(0, Column.LAST), Qt.ItemDataRole.ToolTipRole)
    assert "no update since 11:34:12" in tip
    colour = model.data(model.index(0, Column.LAST), Qt.ItemDataRole.ForegroundRole)
    assert colour == colors().stale


def test_numbers_are_right_aligned_and_headers_carry_tooltips(model):
    align = model.data(model.index(0, Column.LAST), Qt.ItemDataRole.TextAlignmentRole)
    assert align & int(Qt.AlignmentFlag.AlignRight)
    tip = model.headerData(
        Column.CHANGE_PCT, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
    )
    assert "percent" in tip
