"""The registry of commands: every feature registers here once for palette and CLI."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from workstation.commands.fuzzy import rank
from workstation.commands.grammar import CommandSpec, CommandSyntaxError, Invocation, bind, tokenize


class CommandRegistry:
    """Known commands by name and alias."""

    def __init__(self, specs: Iterable[CommandSpec] = ()) -> None:
        self._specs: dict[str, CommandSpec] = {}
        self._names: dict[str, str] = {}
        for spec in specs:
            self.register(spec)

    def register(self, spec: CommandSpec) -> None:
        """Add ``spec``; a name or alias may be registered only once."""
        for name in (spec.name, *spec.aliases):
            if name in self._names:
                raise ValueError(f"command name /{name} is already registered")
            self._names[name] = spec.name
        self._specs[spec.name] = spec

    def get(self, name: str) -> CommandSpec | None:
        """Return the command called ``name`` (or aliased so)."""
        canonical = self._names.get(name.lower())
        return self._specs[canonical] if canonical else None

    def all(self) -> list[CommandSpec]:
        """Return every command, sorted by name."""
        return sorted(self._specs.values(), key=lambda s: s.name)

    def parse(self, line: str) -> Invocation:
        """Parse a palette or CLI line into an invocation, or raise CommandSyntaxError."""
        return self.parse_tokens(tokenize(line))

    def parse_tokens(self, tokens: list[str]) -> Invocation:
        """Parse already-split tokens (the CLI's argv after global options)."""
        if not tokens:
            raise CommandSyntaxError("type a command, e.g. /em SPY 7 (try /help)")
        spec = self.get(tokens[0])
        if spec is None:
            raise CommandSyntaxError(self._unknown(tokens[0]))
        return Invocation(spec, bind(spec, tokens[1:]))

    def _unknown(self, name: str) -> str:
        names = list(self._names)
        guesses = difflib.get_close_matches(name.lower(), names, n=3, cutoff=0.5)
        guesses += [n for n, _ in rank(name, names, limit=3) if n not in guesses]
        guesses = guesses[:3]
        hint = f" Did you mean {', '.join('/' + g for g in guesses)}?" if guesses else ""
        return f"unknown command /{name}.{hint} Type /help for the list."
