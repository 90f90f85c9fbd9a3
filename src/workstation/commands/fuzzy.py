"""Fuzzy matching for the palette and for "did you mean" suggestions."""

from __future__ import annotations


def fuzzy_score(query: str, candidate: str) -> float | None:
    """Score how well ``query`` matches ``candidate`` (higher is better); None if no match.

    Every query character must appear in order. Contiguous runs, matches at
    word starts and a matching prefix score higher; gaps cost a little.
    """
    q, c = query.lower().strip(), candidate.lower()
    if not q:
        return 0.0
    score, pos, prev = 0.0, 0, -2
    for ch in q:
        found = c.find(ch, pos)
        if found < 0:
            return None
        score += 1.0
        if found == prev + 1:
            score += 2.0
        if found == 0 or not c[found - 1].isalnum():
            score += 1.5
        score -= 0.05 * (found - pos)
        prev, pos = found, found + 1
    if c.startswith(q):
        score += 3.0
    return score - 0.01 * len(c)


def rank(query: str, candidates: list[str], limit: int = 50) -> list[tuple[str, float]]:
    """Return the matching candidates, best first."""
    scored = [(c, s) for c in candidates if (s := fuzzy_score(query, c)) is not None]
    scored.sort(key=lambda item: (-item[1], item[0]))
    return scored[:limit]
