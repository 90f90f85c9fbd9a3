"""Fuzzy matching for the palette and for "did you mean" suggestions."""

from __future__ import annotations


def fuzzy_score(query: str, candidate: str) -> float | None:
    """Score how well ``query`` matches ``candidate`` (higher is better); None if no match.

    Every query character must appear in order. A whole-substring match scores
    highest (more at a word start), then contiguous runs and word starts; gaps
    cost a little. Each occurrence of the first character is tried as a start.
    """
    q, c = query.lower().strip(), candidate.lower()
    if not q:
        return 0.0
    if q in c:
        at = c.index(q)
        at_word = at == 0 or not c[at - 1].isalnum()
        return 3.0 * len(q) + (4.0 if at_word else 0.0) + (3.0 if at == 0 else 0.0) - 0.01 * len(c)
    starts = [i for i, ch in enumerate(c) if ch == q[0]]
    scores = [s for i in starts if (s := _subsequence_score(q, c, i)) is not None]
    return max(scores) - 0.01 * len(c) if scores else None


def _subsequence_score(q: str, c: str, first: int) -> float | None:
    """Greedy in-order match of ``q`` in ``c`` starting at index ``first``."""
    score, pos, prev = 0.0, first, first - 2
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
    return score


def rank(query: str, candidates: list[str], limit: int = 50) -> list[tuple[str, float]]:
    """Return the matching candidates, best first."""
    scored = [(c, s) for c in candidates if (s := fuzzy_score(query, c)) is not None]
    scored.sort(key=lambda item: (-item[1], item[0]))
    return scored[:limit]
