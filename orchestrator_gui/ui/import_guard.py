"""Before a run of someone else's experiment: say where it sends data, and ask.

Why it exists: people import experiments they did not write. A
webhook URL or a model endpoint in such a file sends the run's input, which
may be personal data, to someone else's server. So before a run of an
experiment that came from outside — imported from a file (File → Import, the
command line) or opened from the library (which ``orchestrator import`` may
have filled) — the app checks its exposure (core/trust.py ``check``: the hosts
it sends to and the ``${env:}``/``${secret:}`` values it reads). Unless the
user approved that exact exposure before (in the app or with ``orchestrator
trust``), or it is a shipped example, the hosts dialog lists them, marks the
hosts the network policy will refuse, and asks: Run, Dry run instead, or
Cancel. Experiments made in the app are the user's own and never asked about.

The answer lives in the database's ``trusted_documents`` table
(``Store.approve``), the one the CLI reads, keyed by the exposure's
fingerprint — deliberately not in the document's ``ui`` block: a document
cannot vouch for itself (a hostile file would simply carry ``"confirmed":
true``). Changing a step that sends (a new host, a new variable) asks again.
"Dry run instead" approves only what a dry run sends and is remembered as a
preference (``dry-run-choices.json``): later runs become dry runs, with an
"Ask again". Cancel is not remembered. Approvals the app kept before in
``imported-experiments.json`` are moved into the table the first time that
experiment is checked (docs/hardening.md, "Trust").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from shiboken6 import isValid

from orchestrator_gui.core import jsonio
from orchestrator_gui.core.atomic import write_atomic
from orchestrator_gui.core.errors import OrchestratorError
from orchestrator_gui.core.result import utc_now
from orchestrator_gui.ui.files import config_dir

if TYPE_CHECKING:
    from orchestrator_gui.core.trust import Exposure
    from orchestrator_gui.ui.host import Host
    from orchestrator_gui.ui.hosts_dialog import HostsDialog
    from orchestrator_gui.ui.panels.simulator import RunRequest

LEGACY_FILENAME = "imported-experiments.json"
CHOICES_FILENAME = "dry-run-choices.json"
Rerun = Callable[["RunRequest"], object]


class JsonEntries:
    """A small ``{experiment id: {...}}`` file in the config folder; unreadable reads as empty,
    and a write that fails (a read-only profile) only means the app asks again."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> dict[str, dict[str, Any]]:
        try:
            data = jsonio.parse_json(jsonio.read_bounded(self.path), what=self.path.name)
        except (OSError, ValueError):
            return {}
        return {k: v for k, v in data.items() if isinstance(v, dict)} if isinstance(data, dict) \
            else {}

    def get(self, experiment_id: str) -> dict[str, Any] | None:
        return self.load().get(experiment_id)

    def put(self, experiment_id: str, entry: dict[str, Any] | None) -> None:
        data = self.load()
        if entry is None and experiment_id not in data:
            return
        if entry is None:
            del data[experiment_id]
        else:
            data[experiment_id] = entry
        try:
            if data:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                write_atomic(self.path, jsonio.dumps_pretty(data).encode("utf-8"))
            else:
                self.path.unlink(missing_ok=True)
        except OSError:
            pass


def exposure(experiment: Any, settings: Any, *, dry_run: bool = False) -> Exposure:
    """``trust.exposure``, imported when first needed: it brings httpx (~0.1 s of
    start-up), which showing the window does not need."""
    from orchestrator_gui.core.trust import exposure as find

    return find(experiment, settings, dry_run=dry_run)


class ImportGuard(QObject):
    """Asks before a document from outside first sends data; the run panel calls ``holds``."""

    def __init__(self, host: Host, folder: Path | None = None) -> None:
        super().__init__(host.window())
        self.host = host
        folder = folder or config_dir()
        self.choices = JsonEntries(folder / CHOICES_FILENAME)  # "Dry run instead", by id
        self.legacy = JsonEntries(folder / LEGACY_FILENAME)  # read once, then moved
        self.dialog: HostsDialog | None = None

    def holds(self, experiment: Any, request: RunRequest, rerun: Rerun) -> bool:
        """True when the run must not start now (a question is shown, or a hint)."""
        session = self.host.session
        if session.settings_controller.explain_missing_endpoints(experiment):
            return True
        if session.origin == "own":  # made here: the user is its author
            return False
        from orchestrator_gui.core.trust import check

        settings = session.settings
        full = exposure(experiment, settings)
        approved, seen = self._approvals(experiment, full)
        choice = self.choices.get(experiment.id)
        if choice is not None and choice.get("fingerprint") == full.fingerprint \
                and not request.dry_run \
                and check(experiment, settings, dry_run=True, approved=approved) is None:
            self.host.show_message(
                f"“{experiment.name}” runs as a dry run (webhooks send nothing), as you chose "
                "for this imported experiment.", "info",
                action=("Ask again", lambda: self.forget(experiment.id)))
            rerun(replace(request, dry_run=True))
            return True
        if check(experiment, settings, dry_run=request.dry_run, approved=approved) is None:
            return False
        self.ask(experiment, full, seen, request, rerun)
        return True

    def vouch(self, experiment: Any) -> None:
        """The user's own experiment (made in the app) went into the library: approve what
        it sends, so that opening it from there later does not ask."""
        if self.host.session.origin == "own":
            self._approve(exposure(experiment, self.host.session.settings), experiment.id,
                          "made in the app")

    def forget(self, experiment_id: str) -> None:
        self.choices.put(experiment_id, None)
        self.host.show_message("The app will ask again before the next run sends data.", "info")

    def ask(self, experiment: Any, full: Exposure, seen: list[str], request: RunRequest,
            rerun: Rerun) -> HostsDialog:
        if self.dialog is not None and isValid(self.dialog) and self.dialog.isVisible():
            self.dialog.raise_()
            return self.dialog
        from orchestrator_gui.ui.hosts_dialog import HostsDialog

        settings = self.host.session.settings
        dry = exposure(experiment, settings, dry_run=True)
        dialog = HostsDialog(experiment.name, self._source(), full.hosts, dry.hosts, settings,
                             self.host.window(), seen=seen, exposure=full)

        def answered(answer: str) -> None:
            self.dialog = None
            if answer == "cancel":
                self.host.show_message("Run cancelled; nothing was sent.", "info")
                return
            dry_run = answer == "dry-run"
            self._approve(dry if dry_run else full, experiment.id)
            self.choices.put(experiment.id, {"fingerprint": full.fingerprint,
                                             "at": utc_now().isoformat()} if dry_run else None)
            rerun(replace(request, dry_run=True) if dry_run else request)

        dialog.answered.connect(answered)
        self.dialog = dialog
        dialog.open()  # window-modal without a nested event loop (Stack traps)
        return dialog

    # --- the approvals (the store's trusted_documents) -------------------------------------

    def _source(self) -> str:
        path = self.host.session.path
        return str(path.resolve()) if path is not None else "the library"

    def _approvals(self, experiment: Any, full: Exposure) -> tuple[set[str], list[str]]:
        """The approved fingerprints, and the hosts the user approved for this experiment
        before (the dialog marks the others as new); nothing when there is no usable store."""
        try:
            store = self.host.store()
            self._migrate(experiment, full)
            approvals = store.list_approvals()
        except OrchestratorError:  # no usable database: ask (the window's StoreAlarm says why)
            return set(), []
        mine = [a for a in approvals if a["experimentId"] == experiment.id]
        seen = sorted({h for a in mine for h in a["hosts"]})
        return {a["fingerprint"] for a in approvals}, seen

    def _migrate(self, experiment: Any, full: Exposure) -> None:
        """Move the app's earlier answer for ``experiment`` (imported-experiments.json: the
        hosts and variables it covered) into the store, then drop it from the file."""
        experiment_id = experiment.id
        entry = self.legacy.get(experiment_id)
        if entry is None:
            return
        covered = set(full.hosts) <= set(entry.get("hosts") or []) \
            and set(full.names) <= set(entry.get("references") or []) and not full.unnamed
        if covered and entry.get("answer") == "run":
            self._approve(full, experiment_id, entry.get("file"))
        elif covered and entry.get("answer") == "dry-run":
            dry = exposure(experiment, self.host.session.settings, dry_run=True)
            self._approve(dry, experiment_id, entry.get("file"))
            self.choices.put(experiment_id, {"fingerprint": full.fingerprint,
                                             "at": entry.get("at")})
        self.legacy.put(experiment_id, None)

    def _approve(self, found: Exposure, experiment_id: str, source: Any = None) -> None:
        try:
            self.host.store().approve(found, experiment_id, source=str(source or self._source()))
        except OrchestratorError as exc:  # a full disk, a read-only database
            self.host.show_message(f"Your answer could not be kept, so the app will ask "
                                   f"again next time: {exc}".splitlines()[0], "warning")
