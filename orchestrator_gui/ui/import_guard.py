"""Before the first run of an imported experiment: say where it sends data, and ask.

Why it exists: people import experiments they did not write (issue 7). A
webhook URL or a model endpoint in such a file sends the run's input, which
may be personal data, to someone else's server. So the first run of an
experiment imported from a file lists the hosts it will contact and the
``${env:}``/``${secret:}`` values it reads (``trust.exposure``), marks the
hosts the network policy will refuse, and asks: Run, Dry run instead, or Cancel.

The answer is remembered per experiment id, with the hosts it covered, in
``imported-experiments.json`` in the user's config folder — deliberately not in
the document's ``ui`` block: a document cannot vouch for itself (a hostile
file would simply carry ``"confirmed": true``). An answer covers the hosts
shown; if the experiment later sends to a host not shown then, the app asks
again. Experiments opened from the library or the shipped examples are not
asked about; only files imported through File → Import (or given on the
command line) are. Cancel is not remembered.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from shiboken6 import isValid

from orchestrator_gui import resources
from orchestrator_gui.core import jsonio
from orchestrator_gui.core.atomic import write_atomic
from orchestrator_gui.core.result import utc_now
from orchestrator_gui.ui.files import config_dir

if TYPE_CHECKING:
    from orchestrator_gui.core.trust import Exposure
    from orchestrator_gui.ui.host import Host
    from orchestrator_gui.ui.hosts_dialog import HostsDialog
    from orchestrator_gui.ui.panels.simulator import RunRequest

FILENAME = "imported-experiments.json"
Rerun = Callable[["RunRequest"], object]


class ImportDecisions:
    """Imported experiments and the user's answer for each: ``{id: {file, answer, hosts, at}}``."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_dir() / FILENAME

    def load(self) -> dict[str, dict[str, Any]]:
        try:
            data = jsonio.parse_json(jsonio.read_bounded(self.path), what="imported experiments")
        except (OSError, ValueError):
            return {}
        return {k: v for k, v in data.items() if isinstance(v, dict)} if isinstance(data, dict) \
            else {}

    def get(self, experiment_id: str) -> dict[str, Any] | None:
        return self.load().get(experiment_id)

    def imported(self, experiment_id: str, file: str) -> None:
        """Note an import; an earlier answer for the same id stays (it covers only its hosts)."""
        data = self.load()
        entry = data.setdefault(experiment_id, {"answer": None, "hosts": []})
        entry["file"] = file
        self._write(data)

    def answer(self, experiment_id: str, answer: str | None, hosts: Sequence[str],
               references: Sequence[str] = ()) -> None:
        data = self.load()
        entry = data.setdefault(experiment_id, {})
        entry.update(answer=answer, hosts=sorted(hosts), references=sorted(references),
                     at=utc_now().isoformat())
        self._write(data)

    def _write(self, data: dict[str, Any]) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, jsonio.dumps_pretty(data).encode("utf-8"))
        except OSError:
            pass  # a read-only profile: the app simply asks again next time


def is_shipped(path: str | Path) -> bool:
    """Whether ``path`` is one of the examples shipped with the app."""
    try:
        return Path(path).resolve().parent == resources.path("examples").resolve()
    except OSError:
        return False


def exposure(experiment: Any, settings: Any, *, dry_run: bool = False) -> Exposure:
    """``trust.exposure``, imported when first needed: it brings httpx (~0.1 s of
    start-up), which showing the window does not need."""
    from orchestrator_gui.core.trust import exposure as find

    return find(experiment, settings, dry_run=dry_run)


class ImportGuard(QObject):
    """Asks before an imported experiment first sends data; the run panel calls ``holds``."""

    def __init__(self, host: Host, decisions: ImportDecisions | None = None) -> None:
        super().__init__(host.window())
        self.host = host
        self.decisions = decisions or ImportDecisions()
        self.dialog: HostsDialog | None = None

    def imported(self, experiment: Any, path: str | Path) -> None:
        if not is_shipped(path):
            self.decisions.imported(experiment.id, str(Path(path).resolve()))

    def holds(self, experiment: Any, request: RunRequest, rerun: Rerun) -> bool:
        """True when the run must not start now (a question is shown, or a hint)."""
        controller = self.host.session.settings_controller
        settings = controller.settings
        if controller.explain_missing_endpoints(experiment):
            return True
        entry = self.decisions.get(experiment.id)
        if entry is None:  # not imported from a file
            return False
        dry = request.dry_run
        found = exposure(experiment, settings, dry_run=dry)
        new = [h for h in found.hosts if h not in entry.get("hosts", [])]
        new += [r for r in found.names if r not in entry.get("references", [])]
        if not new:
            if entry.get("answer") == "dry-run" and not dry:
                self.host.show_message(
                    f"“{experiment.name}” runs as a dry run (webhooks send nothing), as you chose "
                    "for this imported experiment.", "info",
                    action=("Ask again", lambda: self.forget(experiment.id)))
                rerun(replace(request, dry_run=True))
                return True
            return False
        self.ask(experiment, found.hosts, entry, request, rerun)
        return True

    def forget(self, experiment_id: str) -> None:
        self.decisions.answer(experiment_id, None, [])
        self.host.show_message(
            "The app will ask again before the next run sends data.", "info")

    def ask(self, experiment: Any, hosts: list[str], entry: dict[str, Any],
            request: RunRequest, rerun: Rerun) -> HostsDialog:
        if self.dialog is not None and isValid(self.dialog) and self.dialog.isVisible():
            self.dialog.raise_()
            return self.dialog
        settings = self.host.session.settings
        from orchestrator_gui.ui.hosts_dialog import HostsDialog

        full = exposure(experiment, settings)
        all_hosts = full.hosts
        dialog = HostsDialog(experiment.name, entry.get("file") or "a file", all_hosts,
                             exposure(experiment, settings, dry_run=True).hosts, settings,
                             self.host.window(), seen=entry.get("hosts", []), exposure=full)

        def answered(answer: str) -> None:
            self.dialog = None
            if answer == "cancel":
                self.host.show_message("Run cancelled; nothing was sent.", "info")
                return
            self.decisions.answer(experiment.id, answer, all_hosts, full.names)
            rerun(replace(request, dry_run=True) if answer == "dry-run" else request)

        dialog.answered.connect(answered)
        self.dialog = dialog
        dialog.open()  # window-modal without a nested event loop (qasync, DESIGN.md)
        return dialog
