"""The bad-documents corpus: malformed or hostile experiment files, and where each must be blamed.

Small cases live as files in ``tests/hardening/corpus/`` (written by
``.venv/bin/python -m tests.hardening.corpus_gen`` and committed, so they can
be opened and read); the multi-megabyte ones are generated at test time by
:func:`write_large` and never committed. ``EXPECTED`` maps each file to a
piece of text the rejection must contain: the place (``steps[1] (a)``,
``line 3, column 5``, ``name``) and what is wrong.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from orchestrator_gui.core.jsonio import DEFAULT_MAX_BYTES

CORPUS = Path(__file__).parent / "corpus"


def _doc(*steps: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {"id": "bad", "name": "Bad", "steps": list(steps) or [_step()], **top}


def _step(id: str = "s1", type: str = "input", **more: Any) -> dict[str, Any]:
    return {"id": id, "type": type, "name": "Step", **more}


def _j(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


GOOD = _j(_doc())

SMALL: dict[str, tuple[bytes, str]] = {
    "syntax-trailing-comma.json": (b'{"id": "bad", "name": "Bad",\n "steps": [],\n}', "line 3, column 1"),
    "syntax-unclosed.json": (b'{"id": "bad", "name": "Bad", "steps": [', "not valid JSON"),
    "syntax-single-quotes.json": (b"{'id': 'bad'}", "line 1, column 2"),
    "syntax-comment.json": (b'{"id": "bad" // a comment\n}', "line 1, column 14"),
    "syntax-two-documents.json": (GOOD + b"\n" + GOOD, "Extra data at line 2"),
    "bom-then-syntax-error.json": (b"\xef\xbb\xbf{\"id\": }", "not valid JSON"),
    "bom-twice.json": (b"\xef\xbb\xbf\xef\xbb\xbf" + GOOD, "not valid JSON"),
    "encoding-utf16.json": (GOOD.decode().encode("utf-16"), "UTF-16"),
    "encoding-utf32.json": (GOOD.decode().encode("utf-32"), "UTF-32"),
    "encoding-latin1.json": ('{"id": "bad", "name": "Caf\xe9"}'.encode("latin-1"), "not UTF-8 text"),
    "nul-bytes.json": (GOOD[:10] + b"\x00" + GOOD[10:], "not valid JSON"),
    "empty.json": (b"", "is empty"),
    "whitespace-only.json": (b"  \n\t \n", "is empty"),
    "top-null.json": (b"null", "not null"),
    "top-array.json": (b"[" + GOOD + b"]", "not a list"),
    "top-string.json": (b'"an experiment"', "not text"),
    "top-number.json": (b"42", "not a number"),
    "deep-nesting.json": (b"[" * 2000 + b"]" * 2000, "nested too deeply"),
    "deep-nesting-in-config.json": (
        b'{"id": "bad", "name": "Bad", "steps": [{"id": "s1", "type": "input", "name": "S",'
        b' "config": {"defaultValue": ' + b'{"a": ' * 300 + b"1" + b"}" * 300 + b"}}]}",
        "nested too deeply"),
    "same-key-twice.json": (b'{"id": "bad", "id": "other", "name": "Bad",'
                            b' "steps": [{"id": "s1", "type": "input", "name": "S"}]}',
                            "'id' appears twice"),
    "nan.json": (b'{"id": "bad", "name": "Bad", "steps": [{"id": "s1", "type": "ai_decision",'
                 b' "name": "S", "config": {"threshold": NaN}}]}', "NaN"),
    "infinity.json": (b'{"id": "bad", "name": "Bad", "steps": [{"id": "s1", "type": '
                      b'"ai_decision", "name": "S", "config": {"threshold": Infinity}}]}',
                      "Infinity"),
    "lone-surrogate.json": (b'{"id": "bad", "name": "\\ud800", "steps": []}', "\\u escape"),
    "raw-control-char.json": (b'{"id": "bad", "name": "B\x01ad", "steps": []}',
                              "Invalid control character at at line 1"),
    "control-char-in-step-id.json": (_j(_doc(_step(id="s\u001b[2J1"))),
                                     "steps[0] ('s\\x1b[2J1'): id: must not contain control"),
    "bidi-override-in-step-id.json": (_j(_doc(_step(id="s\u202e1"))), "U+202E"),
    "fifty-one-steps.json": (_j(_doc(*(_step(id=f"s{i}") for i in range(51)))),
                             "steps: must have at most 50 items (has 51)"),
    "no-steps.json": (_j(_doc() | {"steps": []}), "steps: must have at least 1"),
    "missing-steps.json": (b'{"id": "bad", "name": "Bad"}', "steps: "),
    "duplicate-step-ids.json": (_j(_doc(_step(id="a"), _step(id="a"))),
                                "steps[1] (a): id: 'a' is already used by steps[0]"),
    "unknown-step-type.json": (_j(_doc(_step(type="rm_rf"))),
                               "steps[0] (s1): type: unknown step type 'rm_rf'"),
    "config-not-object.json": (_j(_doc(_step(config=[1, 2]))), "steps[0] (s1): config"),
    "config-wrong-type.json": (_j(_doc(_step(type="transform", config={"mapping": "a->b"}))),
                               "steps[0] (s1): config.mapping"),
    "config-typo-key.json": (_j(_doc(_step(type="ai_decision", config={"treshold": 0.7}))),
                             "steps[0] (s1): config.treshold"),
    "config-out-of-range.json": (_j(_doc(_step(type="ai_decision", config={"threshold": 1.5}))),
                                 "steps[0] (s1): config.threshold: must be <= 1"),
    "config-bool-as-number.json": (_j(_doc(_step(type="ai_decision", config={"threshold": True}))),
                                   "steps[0] (s1): config.threshold"),
    "config-string-as-number.json": (
        _j(_doc(_step(type="ai_decision", config={"threshold": "0.7"}))),
        "steps[0] (s1): config.threshold"),
    "webhook-file-url.json": (_j(_doc(_step(type="webhook", config={"url": "file:///etc/passwd"}))),
                              "steps[0] (s1): config.url: must start with http:// or https://"),
    "negative-timeout.json": (_j(_doc(_step(timeoutSeconds=-1))),
                              "steps[0] (s1): timeoutSeconds: must be > 0"),
    "settings-wrong-type.json": (_j(_doc(settings={"maxDurationSeconds": "soon"})),
                                 "settings.maxDurationSeconds"),
    "bad-experiment-id.json": (_j(_doc() | {"id": "../../etc/passwd"}), "id: "),
    "step-id-too-long.json": (_j(_doc(_step(id="x" * 65))), "must be at most 64 characters"),
    "step-not-object.json": (_j(_doc() | {"steps": ["input"]}), "steps[0]"),
    "ui-positions-wrong.json": (_j(_doc(ui={"positions": {"s1": [1, 2, 3]}})), "ui.positions"),
}

# Generated at test time: (file name, builder of the bytes, expected text).
LARGE: list[tuple[str, Callable[[], bytes], str]] = [
    ("over-10-mb.json", lambda: padded(DEFAULT_MAX_BYTES + 1), "over the limit of 10.0 MB"),
    ("huge-name-5mb.json", lambda: _j(_doc() | {"name": "n" * 5 * 1024 * 1024}),
     "name: must be at most 200 characters"),
    ("huge-step-name-5mb.json", lambda: _j(_doc(_step() | {"name": "n" * 5 * 1024 * 1024})),
     "steps[0] (s1): name"),
]


def padded(size: int) -> bytes:
    """A valid experiment of exactly ``size`` bytes of compact JSON (its description pads it).

    Compact, because the limit is on compact bytes (docs/hardening.md).
    """
    base = json.dumps(_doc() | {"description": ""}, separators=(",", ":")).encode()
    return base.replace(b'"description":""', b'"description":"' + b"d" * (size - len(base)) + b'"')


def write_small(folder: Path = CORPUS) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, (data, _expected) in SMALL.items():
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    return paths


def write_large(folder: Path) -> list[Path]:
    paths = []
    for name, build, _expected in LARGE:
        path = folder / name
        path.write_bytes(build())
        paths.append(path)
    return paths


def expected(name: str) -> str:
    if name in SMALL:
        return SMALL[name][1]
    return next(text for n, _build, text in LARGE if n == name)


if __name__ == "__main__":
    written = write_small()
    print(f"wrote {len(written)} files to {CORPUS}")
