"""Pure domain types: instruments, OCC symbols, quotes, bars, chains, accounts, events.

Imports only the standard library, pydantic and numpy (enforced by import-linter).
"""
