from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workstation.adapters.csv.cells import (
    NEW_YORK,
    ParsedColumn,
    RowError,
    amount,
    dollars,
    iso_timestamp,
    month_day_year,
    new_york_time,
    number,
    optional_number,
    unsigned,
)

cents = st.decimals(min_value=Decimal("-999999999.99"), max_value=Decimal("999999999.99"), places=2)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("345.00", Decimal("345")),
        ("-1,625.99", Decimal("-1625.99")),
        ("12,345,678.90", Decimal("12345678.9")),
        ("+1,000", Decimal("1000")),
        (" 0.14 ", Decimal("0.14")),
        ("37.5", Decimal("37.5")),
    ],
)
def test_number_reads_plain_and_grouped_decimals(text, value):
    assert number(text, "Value") == value


@pytest.mark.parametrize(
    "junk", ["1.2.3", "1,2,3", "1234,567", "1,625.9,9", ",123", "abc", "NaN", "Infinity", "1_000"]
)
def test_number_refuses_junk_naming_the_column(junk):
    with pytest.raises(RowError) as caught:
        number(junk, "Average Price")
    assert caught.value.column == "Average Price"
    assert repr(junk) in caught.value.problem


def test_empty_and_double_dash_mean_zero_or_not_given():
    assert amount("--", "Fees") == 0
    assert amount("", "Fees") == 0
    assert optional_number("--", "Average Price") is None
    assert optional_number("", "Average Price") is None
    assert optional_number("0.00", "Average Price") == 0


def test_a_parsed_column_parses_each_text_once_and_refuses_junk_every_time():
    calls: list[str] = []

    def counted(text: str, column: str) -> Decimal | None:
        calls.append(text)
        return optional_number(text, column)

    totals = ParsedColumn(counted, "Total")
    assert [totals["1,625.99"], totals["--"], totals["1,625.99"]] == [
        Decimal("1625.99"),
        None,
        Decimal("1625.99"),
    ]
    assert calls == ["1,625.99", "--"]
    for _ in range(2):
        with pytest.raises(RowError) as caught:
            totals["1,2,3"]
        assert caught.value.column == "Total"
    assert "1,2,3" not in totals


def test_unsigned_refuses_a_sign_because_direction_lives_elsewhere():
    assert unsigned("3", "Quantity") == 3
    with pytest.raises(RowError, match="negative"):
        unsigned("-3", "Quantity")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("$1,234.56", Decimal("1234.56")),
        ("-$12.00", Decimal("-12")),
        ("$-1,234.56", Decimal("-1234.56")),
        ("($12.00)", Decimal("-12")),
        ("$0.66", Decimal("0.66")),
        ("250.00", Decimal("250")),
        ("", Decimal(0)),
    ],
)
def test_dollars_reads_schwab_money(text, value):
    assert dollars(text, "Amount") == value


@pytest.mark.parametrize("junk", ["$", "12$", "(-$5.00)", "$1,2,3", "USD 5"])
def test_dollars_refuses_junk(junk):
    with pytest.raises(RowError) as caught:
        dollars(junk, "Amount")
    assert caught.value.column == "Amount"


def test_iso_timestamp_keeps_the_exporters_offset():
    moment = iso_timestamp("2026-04-01T09:16:26-0700", "Date")
    assert moment.utcoffset() == timedelta(hours=-7)
    assert (moment.hour, moment.minute, moment.second) == (9, 16, 26)


@pytest.mark.parametrize("junk", ["2026-04-01T09:16:26", "2026-04-01", "04/01/2026", "yesterday"])
def test_iso_timestamp_refuses_times_without_an_offset_or_junk(junk):
    with pytest.raises(RowError) as caught:
        iso_timestamp(junk, "Date")
    assert caught.value.column == "Date"


def test_month_day_year_reads_two_and_four_digit_years():
    assert month_day_year("2/20/26", "Expiration Date") == date(2026, 2, 20)
    assert month_day_year("12/18/2026", "Expiration Date") == date(2026, 12, 18)


@pytest.mark.parametrize("junk", ["13/1/26", "2/30/26", "2-20-26", "2/20/226", "2/20"])
def test_month_day_year_refuses_junk(junk):
    with pytest.raises(RowError) as caught:
        month_day_year(junk, "Expiration Date")
    assert caught.value.column == "Expiration Date"


def test_legacy_local_time_is_new_york_across_daylight_saving():
    winter = new_york_time("03/02/2020 9:00 AM", "Date/Time")
    summer = new_york_time("04/17/2020 5:00 PM", "Date/Time")
    assert winter == datetime(2020, 3, 2, 9, 0, tzinfo=NEW_YORK)
    assert winter.utcoffset() == timedelta(hours=-5)
    assert summer.utcoffset() == timedelta(hours=-4)
    assert summer.hour == 17
    with pytest.raises(RowError):
        new_york_time("2020-04-17 17:00", "Date/Time")


@given(cents)
def test_tastytrade_money_round_trips(value):
    assert number(f"{value:,.2f}", "Value") == value


@given(cents, st.sampled_from(["minus-before", "minus-after", "parentheses"]))
def test_schwab_money_round_trips(value, style):
    digits = f"{abs(value):,.2f}"
    if value >= 0:
        text = f"${digits}"
    elif style == "minus-before":
        text = f"-${digits}"
    elif style == "minus-after":
        text = f"$-{digits}"
    else:
        text = f"(${digits})"
    assert dollars(text, "Amount") == value
