"""Retry policy: exponential backoff with full jitter, shared by feeds and HTTP clients."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff with full jitter.

    The n-th retry (n = 1, 2, ...) waits a uniform random time in
    ``[0, min(cap, base * 2**(n-1))]`` seconds. ``max_attempts`` None retries forever.
    """

    base_seconds: float = 0.5
    cap_seconds: float = 30.0
    max_attempts: int | None = None

    def ceiling(self, attempt: int) -> float:
        """Return the largest wait before retry ``attempt`` (1-based), in seconds."""
        if attempt < 1:
            raise ValueError(f"retry attempt must be >= 1, got {attempt}")
        return min(self.cap_seconds, self.base_seconds * 2.0 ** min(attempt - 1, 60))

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        """Return a jittered wait before retry ``attempt`` in seconds."""
        return (rng or random).uniform(0.0, self.ceiling(attempt))

    def gives_up_after(self, attempt: int) -> bool:
        """True when ``attempt`` retries exhaust the policy."""
        return self.max_attempts is not None and attempt >= self.max_attempts
