"""What scrubbing known secrets costs (core/secret_scrub.py, core/known_secrets.py).

Run: ``.venv/bin/python -m bench.bench_scrub``. Three secrets are known, as
in a run whose webhook and model endpoint use ``${env:...}`` values.

1. Text: scrubbing 2 MB of each kind of text against 1 MB of the same
   (linear: about 2x), and 1 MB of prose against one ``str.find`` per
   secret (what finding only the plain values would cost). Hostile shapes
   are texts made of the characters a form can start with (``%``, ``\\``,
   the secret's own prefix, base64 padding), so nearly every position is a
   candidate.
2. A run: a 10-step chain passing on a 10 KB and a 200 KB payload, with
   three secrets known against none (the engine then scans each step's
   output once).
3. Logging: 20,000 DEBUG records through a handler, with the scrubbing
   record factory installed and secrets known, against the factory logging
   had before.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import os

from bench.common import best_of, median_of, report
from orchestrator_gui.core import known_secrets
from orchestrator_gui.core.engine import Engine, run_experiment
from orchestrator_gui.core.secret_scrub import compile_secrets, scrub_text

SECRETS = ("cnry-tok-" + "0123456789abcdef" * 2, "Bearer cnry-tok-" + "0123456789abcdef" * 2,
           "sk-another/secret+value-7f3a9c2e")
SIZE = 1_000_000
PROSE = "Dear team, the order 12345 shipped to Ann (ann@corp.example) at 10:30. " * 10
PREFIX = SECRETS[0][:12]
TEXTS = {
    "ordinary prose": PROSE,
    "JSON with escapes": '{"k": "caf\\u00e9 \\/ 100%25 done", "n": [1, 2, 3]}, ',
    "base64": base64.b64encode(os.urandom(3000)).decode(),
    "hex": os.urandom(3000).hex(),
    "hostile: percent escapes": "%25%32%41" * 100,
    "hostile: backslash escapes": "\\u0063\\x63\\/" * 100,
    "hostile: the secret's prefix": PREFIX * 100,
    "hostile: base64 padding": "Y25yeS10b2st" + "=" * 1000,
}


def fill(text: str, size: int = SIZE) -> str:
    return (text * (size // len(text) + 1))[:size]


def texts() -> None:
    compiled = compile_secrets(frozenset(SECRETS))
    prose = fill(PROSE)
    plain = best_of(lambda: [prose.find(s) for s in SECRETS], repeat=5)
    report("scrub 1 MB of prose, every form vs str.find of the plain values",
           best_of(lambda: scrub_text(prose, compiled), repeat=5), plain,
           goal="none: the price of the forms")
    for name, text in TEXTS.items():
        one, two = fill(text), fill(text, 2 * SIZE)
        report(f"scrub {name}: 2 MB vs 1 MB",
               best_of(lambda d=two: scrub_text(d, compiled), repeat=5),
               best_of(lambda d=one: scrub_text(d, compiled), repeat=5), goal="<= 2.5x (linear)")


def chain() -> dict[str, object]:
    steps: list[dict[str, object]] = [{"id": "in", "type": "input", "name": "In"}]
    steps += [{"id": f"t{i}", "type": "transform", "name": f"T{i}",
               "config": {"thresholds": {"n": i}}} for i in range(9)]
    return {"id": "scrub-bench", "name": "Scrub bench", "steps": steps}


def run_cost(size: int, goal: str) -> None:
    doc, payload = chain(), {"n": 1, "text": fill(PROSE)[:size]}
    engine = Engine()

    def one_run() -> None:
        result = asyncio.run(run_experiment(doc, payload, engine=engine))
        assert result.status == "success", result.error

    known_secrets.forget_all()
    none_known = median_of(one_run, repeat=7)
    known_secrets.remember(SECRETS)
    known = median_of(one_run, repeat=7)
    known_secrets.forget_all()
    report(f"10-step run, {size // 1000} KB payload: 3 secrets known vs none", known, none_known,
           goal=goal)


class _Count(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.format(record)
        self.count += 1


def logging_cost() -> None:
    logger = logging.getLogger("bench.scrub")
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    handler = _Count()
    logger.addHandler(handler)
    line = ("receive_response_headers.complete return_value=(b'HTTP/1.1', 200, b'OK', "
            "[(b'Content-Type', b'application/json'), (b'X-Request', b'%s')])")

    def log_many() -> None:
        for i in range(20_000):
            logger.debug(line, i)

    plain = logging.getLogRecordFactory()
    baseline = median_of(log_many, repeat=5)
    known_secrets.install_log_scrubber()
    known_secrets.remember(SECRETS)
    scrubbed = median_of(log_many, repeat=5)
    known_secrets.forget_all()
    logging.setLogRecordFactory(plain)
    report("20,000 DEBUG records: scrubbed vs plain", scrubbed, baseline, goal="<= 2x")


def main() -> None:
    texts()
    run_cost(10_000, "none: the cost, reported")
    run_cost(200_000, "none: the cost, reported (2 MB scanned in all)")
    logging_cost()


if __name__ == "__main__":
    main()
