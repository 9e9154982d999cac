"""Counting the characters a scanner reads, so that tests assert linear work, not wall-clock.

``Counted`` is a ``str`` whose searching, slicing and splitting methods add
the number of characters they may have read to ``work``. A scanner given one
does exactly what it does with a plain string; the test then compares
``work`` with the length of the text.
"""

from __future__ import annotations

from typing import Any, SupportsIndex


class Counted(str):
    work: int

    def __new__(cls, text: str) -> Counted:
        made = super().__new__(cls, text)
        made.work = 0
        return made

    def _read(self, start: SupportsIndex | None, found: int, needle: str = "") -> int:
        begin = 0 if start is None else int(start)
        end = len(self) if found < 0 else found + len(needle)
        self.work += max(0, end - begin) + 1
        return found

    def find(self, sub: str, start: SupportsIndex | None = None,  # type: ignore[override]
             end: SupportsIndex | None = None) -> int:
        return self._read(start, super().find(sub, start, end), sub)

    def rfind(self, sub: str, start: SupportsIndex | None = None,  # type: ignore[override]
              end: SupportsIndex | None = None) -> int:
        found = super().rfind(sub, start, end)
        self.work += len(self) + 1
        return found

    def startswith(self, prefix: Any, start: SupportsIndex | None = None,  # type: ignore[override]
                   end: SupportsIndex | None = None) -> bool:
        self.work += len(prefix) + 1 if isinstance(prefix, str) else len(self)
        return super().startswith(prefix, start, end)

    def __getitem__(self, key: Any) -> str:
        piece = super().__getitem__(key)
        self.work += len(piece) + 1
        return piece

    def __contains__(self, sub: object) -> bool:
        self.work += len(self) + 1
        return super().__contains__(sub)  # type: ignore[operator]

    def count(self, *args: Any) -> int:  # type: ignore[override]
        self.work += len(self) + 1
        return super().count(*args)

    def split(self, *args: Any, **kwargs: Any) -> list[str]:  # type: ignore[override]
        self.work += len(self) + 1
        return super().split(*args, **kwargs)

    def strip(self, *args: Any) -> str:  # type: ignore[override]
        self.work += len(self) + 1
        return super().strip(*args)
