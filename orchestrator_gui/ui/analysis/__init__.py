"""The desktop views of "what changed, and does it still behave?".

Comparison, scenario suites, sweeps and baselines are decided headless in
``core/compare.py``, ``core/suites.py``, ``core/sweeps.py`` and
``core/baselines.py``; the modules here only draw their results and forward
the user's intent to them, so the CLI and the app can never disagree.
``wiring.Analysis`` puts it all into the main window (its ``Host``, ui/host.py).
"""
