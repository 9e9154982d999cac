"""JSON in and out, safely and fast.

Documents and run inputs arrive from files people did not write. This module
turns bytes into plain data or into one clear message (never a traceback):
syntax errors with line and column, a UTF-8 BOM (accepted), other encodings,
deep nesting (stdlib ``json`` raises ``RecursionError`` there), duplicate keys,
and sizes over the limit, checked before anything is parsed.

Serialisation goes through orjson: compact UTF-8, the form in which SPEC
measures the 10 MB payload limit, and ~30x faster than ``copy.deepcopy`` for
the snapshots the engine keeps of every step's input and output.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

MIB = 1024 * 1024
DEFAULT_MAX_BYTES = 10 * MIB
# Documents and inputs nest far less than this in practice; past it the
# stdlib parser and pydantic both start to recurse deeply.
MAX_DEPTH = 200

_UTF8_BOM = b"\xef\xbb\xbf"
_OTHER_BOMS = {
    b"\xff\xfe\x00\x00": "UTF-32 (little-endian)",
    b"\x00\x00\xfe\xff": "UTF-32 (big-endian)",
    b"\xff\xfe": "UTF-16 (little-endian)",
    b"\xfe\xff": "UTF-16 (big-endian)",
}


class JSONProblem(ValueError):
    """Text that is not acceptable JSON; the message says where and why."""


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON bytes (the form the payload limit is measured in)."""
    return orjson.dumps(value)


def dumps_pretty(value: Any) -> str:
    """Indented JSON text for people (exports, the CLI)."""
    return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode("utf-8")


def loads_trusted(data: bytes | str) -> Any:
    """Parse JSON that this program wrote itself (snapshots, the database)."""
    return orjson.loads(data)


def human_size(n: int) -> str:
    """``10485761`` -> ``"10.0 MB (10485761 bytes)"``; MB here is MiB, as in SPEC."""
    return f"{n / MIB:.1f} MB ({n} bytes)"


def decode_text(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, what: str = "file") -> str:
    """Bytes to text: size first, a UTF-8 BOM accepted, other encodings named."""
    if len(data) > max_bytes:
        raise JSONProblem(
            f"{what} is {human_size(len(data))}, over the limit of {human_size(max_bytes)}"
        )
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


def _depth_ok(value: Any, limit: int) -> bool:
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return False
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values() if isinstance(v, dict | list))
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item if isinstance(v, dict | list))
    return True


def parse_json(
    data: bytes | str,
    *,
    what: str = "file",
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = MAX_DEPTH,
    reject_duplicate_keys: bool = True,
) -> Any:
    """Parse untrusted JSON text or bytes into plain data, or raise ``JSONProblem``.

    orjson parses first: fast, and it refuses nesting past 1024 levels with an
    error instead of a crash. Duplicate keys (which orjson silently collapses)
    are then looked for with the stdlib parser, which is safe at that point
    because the depth is known to be within ``max_depth``.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    text = decode_text(raw, max_bytes=max_bytes, what=what)
    if not text.strip():
        raise JSONProblem(f"{what} is empty; expected a JSON object")
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        if "recursion" in str(exc).lower():
            raise JSONProblem(f"{what} is nested too deeply (more than {max_depth} levels)") from None
        raise JSONProblem(_syntax_message(text, what)) from None
    if not _depth_ok(value, max_depth):
        raise JSONProblem(f"{what} is nested too deeply (more than {max_depth} levels)")
    if reject_duplicate_keys and isinstance(value, dict | list):
        json.loads(text, object_pairs_hook=_reject_duplicates)
    return value


def check_duplicate_keys(data: bytes | str, *, what: str = "file") -> None:
    """Raise ``JSONProblem`` if an object in ``data`` (already parsed once) repeats a key.

    A second, slower parse with the stdlib; callers that validate anyway run it
    only on documents that passed, so hostile files are refused at orjson speed.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    text = decode_text(raw, max_bytes=len(raw), what=what)
    try:
        json.loads(text, object_pairs_hook=_reject_duplicates)
    except JSONProblem as exc:
        raise JSONProblem(f"{what} is not valid JSON: {exc}") from None


def _syntax_message(text: str, what: str) -> str:
    """Line and column of a syntax error, found with the stdlib parser's precise report."""
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        return f"{what} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
    except RecursionError:
        return f"{what} is nested too deeply"
    except ValueError as exc:  # pragma: no cover - other stdlib complaints
        return f"{what} is not valid JSON: {exc}"
    # stdlib accepts what orjson refused: NaN/Infinity or lone surrogates.
    return f"{what} is not valid JSON (NaN, Infinity or an invalid \\u escape)"


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
