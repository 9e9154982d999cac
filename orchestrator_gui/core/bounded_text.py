"""Text that a shared document or a step's data could make arbitrarily long, kept bounded.

Why it exists: templates and ``${...}`` references are written by whoever
wrote the experiment, and what they expand to comes from the run's data. A
message that quotes a 4 KB variable name, or a prompt that repeats a 100 KB
input twenty thousand times, must not become a 4 KB error line or a 2 GB
string. :func:`clip` shortens what a message quotes; :class:`BoundedText`
joins the pieces of an expansion and refuses the first piece that would take
it past its limit, before that piece is ever copied into the result.
"""

from __future__ import annotations

CLIP_CHARS = 60
"""How much of a quoted piece of document text a message shows."""


def clip(text: str, limit: int = CLIP_CHARS) -> str:
    """``text`` itself when short, else its beginning, an ellipsis and its full length."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text)} characters)"


def clipped_list(items: list[str], shown: int) -> str:
    """``"a, b, c and 7 more"``: at most ``shown`` items, each clipped."""
    head = ", ".join(clip(item) for item in items[:shown])
    more = len(items) - shown
    return head + (f" and {more} more" if more > 0 else "")


def utf8_size(text: str) -> int:
    """Bytes of ``text`` in UTF-8; no copy for ASCII text (``isascii`` reads a flag)."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-8", "surrogatepass"))


class BoundedText:
    """Pieces of text joined at the end, never more than ``max_bytes`` (UTF-8) in all.

    ``None`` means no limit. ``add`` returns False, and keeps nothing, when the
    piece would pass the limit; the caller then stops and says why.
    """

    __slots__ = ("max_bytes", "parts", "size")

    def __init__(self, max_bytes: int | None) -> None:
        self.max_bytes = max_bytes
        self.parts: list[str] = []
        self.size = 0

    def room(self) -> int | None:
        """Bytes that may still be added, or None without a limit."""
        return None if self.max_bytes is None else self.max_bytes - self.size

    def add(self, text: str, size: int | None = None) -> bool:
        """Append ``text`` (``size``: its UTF-8 bytes when the caller knows them)."""
        if size is None:
            size = utf8_size(text)
        if self.max_bytes is not None and self.size + size > self.max_bytes:
            return False
        self.parts.append(text)
        self.size += size
        return True

    def text(self) -> str:
        return "".join(self.parts)
