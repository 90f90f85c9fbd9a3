from datetime import date, time
from decimal import Decimal

import pytest

from workstation.commands.catalog import default_registry
from workstation.commands.fuzzy import fuzzy_score, rank
from workstation.commands.grammar import (
    Arg,
    ArgKind,
    CommandSpec,
    CommandSyntaxError,
    bind,
    tokenize,
)
from workstation.commands.registry import CommandRegistry
from workstation.commands.result import CommandResult, Table


async def _noop(ctx, values):
    return CommandResult("ok", data=values)


SIZE = CommandSpec(
    "size",
    "Position size",
    _noop,
    args=(
        Arg("account", ArgKind.MONEY, "account value"),
        Arg("risk", ArgKind.PERCENT, "risk per trade", maximum=0.2),
    ),
)
PLAN = CommandSpec(
    "plan",
    "Plan a trade",
    _noop,
    args=(
        Arg("symbol", ArgKind.SYMBOL, "ticker"),
        Arg("bias", ArgKind.CHOICE, "direction", choices=("bull", "bear", "neutral")),
        Arg("days", ArgKind.INT, "horizon", required=False, default=30, minimum=1),
    ),
    options=(Arg("width", ArgKind.FLOAT, "spread width", required=False),),
)
NOTE = CommandSpec(
    "note", "Journal", _noop, args=(Arg("text", ArgKind.TEXT, "words", variadic=True),)
)


def test_palette_and_cli_lines_parse_the_same():
    registry = CommandRegistry([SIZE, PLAN])
    palette = registry.parse("/plan spy bull 45 --width 5")
    cli = registry.parse_tokens(["plan", "SPY", "BULL", "45", "--width=5"])
    assert (
        palette.values == cli.values == {"symbol": "SPY", "bias": "bull", "days": 45, "width": 5.0}
    )


def test_money_and_percent_arguments():
    values = bind(SIZE, ["$1,500.50", "2%"])
    assert values == {"account": Decimal("1500.50"), "risk": pytest.approx(0.02)}
    assert bind(SIZE, ["500", "1.5"])["risk"] == pytest.approx(0.015)


def test_optional_argument_takes_its_default():
    assert bind(PLAN, ["QQQ", "neutral"])["days"] == 30


@pytest.mark.parametrize(
    ("tokens", "message"),
    [
        (["SPY"], r"missing BIAS \(direction\)\. Usage: /plan SYMBOL bull\|bear\|neutral"),
        (["SPY", "sideways"], "BIAS must be one of bull, bear, neutral, got 'sideways'"),
        (["SPY", "bull", "x"], "DAYS must be a whole number, got 'x'"),
        (["SPY", "bull", "0"], "DAYS must be at least 1, got 0"),
        (["SPY", "bull", "30", "extra"], "unexpected 'extra'"),
        (["SPY", "bull", "--depth", "3"], "unknown option --depth"),
        (["SPY", "bull", "--width"], "--width needs a value"),
        (["$PY", "bull"], "SYMBOL must be a ticker symbol"),
    ],
)
def test_errors_name_the_argument_and_the_problem(tokens, message):
    with pytest.raises(CommandSyntaxError, match=message):
        bind(PLAN, tokens)


def test_percent_bound_is_checked():
    with pytest.raises(CommandSyntaxError, match=r"RISK must be at most 0\.2"):
        bind(SIZE, ["500", "25%"])


def test_negative_numbers_are_not_options():
    spec = CommandSpec("shift", "x", _noop, args=(Arg("pct", ArgKind.PERCENT, "move"),))
    assert bind(spec, ["-3%"])["pct"] == pytest.approx(-0.03)


def test_quoted_text_and_variadic():
    assert tokenize('/note "sold the 510 put" early') == ["note", "sold the 510 put", "early"]
    assert bind(NOTE, ["a b", "c"])["text"] == ["a b", "c"]
    with pytest.raises(CommandSyntaxError, match="missing TEXT"):
        bind(NOTE, [])
    with pytest.raises(CommandSyntaxError, match="cannot read"):
        tokenize('/note "unclosed')


def test_unknown_command_suggests_close_names():
    registry = CommandRegistry([SIZE, PLAN])
    with pytest.raises(CommandSyntaxError, match=r"unknown command /plna\. Did you mean /plan"):
        registry.parse("/plna SPY bull")
    with pytest.raises(CommandSyntaxError, match="type a command"):
        registry.parse("/")


def test_names_and_aliases_register_once():
    registry = CommandRegistry([SIZE])
    with pytest.raises(ValueError, match="already registered"):
        registry.register(SIZE)


def test_default_registry_has_the_foundation_commands():
    registry = default_registry()
    names = {s.name for s in registry.all()}
    assert {"em", "quote", "help", "backup", "market", "workspace"} <= names
    assert registry.get("q").name == "quote"
    assert registry.parse("/em SPY 7").values == {"symbol": "SPY", "days": 7}
    assert registry.parse("/em SPY").values == {"symbol": "SPY", "days": 30}
    assert registry.parse("/chain aapl").values == {"symbol": "AAPL", "days": None}


def test_fuzzy_prefers_contiguous_prefix_matches():
    assert fuzzy_score("em", "em") > fuzzy_score("em", "backup emergency")
    assert fuzzy_score("dsh", "Show Dashboard") is not None
    assert fuzzy_score("xyz", "Show Dashboard") is None
    assert [c for c, _ in rank("th", ["Light theme", "Dark theme", "Quit"])] == [
        "Dark theme",
        "Light theme",
    ]


def test_result_renders_text_table_and_json():
    result = CommandResult(
        "Quotes",
        ("one line",),
        Table(("Sym", "Last $"), (("SPY", "680.10"),)),
        {"price": Decimal("1.10")},
    )
    text = result.to_text()
    assert text.splitlines()[0] == "Quotes"
    assert "  Sym  Last $" in text
    assert "SPY  680.10" in text
    assert result.to_json() == '{\n  "price": "1.10"\n}'


EVENT = CommandSpec(
    "event",
    "An event",
    _noop,
    args=(Arg("date", ArgKind.DATE, "day"), Arg("time", ArgKind.CLOCK, "clock, ET")),
)


def test_date_and_clock_arguments():
    assert bind(EVENT, ["2026-12-09", "8:30"]) == {"date": date(2026, 12, 9), "time": time(8, 30)}
    with pytest.raises(CommandSyntaxError, match="DATE must be a date like 2026-12-09"):
        bind(EVENT, ["12/09/2026", "14:00"])
    with pytest.raises(CommandSyntaxError, match="TIME must be a 24-hour time"):
        bind(EVENT, ["2026-12-09", "2pm"])
    with pytest.raises(CommandSyntaxError, match="TIME must be a 24-hour time"):
        bind(EVENT, ["2026-12-09", "14:60"])
