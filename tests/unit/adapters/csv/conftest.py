"""Shared helpers for the CSV import tests: fixture files and exact row checks."""

from __future__ import annotations

from datetime import timedelta, timezone
from pathlib import Path

import pytest

from workstation.adapters.csv import parse_statement
from workstation.domain.transactions import ImportFileError, StatementFile, Transaction

FIXTURES = Path(__file__).parents[3] / "fixtures" / "csv"
EST = timezone(timedelta(hours=-5))
EDT = timezone(timedelta(hours=-4))


def fixture_text(name: str) -> str:
    """Return the text of a handwritten export under tests/fixtures/csv."""
    return (FIXTURES / name).read_text(encoding="utf-8")


def parse(name: str, text: str | None = None, **options: str) -> StatementFile:
    """Parse a fixture (or ``text`` under that name) with the given broker/account."""
    return parse_statement(text if text is not None else fixture_text(name), name=name, **options)


def problem_of(name: str, text: str, **options: str) -> tuple[int, str, str]:
    """Return (line, column, problem) of the ImportFileError parsing ``text`` raises."""
    with pytest.raises(ImportFileError) as caught:
        parse_statement(text, name=name, **options)
    problem = caught.value.problem
    assert problem.file == name
    return problem.line, problem.column, problem.problem


def expect(row: Transaction, **fields: object) -> None:
    """Assert ``row`` equals a Transaction with exactly ``fields`` (every other field default).

    Key and sequence are taken from the row (they are checked separately) and
    content_key is not compared, so this checks every other field, defaults included.
    """
    assert row == Transaction(key=row.key, sequence=row.sequence, **fields)


def edit(text: str, old: str, new: str) -> str:
    """Return ``text`` with exactly one occurrence of ``old`` replaced (fails if not unique)."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def line_of(text: str, fragment: str) -> int:
    """Return the 1-based line of the single line containing ``fragment``."""
    lines = [n for n, line in enumerate(text.splitlines(), 1) if fragment in line]
    assert len(lines) == 1, f"{fragment!r} is on lines {lines}"
    return lines[0]
