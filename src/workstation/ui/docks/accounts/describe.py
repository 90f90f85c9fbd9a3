"""What a broker link and a reconciliation say, in the panel's words (no Qt).

Times are shown in the computer's local time zone; the login countdown uses
the CLI's wording (``6d 4h``, ``3h 12m``, ``expired``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from decimal import Decimal
from enum import StrEnum

from workstation.commands.brokers import countdown
from workstation.domain.brokers import LinkState, Reconciliation
from workstation.services.sync import LinkStatus
from workstation.services.sync.links import RELOGIN_WARNING

NONE = "—"
MATCHES = "Ledger matches the broker"
CENT = Decimal("0.01")
STATE_WORDS = {
    LinkState.LINKED: "linked",
    LinkState.SYNCING: "syncing",
    LinkState.NEEDS_RELOGIN: "needs re-login",
    LinkState.ERROR: "error",
    LinkState.UNLINKED: "not linked",
}


class Tone(StrEnum):
    """How a cell reads at a glance; the model maps tones to theme colours."""

    PLAIN = "plain"
    GOOD = "good"
    WARN = "warn"
    BAD = "bad"
    MUTED = "muted"


STATE_TONES = {
    LinkState.LINKED: Tone.GOOD,
    LinkState.SYNCING: Tone.PLAIN,
    LinkState.NEEDS_RELOGIN: Tone.WARN,
    LinkState.ERROR: Tone.BAD,
    LinkState.UNLINKED: Tone.MUTED,
}


def broker_title(broker: str) -> str:
    """The broker's name as the trader writes it (``Tastytrade``, ``Schwab``)."""
    return broker.title()


def local_time(at: datetime | None, zone: tzinfo | None = None) -> str:
    """An instant in local time (``2026-11-24 11:37``), or a dash when unknown."""
    return NONE if at is None else at.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def login_left(status: LinkStatus, now: datetime) -> str:
    """The login countdown (``6d 4h`` / ``3h 12m`` / ``expired``), a dash when it never ends."""
    left = status.relogin_in(now)
    return NONE if left is None else countdown(left)


def login_tone(status: LinkStatus, now: datetime) -> Tone:
    """Warn from the last day of a login (Schwab: day 6 of 7); bad once it has expired."""
    left = status.relogin_in(now)
    if left is None:
        return Tone.PLAIN
    if left <= 0:
        return Tone.BAD
    return Tone.WARN if left <= RELOGIN_WARNING.total_seconds() else Tone.PLAIN


def login_hint(status: LinkStatus, now: datetime, zone: tzinfo | None = None) -> str:
    """The countdown's tooltip: when the login ends and what to do."""
    if status.refresh_expires_at is None:
        return "This login does not expire."
    ends = local_time(status.refresh_expires_at, zone)
    left = status.relogin_in(now) or 0.0
    if left <= 0:
        return f"The login expired at {ends}. Use Log in again."
    return f"The login ends at {ends}; log in again before then."


def accounts_text(status: LinkStatus) -> str:
    """The link's account numbers, comma-separated, or a dash."""
    return ", ".join(status.accounts) or NONE


@dataclass(frozen=True, slots=True)
class ReconciliationLine:
    """One line of the reconciliation table: a position or cash difference, or agreement."""

    account: str
    symbol: str
    ledger: str
    broker: str
    reason: str
    tone: Tone = Tone.PLAIN


def quantity(value: Decimal) -> str:
    """A signed quantity without trailing zeros (``-100``, ``1.5``)."""
    text = format(value.normalize(), "f")
    return "0" if text in {"-0", "0"} else text


def dollars(value: Decimal) -> str:
    """Dollars with thousands separators and cents (``-300,300.00``)."""
    return f"{value:,.2f}"


def reconciliation_lines(checks: Iterable[Reconciliation]) -> list[ReconciliationLine]:
    """Turn each account's reconciliation into lines: differences, the cash line, or agreement."""
    lines: list[ReconciliationLine] = []
    for check in checks:
        if check.agrees:
            lines.append(ReconciliationLine(check.account, "", "", "", MATCHES, Tone.GOOD))
            continue
        for diff in check.positions:
            lines.append(
                ReconciliationLine(
                    diff.account or check.account, diff.symbol.strip(),
                    quantity(diff.ledger_quantity), quantity(diff.broker_quantity), diff.reason,
                    Tone.WARN,
                )
            )  # fmt: skip
        cash = _cash_line(check)
        if cash is not None:
            lines.append(cash)
    return lines


def _cash_line(check: Reconciliation) -> ReconciliationLine | None:
    difference = check.cash_difference
    if difference is None or check.broker_cash is None:
        return None
    if abs(difference) < CENT:
        reason, tone = "cash matches", Tone.GOOD
    else:
        reason = (
            f"broker minus ledger {difference:+,.2f} "
            "(history before the first synced day is not in the ledger)"
        )
        tone = Tone.WARN
    return ReconciliationLine(
        check.account, "Cash", dollars(check.ledger_cash), dollars(check.broker_cash), reason, tone
    )


def reconciliation_summary(
    broker: str, checks: list[Reconciliation], zone: tzinfo | None = None
) -> str:
    """One sentence about the broker's reconciliation: how many differences, as of when."""
    name = broker_title(broker)
    if not checks:
        return f"{name}: no accounts to compare."
    when = local_time(max(c.as_of for c in checks), zone)
    differ = sum(len(c.positions) for c in checks)
    cash = sum(1 for c in checks if (d := c.cash_difference) is not None and abs(d) >= CENT)
    if differ == 0 and cash == 0:
        return f"{name} · as of {when} · {MATCHES.lower()}."
    parts = [_count(differ, "position differs", "positions differ")] if differ else []
    parts += [_count(cash, "cash balance differs", "cash balances differ")] if cash else []
    return f"{name} · as of {when} · " + ", ".join(parts) + "."


def _count(n: int, one: str, many: str) -> str:
    return f"1 {one}" if n == 1 else f"{n} {many}"


def waiting_hint(status: LinkStatus | None) -> str:
    """What the reconciliation area says before there is anything to compare."""
    if status is None:
        return "Select a broker to see how its ledger compares with the broker."
    name = broker_title(status.broker)
    if status.state is LinkState.UNLINKED:
        return f"{name} is not linked. Use Link account… to connect it."
    if status.last_synced_at is None:
        return f"{name} has not been synced yet. Sync now to compare the ledger with the broker."
    return f"Comparing the {name} ledger with the broker…"
