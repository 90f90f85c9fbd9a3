"""Whole-file behaviour: order, keys, encodings, detection by names, volume."""

import csv
import io
import itertools
import random
from decimal import Decimal
from pathlib import Path

import pytest

from tests.unit.adapters.csv.conftest import edit, fixture_text, parse
from tests.unit.adapters.csv.conftest import problem_of as problem
from tests.unit.adapters.csv.synthetic import synthetic_export
from workstation.adapters.csv import parse_statement, read_statement
from workstation.domain.instruments import InstrumentKind
from workstation.domain.transactions import ImportFileError, TransactionSource

ACCOUNTS = {
    "tastytrade_current.csv": "5WT38291",
    "tastytrade_web.csv": "5WT38291",
    "tastytrade_legacy.csv": None,
    "schwab.csv": "1234-5678",
}
FILES = list(ACCOUNTS)


def options(name: str) -> dict[str, str]:
    account = ACCOUNTS[name]
    return {"account": account} if account else {}


def reshaped(text: str, order: list[int]) -> str:
    """Return ``text`` with its columns in ``order`` (written back as CSV)."""
    out = io.StringIO()
    writer = csv.writer(out)
    for record in csv.reader(io.StringIO(text)):
        writer.writerow([record[n] for n in order])
    return out.getvalue()


@pytest.mark.parametrize("name", FILES)
def test_parsing_twice_gives_identical_rows_and_keys(name):
    first, second = parse(name, **options(name)), parse(name, **options(name))
    assert first == second
    assert [row.key for row in first.rows] == [row.key for row in second.rows]
    assert all(row.key.startswith("fp:") for row in first.rows)
    assert {row.source for row in first.rows} == {TransactionSource.CSV}


@pytest.mark.parametrize("name", FILES)
def test_rows_are_chronological_with_sequence_in_that_order(name):
    rows = parse(name, **options(name)).rows
    assert [row.sequence for row in rows] == list(range(len(rows)))
    assert all(a.executed_at <= b.executed_at for a, b in itertools.pairwise(rows))


@pytest.mark.parametrize("name", FILES)
def test_shuffled_columns_are_detected_by_name(name):
    text = fixture_text(name)
    width = len(next(csv.reader(io.StringIO(text))))
    order = list(range(width))
    random.Random(7).shuffle(order)
    assert order != list(range(width))
    assert parse(name, reshaped(text, order), **options(name)) == parse(name, **options(name))


@pytest.mark.parametrize("name", FILES)
def test_bom_crlf_and_blank_lines_change_nothing(name):
    text = fixture_text(name)
    noisy = "\ufeff" + text.replace("\n", "\r\n") + "\r\n\r\n  \r\n"
    assert parse(name, noisy, **options(name)) == parse(name, **options(name))


@pytest.mark.parametrize("name", ["tastytrade_current.csv", "schwab.csv"])
def test_an_oldest_first_file_gives_the_same_statement(name):
    header, *data = fixture_text(name).splitlines()
    trailer = [line for line in data if line.startswith('"Transactions Total"')]
    body = [line for line in data if line not in trailer]
    oldest_first = "\n".join([header, *reversed(body), *trailer])
    assert parse(name, oldest_first, **options(name)) == parse(name, **options(name))


def test_broker_option_is_case_insensitive_and_checked():
    statement = parse("tastytrade_current.csv", broker=" Tastytrade ", account="5WT38291")
    assert statement.broker == "tastytrade"


def test_header_only_file_is_an_empty_statement():
    header = fixture_text("tastytrade_current.csv").splitlines()[0]
    statement = parse_statement(header + "\n", name="empty.csv", account="5WT38291")
    assert statement.rows == ()
    assert statement.date_range is None


def test_read_statement_reads_a_file_and_names_it(tmp_path: Path):
    path = tmp_path / "history.csv"
    path.write_text(fixture_text("tastytrade_current.csv"), encoding="utf-8")
    statement = read_statement(path, account="5WT38291")
    assert statement.path == str(path)
    assert statement.rows == parse("tastytrade_current.csv", account="5WT38291").rows


def test_read_statement_accepts_a_file_excel_saved_as_cp1252(tmp_path: Path):
    text = edit(fixture_text("schwab.csv"), "CINTAS CORP 3 FOR 2", "CINTAS CORP ÉCHANGE 3 FOR 2")
    path = tmp_path / "schwab.csv"
    path.write_bytes(text.encode("cp1252"))
    rows = read_statement(path, account="1234-5678").rows
    assert any("ÉCHANGE" in row.description for row in rows)


def test_read_statement_reports_a_missing_file(tmp_path: Path):
    missing = tmp_path / "nope.csv"
    with pytest.raises(ImportFileError) as caught:
        read_statement(missing)
    assert caught.value.problem.file == str(missing)
    assert "cannot read the file" in caught.value.problem.problem


def test_adjusted_option_keeps_premium_multiplier_and_records_the_deliverable():
    old = "100,SPY,SPY,2/20/26,560,PUT,401001"
    text = edit(fixture_text("tastytrade_current.csv"), old, old.replace("100,SPY", "150,SPY"))
    sale = parse("tastytrade_current.csv", text, account="5WT38291").rows[1]
    assert (sale.multiplier, sale.deliverable, sale.shares_per_contract) == (100, 150, 150)
    assert sale.price == Decimal("3.45")


def test_crypto_rows_are_refused_with_what_to_do():
    old = "BUY_TO_OPEN,ABC,Equity"
    text = edit(fixture_text("tastytrade_current.csv"), old, "BUY_TO_OPEN,BTC/USD,Cryptocurrency")
    _, column, why = problem("tastytrade_current.csv", text, account="5WT38291")
    assert column == "Instrument Type"
    assert "delete the Cryptocurrency rows" in why


@pytest.mark.slow
def test_a_hundred_thousand_row_current_export_parses():
    statement = parse_statement(synthetic_export(100_000), name="big.csv", account="5WT00001")
    rows = statement.rows
    assert len(rows) == 100_000
    assert rows[0].sequence == 0
    assert rows[-1].sequence == 99_999
    assert rows[0].executed_at < rows[-1].executed_at
    assert len({row.key for row in rows}) == 100_000
    options_rows = [row for row in rows if row.instrument is InstrumentKind.EQUITY_OPTION]
    assert len(options_rows) > 80_000
    assert all(row.price * 100 * abs(row.quantity) == abs(row.value) for row in options_rows)


def test_explicit_index_option_type_is_taken_at_its_word():
    old = "SELL_TO_OPEN,SPY   260220P00560000,Equity Option"
    text = edit(fixture_text("tastytrade_current.csv"), old, old.replace("Equity", "Index"))
    rows = parse("tastytrade_current.csv", text, account="5WT38291").rows
    assert rows[1].instrument is InstrumentKind.INDEX_OPTION
    assert rows[16].instrument is InstrumentKind.EQUITY_OPTION  # same contract, not labelled
