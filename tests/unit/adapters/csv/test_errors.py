"""Every refusal names the file, the 1-based line and the column, and says what to do."""

import pytest

from tests.unit.adapters.csv.conftest import edit, fixture_text, line_of
from tests.unit.adapters.csv.conftest import problem_of as problem

NAME = "tastytrade_current.csv"
ACCOUNT = "5WT38291"
SPY_PUT = "2026-01-06T09:45:12-0500,Trade,Sell to Open,SELL_TO_OPEN,SPY   260220P00560000"


def current(old: str, new: str) -> str:
    return edit(fixture_text(NAME), old, new)


@pytest.mark.parametrize(
    ("old", "new", "column", "words"),
    [
        ('ABC @ 231.50,"-2,315.00"', 'ABC @ 231.50,"-2,3,15.00"', "Value", "not a number"),
        ('ABC @ 231.50,"-2,315.00",10', 'ABC @ 231.50,"-2,315.00",1.2.3', "Quantity", "1.2.3"),
        ("10,-231.50", "10,-231..50", "Average Price", "not a number"),
        ("2026-01-13T14:20:05-0500", "2026-02-30T14:20:05-0500", "Date", "not a date"),
        ("2026-01-13T14:20:05-0500", "2026-01-13T14:20:05", "Date", "no UTC offset"),
        ("BUY_TO_OPEN,ABC", "BUY_TO_WHATEVER,ABC", "Action", "unknown action"),
        (
            "Trade,Buy to Open,BUY_TO_OPEN,ABC",
            "Trade,Buy to Frobnicate,BUY_TO_OPEN,ABC",
            "Sub Type",
            "unknown sub type",
        ),
        (
            "Trade,Buy to Open,BUY_TO_OPEN,ABC",
            "Trading,Buy to Open,BUY_TO_OPEN,ABC",
            "Type",
            "unknown transaction type",
        ),
        ("BUY_TO_OPEN,ABC,Equity", "BUY_TO_OPEN,ABC,Bond", "Instrument Type", "unknown instrument"),
        (
            "BUY_TO_OPEN,ABC,Equity",
            "BUY_TO_OPEN,ABC,Cryptocurrency",
            "Instrument Type",
            "delete the Cryptocurrency rows",
        ),
        (
            '"-2,315.00",10,-231.50,0.00,-0.01,1,,,,,,401005,"-2,315.01"',
            '"2,315.00",10,-231.50,0.00,-0.01,1,,,,,,401005,"2,314.99"',
            "Value",
            "disagree",
        ),
        (
            SPY_PUT,
            SPY_PUT.replace("SPY   260220P", "SPY   260230P"),
            "Symbol",
            "not a calendar date",
        ),
    ],
)
def test_bad_cell_names_line_and_column(old, new, column, words):
    text = current(old, new)
    line, named, why = problem(NAME, text, account=ACCOUNT)
    assert (line, named) == (line_of(text, new), column)
    assert words in why


def test_option_terms_contradicting_the_symbol_are_refused():
    text = current("2/20/26,560,PUT,401001", "2/20/26,565,PUT,401001")
    line, column, why = problem(NAME, text, account=ACCOUNT)
    assert (line, column) == (line_of(text, "565,PUT"), "Strike Price")
    assert "contradicts the Symbol" in why


def test_missing_column_is_named_on_the_header_line():
    text = current("Value,Quantity,Average Price", "Amount,Quantity,Average Price")
    line, column, why = problem(NAME, text, account=ACCOUNT)
    assert (line, column) == (1, "Value")
    assert "tastytrade (current)" in why
    assert "no 'Value' column" in why


def test_no_account_is_refused_with_what_to_do():
    line, column, why = problem(NAME, fixture_text(NAME))
    assert (line, column) == (1, "")
    assert why.startswith("this export has no account column: pass --account")


def test_a_row_cut_short_is_refused():
    text = fixture_text(NAME)
    cut = text.replace(",401001,343.86,USD", "")
    line, column, why = problem(NAME, cut, account=ACCOUNT)
    assert (line, column) == (line_of(cut, "Sold 1 SPY 02/20/26 Put"), "")
    assert "cells but the header has 21" in why


def test_an_unquoted_comma_that_adds_a_cell_is_refused():
    text = current("Sold 1 SPY 02/20/26 Put 560.00 @ 3.45", "Sold 1 SPY, 02/20/26 Put")
    line, _, why = problem(NAME, text, account=ACCOUNT)
    assert line == line_of(text, "Sold 1 SPY, 02/20/26")
    assert "unquoted comma" in why


def test_a_quantity_without_an_action_is_refused():
    text = current('ACH DEPOSIT,"25,000.00",0', 'ACH DEPOSIT,"25,000.00",3')
    line, column, _ = problem(NAME, text, account=ACCOUNT)
    assert (line, column) == (line_of(text, "ACH DEPOSIT"), "Action")


def test_unrecognised_header():
    line, column, why = problem("notes.csv", "Name,Phone\nAda,555\n")
    assert (line, column) == (1, "")
    assert "not one of the transaction exports" in why


def test_broker_that_does_not_match_the_header():
    line, column, why = problem(NAME, fixture_text(NAME), broker="schwab", account=ACCOUNT)
    assert (line, column) == (1, "")
    assert "pass --broker tastytrade" in why


def test_unknown_broker():
    _, _, why = problem(NAME, fixture_text(NAME), broker="ibkr", account=ACCOUNT)
    assert "unknown broker 'ibkr'" in why


def test_duplicate_column():
    text = current("Order #,Total,Currency", "Order #,Total,Value")
    line, column, why = problem(NAME, text, account=ACCOUNT)
    assert (line, column) == (1, "Value")
    assert "two 'Value' columns" in why


@pytest.mark.parametrize("text", ["", "\n\n", "\ufeff"])
def test_empty_file(text):
    line, _, why = problem("empty.csv", text)
    assert line == 0
    assert "no header row" in why


def test_unbalanced_quote_is_reported_as_malformed():
    text = current('ACH DEPOSIT,"25,000.00"', 'ACH DEPOSIT,"25,000.00""x')
    _, _, why = problem(NAME, text + '"', account=ACCOUNT)
    assert "malformed" in why
