"""Retry timing shared by the steps that call HTTP servers (``webhook``, the LLM client).

Why it exists: both talk to servers that may answer 429/5xx or ask for a pause
with ``Retry-After``; they must wait the same way, so the rules live once here.
"""

from __future__ import annotations

import email.utils
import math
import random
from datetime import UTC, datetime

BACKOFF_BASE_SECONDS = 0.5
RETRY_STATUSES = frozenset({408, 429})
"""Besides every 5xx: the statuses worth trying again."""


def is_retryable_status(status: int) -> bool:
    """408, 429 and 5xx: the server may well answer differently a moment later."""
    return status in RETRY_STATUSES or status >= 500


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (seconds or HTTP date); None if unusable."""
    if not value or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def backoff_seconds(retry_number: int, base: float = BACKOFF_BASE_SECONDS) -> float:
    """Wait before retry ``retry_number`` (1-based): exponential from ``base``, with jitter."""
    return base * 2.0 ** (retry_number - 1) * random.uniform(1.0, 1.25)
