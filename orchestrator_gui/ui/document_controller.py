"""What the File menu does: new, open from the library, save, import, export, recent.

The window owns one :class:`DocumentController`; it changes what is open and
notes it in the window's :class:`~orchestrator_gui.ui.document.DocumentSession`
(where the document came from, whether it is saved). Failures never change
what is open: a broken import is reported in the message bar (not a modal
dialog) with every problem the loader found, and the canvas keeps the previous
experiment. Unsaved work is never dropped silently.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMenu, QMessageBox

from orchestrator_gui.core.document import Experiment, load_experiment
from orchestrator_gui.core.errors import ExperimentError, OrchestratorError
from orchestrator_gui.ui import files
from orchestrator_gui.ui.document import Origin
from orchestrator_gui.ui.panels.experiment_form import DocumentEdit, with_value
from orchestrator_gui.ui.problems import problems_text

if TYPE_CHECKING:
    from orchestrator_gui.ui.files import RecentFiles
    from orchestrator_gui.ui.host import Host
    from orchestrator_gui.ui.message_bar import MessageBar
    from orchestrator_gui.ui.problems import ProblemsWatch

JSON_FILTER = "Experiment JSON (*.json);;All files (*)"


UNTITLED = "Untitled experiment"  # the name a new experiment starts with

class DocumentController:
    """File and library commands of one window (``host``).

    ``refresh`` redraws the window's state (title, unsaved marker, source) after
    a command changed what is open or whether it is saved.
    """

    def __init__(self, host: Host, message_bar: MessageBar, problems: ProblemsWatch,
                 recent: RecentFiles, refresh: Callable[[], None]) -> None:
        self.host = host
        self.problems = problems  # what is wrong with the canvas, shown and marked
        self.session = host.session
        self.canvas = host.canvas
        self.message_bar = message_bar
        self.recent = recent
        self.refresh = refresh

    # --- helpers ----------------------------------------------------------------------

    def show_message(self, text: str, level: str = "info") -> None:
        self.message_bar.show_message(text, level)

    def open_experiment(self, experiment: Experiment, *, path: Path | None = None,
                        library_id: str | None = None, origin: Origin = "own") -> None:
        """Put ``experiment`` on the canvas; ``origin`` says whether its runs need consent
        first (``"file"``, ``"library"``: ui/import_guard.py) or not (``"own"``)."""
        self.session.opened(path=path, library_id=library_id, origin=origin)
        self.canvas.load(experiment)
        self.message_bar.clear()
        self.refresh()
        self.session.settings_controller.after_open(experiment)  # e.g. no model endpoint

    def current_document(self) -> dict[str, Any]:
        """The canvas as a document; ChainError when it is not one chain (nodes marked)."""
        return self.canvas.to_document()

    def current_experiment(self) -> Experiment | None:
        """The canvas as a validated experiment, or None with the reasons shown and marked."""
        self.problems.show()
        return self.problems.experiment  # None when there are problems (now shown)

    def validate(self) -> bool:
        experiment = self.current_experiment()
        if experiment is not None:
            self.show_message(f"✓ {experiment.name}: {len(experiment.steps)} steps, ready to run.",
                              "success")
        return experiment is not None

    # --- unsaved changes --------------------------------------------------------------

    def ask_unsaved(self) -> str:
        """'save', 'discard' or 'cancel' (tests replace this method)."""
        buttons = (QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                   | QMessageBox.StandardButton.Cancel)
        answer = QMessageBox.question(
            self.host.window(), "Unsaved changes",
            "This experiment has changes that are not saved. Save them first?", buttons,
            QMessageBox.StandardButton.Save)
        return {QMessageBox.StandardButton.Save: "save",
                QMessageBox.StandardButton.Discard: "discard"}.get(answer, "cancel")

    def confirm_discard(self) -> bool:
        """True when it is fine to replace what is open (saving first if asked to)."""
        if not self.session.dirty:
            return True
        answer = self.ask_unsaved()
        if answer == "save":
            path = self.session.path
            return self.export_file(path) if path else self.save_to_library()
        return answer == "discard"

    # --- commands ---------------------------------------------------------------------

    def new_experiment(self) -> bool:
        if not self.confirm_discard():
            return False
        short = uuid.uuid4().hex[:8]
        experiment = load_experiment({
            "id": f"experiment-{short}", "name": UNTITLED,
            "steps": [{"id": "input-1", "type": "input", "name": "Collect Input", "config": {}}],
        }, registry=self.host.registry)
        self.open_experiment(experiment)
        return True

    def import_file(self, path: str | Path | None = None) -> bool:
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(self.host.window(), "Import experiment", "",
                                                    JSON_FILTER)
            if not chosen:
                return False
            path = chosen
        if not self.confirm_discard():
            return False
        try:
            experiment = load_experiment(str(path), registry=self.host.registry)
        except ExperimentError as exc:
            self.show_message(f"Could not import {Path(path).name}; nothing was changed.\n"
                              + problems_text(exc.problems), "error")
            return False
        # someone else's file until the user approves what it sends (ui/import_guard.py)
        self.open_experiment(experiment, path=Path(path), origin="file")
        self.recent.add(path)
        return True

    def export_file(self, path: str | Path | None = None) -> bool:
        experiment = self.current_experiment()
        if experiment is None:
            return False
        if path is None:
            suggested = str(self.session.path or Path.home() / f"{experiment.id}.json")
            chosen, _ = QFileDialog.getSaveFileName(self.host.window(), "Export experiment",
                                                    suggested, JSON_FILTER)
            if not chosen:
                return False
            path = chosen
        try:
            files.export_document(path, self.current_document())
        except OSError as exc:
            self.show_message(f"Could not write {path}: {exc.strerror or exc}. "
                              "Choose another folder.", "error")
            return False
        self.session.path = Path(path)
        self.recent.add(path)
        self.canvas.undo_stack.setClean()
        self.show_message(f"Exported to {path}", "success")
        self.refresh()
        return True

    def ask_name(self) -> str | None:
        """The name for an untitled experiment, or None if the user cancels (tests replace
        this method)."""
        text, ok = QInputDialog.getText(self.host.window(), "Save to library",
                                        "Name this experiment:")
        return text.strip() if ok and text.strip() else None

    def name_untitled(self) -> bool:
        """Before an untitled experiment goes to the library, ask for its name (and make its
        generated id from it): one undo step. False when the user cancels."""
        base = self.canvas.base
        if base.get("name") != UNTITLED:
            return True
        name = self.ask_name()
        if name is None:
            return False
        after = with_value(base, "name", name)
        slug = re.sub(r"[^A-Za-z0-9._-]+", "-", name.lower()).strip("-._")[:64]
        if str(base.get("id", "")).startswith("experiment-") and slug:
            after = with_value(after, "id", slug)
        self.canvas.undo_stack.push(DocumentEdit(self.canvas, base, after, "Name the experiment"))
        return True

    def save_to_library(self) -> bool:
        if not self.name_untitled():
            return False
        experiment = self.current_experiment()
        if experiment is None:
            return False
        try:
            self.host.store().save_experiment(experiment)
        except (OrchestratorError, OSError) as exc:
            self.show_message(f"Could not save to the library: {exc}", "error")
            return False
        self.session.library_id = experiment.id
        self.host.import_guard.vouch(experiment)  # made here: not asked about when reopened
        self.canvas.undo_stack.setClean()
        self.show_message(f"Saved “{experiment.name}” to the library.", "success")
        self.refresh()
        return True

    def open_library_id(self, experiment_id: str) -> bool:
        try:
            experiment = self.host.store().get_experiment(experiment_id)
        except KeyError:
            self.show_message(f"There is no experiment {experiment_id!r} in the library.", "error")
            return False
        except ExperimentError as exc:
            self.show_message(f"The stored experiment {experiment_id!r} is invalid:\n"
                              + problems_text(exc.problems), "error")
            return False
        except OrchestratorError as exc:
            self.show_message(f"Could not open the library: {exc}", "error")
            return False
        # the library may hold what `orchestrator import` put there: asked about like a file
        self.open_experiment(experiment, library_id=experiment_id, origin="library")
        return True

    def open_from_library(self) -> bool:
        from orchestrator_gui.ui.panels.library import LibraryDialog

        if not self.confirm_discard():
            return False
        try:
            dialog = LibraryDialog(self.host.store(), self.host.window())
        except OrchestratorError as exc:
            self.show_message(f"Could not open the library: {exc}", "error")
            return False
        if not dialog.exec() or not dialog.chosen_id:
            return False
        return self.open_library_id(dialog.chosen_id)

    def fill_recent_menu(self, menu: QMenu) -> None:
        menu.clear()
        items = self.recent.load()
        if not items:
            menu.addAction("No recent files").setEnabled(False)
        for item in items:
            action = menu.addAction(Path(item).name)
            action.setToolTip(item)
            action.triggered.connect(lambda _c=False, p=item: self.import_file(p))
