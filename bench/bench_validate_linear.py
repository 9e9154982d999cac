"""Validating 10 MB of hostile template text (issue 20, item 3), against 10 MB of ordinary text.

Each document is a 10 MB experiment file whose ``prompt`` (or a webhook header)
is one pattern of braces, spaces, line breaks and dollars repeated; it is loaded
from bytes through ``load_experiment`` (median of 3), whether it is then
accepted or refused. The baseline is the same document with ordinary prose as
its prompt, in the same run. Goals: every pattern at most 1 s (0.1 s per MB)
and at most 2x the ordinary document.

Then rendering: the peak memory (tracemalloc) of rendering a template up to
the payload limit, and of refusing one that would pass it, against the limit.
Goal: at most 2x the limit above what was allocated before.

    .venv/bin/python -m bench.bench_validate_linear
"""

from __future__ import annotations

import json
import random
import tracemalloc
from collections.abc import Callable
from typing import Any

from bench.common import median_of
from orchestrator_gui import ExperimentError, load_experiment
from orchestrator_gui.core import jsonio
from orchestrator_gui.core.errors import PayloadTooLarge
from orchestrator_gui.core.llm.templates import render
from orchestrator_gui.core.registry import default_registry

TARGET = 10_000_000  # bytes of the string inside the document (the file is 10 MB)
MB = TARGET / 1e6
LIMIT = jsonio.DEFAULT_MAX_BYTES


def repeated(unit: str, head: str = "", tail: str = "") -> str:
    """``head + unit * k + tail`` of about TARGET bytes once written in JSON."""
    size = len(json.dumps(unit, ensure_ascii=False)) - 2
    return head + unit * ((TARGET - len(head) - len(tail)) // size) + tail


def soup(alphabet: list[str], seed: int) -> str:
    rng = random.Random(seed)
    return "".join(rng.choices(alphabet, k=TARGET // 2))


_NO_SYNTAX = str.maketrans("{}$", "abc")
PROSE = "Please summarise the customer's message and say which team should answer it. "
TEMPLATE_PROSE = "Dear {{user.name}}, your score is {{riskScore}}; summarise {{message}}. "

PROMPTS: dict[str, Callable[[], str]] = {
    "'{{' + spaces + 'x'": lambda: repeated(" ", "{{", "x"),
    "'{{' + spaces + 'x}}'": lambda: repeated(" ", "{{", "x}}"),
    "'{{' * n": lambda: repeated("{{"),
    "'{{' * n + '}}'": lambda: repeated("{{", tail="}}"),
    "'}}' * n": lambda: repeated("}}"),
    "'{{ \\n' * n + '}}'": lambda: repeated("{{ \n", tail="}}"),
    "'{{a\\nb}}' * n": lambda: repeated("{{a\nb}}"),
    "'{{{a\\nb}}' * n": lambda: repeated("{{{a\nb}}"),
    "'{ {} }' * n": lambda: repeated("{ {} }"),
    "'{{ }}' * n (refused)": lambda: repeated("{{ }}"),
    "'${' * n": lambda: repeated("${"),
    "soup of { } $ space newline": lambda: soup(["{", "}", "$", " ", "\n"], 1),
    "soup of {{ }} x space": lambda: soup(["{{", "}}", "x", " "], 2),
    "'{{x}}' * n (2 M variables)": lambda: repeated("{{x}}"),
}
HEADERS: dict[str, Callable[[], str]] = {
    "header '${' * n": lambda: repeated("${"),
    "header '$' * n": lambda: repeated("$"),
    "header '${env:A}' * n": lambda: repeated("${env:A}"),
    "header '${' + 'x' * n": lambda: repeated("x", "${"),
}


def document(prompt: str = "Hello", header: str | None = None) -> bytes:
    steps: list[dict[str, Any]] = [{"id": "ask", "type": "prompt", "name": "Ask",
                                    "config": {"endpoint": "local", "prompt": prompt}}]
    if header is not None:
        steps.append({"id": "hook", "type": "webhook", "name": "Hook", "config": {
            "url": "https://example.com/hook", "headers": {"X-Test": header}}})
    raw = json.dumps({"id": "bench", "name": "Bench", "steps": steps}).encode()
    assert len(raw) <= LIMIT, len(raw)
    return raw


def load(raw: bytes) -> str:
    try:
        load_experiment(raw)
    except ExperimentError:
        return "refused"
    return "accepted"


def validation() -> None:
    default_registry()
    ordinary = document(repeated(PROSE))
    with_variables = document(repeated(TEMPLATE_PROSE))
    load(ordinary)
    base = median_of(lambda: load(ordinary), repeat=3)
    base_vars = median_of(lambda: load(with_variables), repeat=3)
    print(f"ordinary 10 MB prompt (prose): {base * 1e3:.0f} ms, {base / MB * 1e3:.1f} ms/MB")
    print(f"ordinary 10 MB prompt (prose with 3 variables a line): {base_vars * 1e3:.0f} ms "
          f"({base_vars / base:.2f}x)")
    ordinary_header = document(header=repeated(PROSE))
    load(ordinary_header)  # the first webhook config imports httpx: not timed
    header_base = median_of(lambda: load(ordinary_header), repeat=3)
    print(f"ordinary 10 MB webhook header (prose): {header_base * 1e3:.0f} ms")
    print("  pattern                          outcome     time     per MB   vs prose  vs same "
          "text without { } $")
    cases = [(name, make(), False, base) for name, make in PROMPTS.items()]
    cases += [(name, make(), True, header_base) for name, make in HEADERS.items()]
    worst = worst_ratio = 0.0
    for name, text, in_header, baseline in cases:
        raw = document(header=text) if in_header else document(text)
        # the same shape (length, line breaks, JSON escapes) with no template syntax
        plain = text.translate(_NO_SYNTAX)
        same = document(header=plain) if in_header else document(plain)
        seconds = median_of(lambda raw=raw: load(raw), repeat=3)  # type: ignore[misc]
        shape = median_of(lambda same=same: load(same), repeat=3)  # type: ignore[misc]
        worst, worst_ratio = max(worst, seconds), max(worst_ratio, seconds / baseline)
        print(f"  {name:32} {load(raw):8} {seconds * 1e3:7.0f} ms  "
              f"{seconds / MB * 1e3:5.1f} ms/MB  {seconds / baseline:5.2f}x  {seconds / shape:5.2f}x")
    print(f"slowest: {worst * 1e3:.0f} ms = {worst / MB * 1e3:.1f} ms/MB (goal <= 100 ms/MB); "
          f"highest ratio {worst_ratio:.2f}x ordinary (goal <= 2x)")


def peak(fn: Callable[[], object]) -> tuple[int, str]:
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        try:
            fn()
            outcome = "rendered"
        except PayloadTooLarge:
            outcome = "refused"
        return tracemalloc.get_traced_memory()[1] - base, outcome
    finally:
        tracemalloc.stop()


def rendering() -> None:
    blob = {"blob": "x" * (100 * 1024)}
    nested = {"rows": [{"id": i, "text": "y" * 90} for i in range(1000)]}  # ~100 KB of JSON
    cases: list[tuple[str, Callable[[], object]]] = [
        ("'{{.}}' * 40,000 over a 100 KB input (4 GB before)",
         lambda: render("{{.}}" * 40_000, blob, where="p", max_bytes=LIMIT)),
        ("'{{blob}}' * 100: 10.0 MB of text, just under the limit",
         lambda: render("{{blob}}" * 100, blob, where="p", max_bytes=LIMIT)),
        ("'{{rows}}' * 90 (objects as JSON), just under the limit",
         lambda: render("{{rows}}" * 90, nested, where="p", max_bytes=LIMIT)),
        ("'{{rows.%d}}' each row once, many small values",
         lambda: render("".join(f"{{{{rows.{i}}}}}" for i in range(1000)) * 90, nested,
                        where="p", max_bytes=LIMIT)),
    ]
    print(f"rendering, payload limit {jsonio.human_size(LIMIT)}:")
    for name, fn in cases:
        size, outcome = peak(fn)
        print(f"  {name:58} {outcome:8} peak {size / 2**20:6.1f} MB = "
              f"{size / LIMIT:.2f}x the limit (goal <= 2x)")


def main() -> None:
    validation()
    rendering()


if __name__ == "__main__":
    main()
