"""JSON in and out, safely and fast.

Documents and run inputs arrive from files people did not write. This module
turns bytes into plain data or into one clear message (never a traceback):
syntax errors with line and column, a UTF-8 BOM (accepted), other encodings,
deep nesting (stdlib ``json`` raises ``RecursionError`` there), duplicate keys,
numbers it cannot keep exactly (:mod:`numbers`), and sizes over the limit.

Sizes are compact bytes everywhere (the value as :func:`dumps` writes it), so
indentation never decides whether something is accepted. Text far over the
limit is refused before it is parsed: over :func:`raw_ceiling` from its
length alone, else when even its non-white-space bytes are too many.

Serialisation goes through orjson: compact UTF-8, the form in which the 10 MB
payload limit is measured (docs/format.md), and ~30x faster than ``copy.deepcopy`` for
the snapshots the engine keeps of every step's input and output.
"""

from __future__ import annotations

import json
import os
from typing import Any, BinaryIO

import orjson

from orchestrator_gui.core import numbers

MIB = 1024 * 1024
DEFAULT_MAX_BYTES = 10 * MIB
# Documents and inputs nest far less than this in practice; past it the
# stdlib parser and pydantic both start to recurse deeply.
MAX_DEPTH = 200
# How much larger than the compact-size limit JSON *text* may be: room for
# indentation (4 spaces at 6 levels is 3-4 times the compact size), not for a
# gigabyte of white space.
RAW_FACTOR = 8
# Compact JSON can be longer than the text it came from only by how floats are
# written (``1e15`` is ``1000000000000000.0``): at most this many times.
_MOST_GROWTH = 5
_BIG = 2**63
_READ_CHUNK = 1024 * 1024

_UTF8_BOM = b"\xef\xbb\xbf"
_OTHER_BOMS = {
    b"\xff\xfe\x00\x00": "UTF-32 (little-endian)",
    b"\x00\x00\xfe\xff": "UTF-32 (big-endian)",
    b"\xff\xfe": "UTF-16 (little-endian)",
    b"\xfe\xff": "UTF-16 (big-endian)",
}


class JSONProblem(ValueError):
    """Text that is not acceptable JSON; the message says where and why."""


class NumberProblem(JSONProblem):
    """A number our JSON cannot keep exactly; ``number`` says which and where (its path)."""

    def __init__(self, number: numbers.UnkeptNumber, what: str) -> None:
        super().__init__(number.message(what))
        self.number = number


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON bytes (the form the payload limit is measured in)."""
    return orjson.dumps(value)


def dumps_exact(value: Any, *, what: str = "value") -> bytes:
    """:func:`dumps` for values from outside our parser (the API, step handlers).

    Raises ``NumberProblem`` naming the path of a whole number beyond 64 bits
    (orjson cannot write it) or a NaN/Infinity (orjson would write ``null``
    in its place), and ``TypeError`` for what is not JSON at all. The walk
    that finds the path runs only when one of those can be there.
    """
    try:
        data = orjson.dumps(value)
    except TypeError:
        number = numbers.find_unkept_number(value)
        if number is not None:
            raise NumberProblem(number, what) from None
        raise
    if b"null" in data:
        number = numbers.find_unkept_number(value)
        if number is not None:
            raise NumberProblem(number, what)
    return data


def dumps_pretty(value: Any) -> str:
    """Indented JSON text for people (exports, the CLI)."""
    return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode("utf-8")


def loads_trusted(data: bytes | str) -> Any:
    """Parse JSON that this program wrote itself (snapshots, the database)."""
    return orjson.loads(data)


def human_size(n: int) -> str:
    """``10485761`` -> ``"10.0 MB (10485761 bytes)"``; MB here is MiB, as in docs/format.md."""
    return f"{n / MIB:.1f} MB ({n} bytes)"


def raw_ceiling(max_bytes: int) -> int:
    """The most bytes of JSON *text* read for a limit of ``max_bytes`` compact bytes.

    The limit is on compact JSON (no white space), so an indented file may be
    larger than the limit and still be accepted. White space alone must not
    make us read a gigabyte, though: text over this ceiling is refused from its
    length (a file from its size, before it is read).
    """
    return RAW_FACTOR * max_bytes


def read_bounded(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES,
                 what: str = "file") -> bytes:
    """The bytes of ``path``, refusing a file over :func:`raw_ceiling` without reading it."""
    with open(path, "rb") as stream:
        size = os.fstat(stream.fileno()).st_size
        check_raw_size(size, max_bytes=max_bytes, what=what)
        head = stream.read(size) if size else b""  # a pipe or /dev/stdin says 0: all is "rest"
        return head + read_stream_bounded(stream, max_bytes=max_bytes, what=what,
                                          already=len(head))


def read_stream_bounded(stream: BinaryIO, *, max_bytes: int = DEFAULT_MAX_BYTES,
                        what: str = "input", already: int = 0) -> bytes:
    """What is left in ``stream`` (stdin, a file), up to :func:`raw_ceiling` in all; more is refused.

    Read in chunks, so that no buffer of the ceiling's size is ever allocated.
    """
    room = raw_ceiling(max_bytes) - already
    chunks: list[bytes] = []
    while True:
        chunk = stream.read(min(_READ_CHUNK, room + 1))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        room -= len(chunk)
        if room < 0:
            raise JSONProblem(_over_ceiling(what, None, max_bytes))


def _over_ceiling(what: str, size: int | None, max_bytes: int) -> str:
    size_text = "" if size is None else f" {human_size(size)},"
    return (f"{what} is{size_text} over the limit of {human_size(raw_ceiling(max_bytes))} "
            f"for JSON text with its white space (the limit on compact JSON is "
            f"{human_size(max_bytes)})")


def over_compact_limit(what: str, size: int, max_bytes: int, *, at_least: bool = False) -> str:
    """The message for JSON whose compact form is over ``max_bytes``."""
    size_text = f"at least {human_size(size)}" if at_least else human_size(size)
    return f"{what} is {size_text} as compact JSON, over the limit of {human_size(max_bytes)}"


def check_raw_size(size: int, *, max_bytes: int = DEFAULT_MAX_BYTES, what: str = "file") -> None:
    """Refuse text of ``size`` bytes that cannot be within ``max_bytes`` compact bytes cheaply.

    Over :func:`raw_ceiling` it is refused unread; otherwise the exact rule
    (compact bytes) is applied by :func:`parse_json`.
    """
    if size > raw_ceiling(max_bytes):
        raise JSONProblem(_over_ceiling(what, size, max_bytes))


def check_size_before_parsing(raw: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES,
                              what: str = "file") -> None:
    """Refuse JSON text that is over ``max_bytes`` compact bytes for sure, without parsing it.

    Over :func:`raw_ceiling` from its length; otherwise when its bytes less
    white space and escapes are already too many. What passes may still be
    over the limit by a few bytes; :func:`parse_json` measures that exactly.
    """
    check_raw_size(len(raw), max_bytes=max_bytes, what=what)
    if len(raw) <= max_bytes:
        return  # white space and escapes only shrink it (floats' growth is measured later)
    at_least = compact_size_lower_bound(raw)
    if at_least > max_bytes:
        raise JSONProblem(over_compact_limit(what, at_least, max_bytes, at_least=True))


def decode_text(data: bytes, *, what: str = "file") -> str:
    """Bytes to text: a UTF-8 BOM accepted, other encodings named."""
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM) :]
    for bom, name in _OTHER_BOMS.items():
        if data.startswith(bom):
            raise JSONProblem(f"{what} is encoded as {name}; save it as UTF-8 and try again")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise JSONProblem(
            f"{what} is not UTF-8 text (byte 0x{data[exc.start]:02x} at line {line}, "
            f"offset {exc.start}); save it as UTF-8 and try again"
        ) from None


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise JSONProblem(f"the key {key!r} appears twice in the same object")
        out[key] = value
    return out


def _skip(_text: str) -> None:
    """Numbers are not needed to look for duplicate keys (and big ones cost time to convert)."""
    return None


def _loads_pairs_only(text: str) -> None:
    json.loads(text, object_pairs_hook=_reject_duplicates, parse_int=_skip,
               parse_float=_skip, parse_constant=_skip)


def _scan(value: Any, limit: int) -> tuple[bool, bool]:
    """``(within the depth limit, holds a float of 2**63 or more in size)``, in one pass.

    orjson reads a whole number outside the 64-bit range as the nearest float
    without a word, so such a float is the sign that one may be there; the
    exact check (:func:`numbers.find_unkept_number_in_text`) runs only then.
    """
    if type(value) is float:
        return True, not -_BIG < value < _BIG
    suspect = False
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return False, suspect
        kind = type(item)
        if kind is not dict and kind is not list:
            continue
        for child in item.values() if kind is dict else item:
            child_kind = type(child)
            if child_kind is dict or child_kind is list:
                stack.append((child, depth + 1))
            elif child_kind is float and not -_BIG < child < _BIG:
                suspect = True
    return True, suspect


def parse_json(
    data: bytes | str,
    *,
    what: str = "file",
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = MAX_DEPTH,
    reject_duplicate_keys: bool = True,
) -> Any:
    """Parse untrusted JSON text or bytes into plain data, or raise ``JSONProblem``.

    ``max_bytes`` limits the *compact* size (the value as :func:`dumps` writes
    it), so white space never decides acceptance; text over
    :func:`raw_ceiling` is refused from its length before it is decoded.

    orjson parses first: fast, and it refuses nesting past 1024 levels with an
    error instead of a crash. A whole number outside the 64-bit range, which
    orjson would round to a float, is refused naming its path (a
    ``NumberProblem``), as is a number too large for a float. Duplicate keys
    (which orjson silently collapses) are then looked for with the stdlib
    parser, which is safe at that point because the depth is known to be
    within ``max_depth``.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    check_size_before_parsing(raw, max_bytes=max_bytes, what=what)
    text = decode_text(raw, what=what)
    if not text.strip():
        raise JSONProblem(f"{what} is empty; expected a JSON object")
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        if "recursion" in str(exc).lower():
            raise JSONProblem(f"{what} is nested too deeply (more than {max_depth} levels)") from None
        number = _number_refused_by_orjson(text, exc)
        if number is not None:
            raise NumberProblem(number, what) from None
        raise JSONProblem(_syntax_message(text, what, exc)) from None
    depth_ok, suspect = _scan(value, max_depth)
    if not depth_ok:
        raise JSONProblem(f"{what} is nested too deeply (more than {max_depth} levels)")
    if suspect:
        number = numbers.find_unkept_number_in_text(text)
        if number is not None:
            raise NumberProblem(number, what)
    if len(raw) * _MOST_GROWTH > max_bytes:
        size = len(dumps(value))
        if size > max_bytes:
            raise JSONProblem(over_compact_limit(what, size, max_bytes))
    if reject_duplicate_keys and isinstance(value, dict | list):
        _loads_pairs_only(text)
    return value


def check_duplicate_keys(data: bytes | str, *, what: str = "file") -> None:
    """Raise ``JSONProblem`` if an object in ``data`` (already parsed once) repeats a key.

    A second, slower parse with the stdlib; callers that validate anyway run it
    only on documents that passed, so hostile files are refused at orjson speed.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    text = decode_text(raw, what=what)
    try:
        _loads_pairs_only(text)
    except JSONProblem as exc:
        raise JSONProblem(f"{what} is not valid JSON: {exc}") from None


def _number_refused_by_orjson(text: str, error: orjson.JSONDecodeError) -> numbers.UnkeptNumber | None:
    """NaN, Infinity or a number too large for a float, by its path (else line and column)."""
    if "infinity" not in error.msg and "NaN" not in text and "Infinity" not in text:
        return None
    number = numbers.find_unkept_number_in_text(text)
    if number is None and "infinity" in error.msg:  # "number is infinity when parsed as double"
        number = numbers.huge_number_at(text, error.pos, error.lineno, error.colno)
    return number


def _syntax_message(text: str, what: str, error: orjson.JSONDecodeError) -> str:
    """Line and column of a syntax error, found with the stdlib parser's precise report."""
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        return f"{what} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
    except RecursionError:
        return f"{what} is nested too deeply"
    except ValueError as exc:  # pragma: no cover - other stdlib complaints
        return f"{what} is not valid JSON: {exc}"
    # stdlib accepts what orjson refused: here, a lone surrogate (NaN and Infinity are found above).
    return (f"{what} is not valid JSON: an invalid \\u escape (a lone surrogate) at line "
            f"{error.lineno}, column {error.colno}")


def compact_size_lower_bound(raw: bytes) -> int:
    """A cheap lower bound of the compact size of JSON ``raw``, without parsing.

    Whitespace may go and each escape may shrink (``\\u0041`` is one byte
    compact), so the compact form has at least ``len - whitespace - 5 *
    backslashes`` bytes. Text that has none of those bytes (the usual machine
    output) is its own compact size; ``bytes.find`` (memchr) tells that at
    memory speed, one cache-sized chunk at a time so the data is read from
    RAM once, and an oversized input is refused for under 1% of what parsing
    it would cost (bench/bench_engine.py). Otherwise one ``translate`` pass
    counts them.
    """
    if not _has_shrinkable(raw):
        return len(raw)
    kept = raw.translate(None, b" \n\r\t")
    return len(kept) - 5 * kept.count(b"\\")


_SHRINKABLE = (b" ", b"\n", b"\\", b"\t", b"\r")
_CHUNK = 256 * 1024


def _has_shrinkable(raw: bytes) -> bool:
    find = raw.find
    for start in range(0, len(raw), _CHUNK):
        end = start + _CHUNK
        for byte in _SHRINKABLE:
            if find(byte, start, end) >= 0:
                return True
    return False
