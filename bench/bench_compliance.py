"""compliance_check pattern-scan benchmark: hostile strings against ordinary text.

Run: ``.venv/bin/python -m bench.bench_compliance``. The baseline is 1 MB of
ordinary prose with a few e-mails and phone numbers, scanned in the same run;
each hostile 1 MB string (shapes that make naive patterns backtrack) prints
its ratio to it. Linear scanning keeps every ratio small; a quadratic pattern
would be thousands of times slower.
"""

from __future__ import annotations

from bench.common import best_of, report
from orchestrator_gui.core.steps._patterns import find_patterns

SIZE = 1_000_000
PROSE = "Dear team, please call Ann at +44 20 7946 0958 or write to ann@corp.example. " * 10
HOSTILE = {
    "letters without @": "a" * SIZE,
    "dotted run": "a." * (SIZE // 2),
    "many @": "a@" * (SIZE // 2),
    "endless domain": "x@" + "a." * (SIZE // 2),
    "one digit run": "1" * SIZE,
    "spaced digits": "1 " * (SIZE // 2),
    "dates": "2024-01-15 " * (SIZE // 11),
}


def main() -> None:
    prose = (PROSE * (SIZE // len(PROSE) + 1))[:SIZE]
    baseline = best_of(lambda: find_patterns(prose), repeat=3)
    for name, text in HOSTILE.items():
        def scan(text: str = text) -> object:
            return find_patterns(text)

        report(f"scan 1 MB, {name}", best_of(scan, repeat=3), baseline,
               goal="< 10x ordinary prose")


if __name__ == "__main__":
    main()
