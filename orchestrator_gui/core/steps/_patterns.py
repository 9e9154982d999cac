"""E-mail and phone-number patterns for ``compliance_check``, and how matches are masked.

Why a module of its own: the rules about what is *not* a phone number are the
part most likely to be argued about, so they sit together and are tested.

Performance: both searches are linear in the text, so a 10 MB string cannot
stall a run through backtracking. The e-mail pattern may only start where a
run of local-part characters starts (a look-behind), so a long run without
``@`` is tried once, not once per character; phone candidates are the
maximal digit runs of the tokenizer below, with at most 3 separators between
two digits, judged in Python afterwards.

Phone numbers (docs/decision-and-compliance.md: 7 to 15 digits, optionally after ``+``, only spaces,
dots, dashes or parentheses between them). To keep false positives down, a
candidate is *not* a phone number when:

* it is glued to a word (a letter, digit or ``_`` right before or after it),
  or follows ``-``, ``/``, ``#``, ``=`` or ``&``: ids such as ``INV-2024-000123``,
  ``/items/1234567`` or ``?id=1234567``;
* it has fewer than 7 or more than 15 digits: card numbers, long ids, lists;
* it lies inside an e-mail address (``john.5551234@x.com`` is one e-mail);
* it is a plain decimal such as ``1234.5678``;
* it starts with a date (``2024-01-15``, ``15.01.2024``) followed by the end
  or a space: ``2024-01-15 10:30`` is a time stamp; what follows a date is
  judged on its own (``2024-01-15 +44 20 7946 0958`` still finds the phone).

Plain 7+ digit numbers in text (``1500000 users``) and IPv4 addresses with 7+
digits are reported as phone numbers: the spec's rule says so, and a
compliance check should rather over-report than miss.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}")
_PHONE_TOKEN = re.compile(r"\+?\(?\d(?:[ .()-]{0,3}\d)*")
_DATE_PREFIX = re.compile(
    r"(?:[12]\d{3}([-.])\d{1,2}\1\d{1,2}|\d{1,2}([-.])\d{1,2}\2[12]\d{3})(?=[ ]|$)"
)
_DECIMAL = re.compile(r"\d+\.\d+")
_BAD_BEFORE = frozenset("-/#=&")
_DIGITS = re.compile(r"\d")
_NEXT_START = re.compile(r"[ .()-]*")
_MAX_PHONE_CHARS = 2 + 15 + 14 * 3  # "+(" , 15 digits, at most 3 separators between two
_MAX_MASK_PASSES = 4
_DIGIT_OR_AT = re.compile(r"[\d@]")  # the last resort: no digit, no "@", no pattern


@dataclass(frozen=True)
class Match:
    """One e-mail address or phone number inside a string: ``text[start:end]``."""

    kind: str  # "email" or "phone"
    start: int
    end: int


def _glued(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return (before.isalnum() or before == "_" or before in _BAD_BEFORE
            or after.isalnum() or after == "_")


def _phones(text: str, emails: list[Match]) -> list[Match]:
    found: list[Match] = []
    email_index = 0
    for token in _PHONE_TOKEN.finditer(text):
        start, end = token.span()
        date = _DATE_PREFIX.match(text, start, end)
        if date is not None:
            if _glued(text, start, date.end()):
                continue
            skipped = _NEXT_START.match(text, date.end(), end)
            again = _PHONE_TOKEN.match(text, skipped.end() if skipped else end, end)
            if again is None:
                continue
            start, end = again.span()
            if _DATE_PREFIX.match(text, start, end):
                continue
        if end - start > _MAX_PHONE_CHARS:
            continue
        candidate = text[start:end]
        digits = len(_DIGITS.findall(candidate))
        if not 7 <= digits <= 15 or _glued(text, start, end) or _DECIMAL.fullmatch(candidate):
            continue
        while email_index < len(emails) and emails[email_index].end <= start:
            email_index += 1
        if email_index < len(emails) and emails[email_index].start < end:
            continue  # digits inside an e-mail address
        found.append(Match("phone", start, end))
    return found


def find_patterns(text: str) -> list[Match]:
    """E-mail addresses and phone numbers in ``text``, in order of position."""
    has_at = "@" in text
    if not has_at and _DIGITS.search(text) is None:
        return []
    emails = [Match("email", m.start(), m.end()) for m in EMAIL.finditer(text)] if has_at else []
    matches = emails + _phones(text, emails)
    matches.sort(key=lambda m: m.start)
    return matches


def _mask_email(address: str) -> str:
    local, _, domain = address.rpartition("@")
    return _mask_plain(local) + "@" + domain


def _mask_plain(value: str) -> str:
    """Keep the first character and star the rest; never the value itself.

    When that would change nothing (one character, or text already starred
    such as ``a***``) every character is starred; a value made only of ``*``
    (or empty) gets one more, so even it comes out different.
    """
    for masked in (value[:1] + "*" * (len(value) - 1), "*" * len(value)):
        if masked != value:
            return masked
    return value + "*"


def mask_text(text: str, matches: list[Match]) -> str:
    """``text`` with each match masked and everything around it untouched.

    Masked again while the result still holds a pattern: masking an e-mail's
    local part can uncover a phone number in its kept domain
    (``a@555-123-4567.com``), which the first search skipped as part of the
    address. Each pass stars digits or local parts, so a few passes end it.
    """
    for _ in range(_MAX_MASK_PASSES):
        text = _mask_once(text, matches)
        matches = find_patterns(text)
        if not matches:
            return text
    return _DIGIT_OR_AT.sub("*", text)


def _mask_once(text: str, matches: list[Match]) -> str:
    parts: list[str] = []
    position = 0
    for match in matches:
        piece = text[match.start:match.end]
        parts.append(text[position:match.start])
        parts.append(_mask_email(piece) if match.kind == "email" else _mask_plain(piece))
        position = match.end
    parts.append(text[position:])
    return "".join(parts)


def mask_whole(value: str) -> str:
    """A sensitive field's value: an e-mail keeps its domain, anything else its first character.

    The result never equals ``value`` and holds no e-mail address or phone number.
    """
    masked = _mask_email(value) if EMAIL.fullmatch(value) else _mask_plain(value)
    matches = find_patterns(masked)
    return mask_text(masked, matches) if matches else masked
