"""What the File menu does: new, open from the library, save, import, export, recent.

A mixin of the main window, kept apart so the window stays about layout.
Failures never change what is open: a broken import is reported in the
message bar (not a modal dialog) with every problem the loader found, and the
canvas keeps the previous experiment. Unsaved work is never dropped silently.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QFileDialog, QMessageBox

from orchestrator_gui.core.document import Experiment, load_experiment
from orchestrator_gui.core.errors import ExperimentError, OrchestratorError
from orchestrator_gui.ui import files
from orchestrator_gui.ui.canvas.convert import ChainError
from orchestrator_gui.ui.problems import problems_text

if TYPE_CHECKING:
    from orchestrator_gui.store import Store
    from orchestrator_gui.ui.main_window import MainWindow

JSON_FILTER = "Experiment JSON (*.json);;All files (*)"


class FileOps:
    """File and library commands of :class:`MainWindow`."""

    # --- helpers ----------------------------------------------------------------------

    def _w(self) -> MainWindow:
        return self  # type: ignore[return-value]

    def store(self) -> Store:
        w = self._w()
        if w._store is None:
            if w._store_failure is not None:
                raise w._store_failure
            try:
                w._store = w.store_opener()
            except OrchestratorError as exc:  # a damaged file, a newer schema, a folder
                w._store_failure = exc
                w.store_alarm.report(exc)
                raise
            w.store_alarm.watch(w._store)
        return w._store

    def show_message(self, text: str, level: str = "info") -> None:
        self._w().message_bar.show_message(text, level)

    def open_experiment(self, experiment: Experiment, *, path: Path | None = None,
                        library_id: str | None = None) -> None:
        w = self._w()
        w.document_path = path
        w.library_id = library_id
        w.canvas.load(experiment)
        w.message_bar.clear()
        w.refresh_state()
        if hasattr(w, "settings_controller"):  # e.g. no model endpoint for a prompt chain
            w.settings_controller.after_open(experiment)

    def current_document(self) -> dict[str, Any]:
        """The canvas as a document; ChainError when it is not one chain (nodes marked)."""
        return self._w().canvas.to_document()

    def current_experiment(self) -> Experiment | None:
        """The canvas as a validated experiment, or None with the reasons shown and marked."""
        if not self._w().problems_watch.show().ok:
            return None
        try:
            return load_experiment(self.current_document(), registry=self._w().registry)
        except (ChainError, ExperimentError):  # changed since the check: shown on the next one
            return None

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
            self._w(), "Unsaved changes",
            "This experiment has changes that are not saved. Save them first?", buttons,
            QMessageBox.StandardButton.Save)
        return {QMessageBox.StandardButton.Save: "save",
                QMessageBox.StandardButton.Discard: "discard"}.get(answer, "cancel")

    def confirm_discard(self) -> bool:
        """True when it is fine to replace what is open (saving first if asked to)."""
        w = self._w()
        if not w.dirty:
            return True
        answer = self.ask_unsaved()
        if answer == "save":
            return self.export_file(w.document_path) if w.document_path else self.save_to_library()
        return answer == "discard"

    # --- commands ---------------------------------------------------------------------

    def new_experiment(self) -> bool:
        if not self.confirm_discard():
            return False
        short = uuid.uuid4().hex[:8]
        experiment = load_experiment({
            "id": f"experiment-{short}", "name": "Untitled experiment",
            "steps": [{"id": "input-1", "type": "input", "name": "Collect Input", "config": {}}],
        }, registry=self._w().registry)
        self.open_experiment(experiment)
        return True

    def import_file(self, path: str | Path | None = None) -> bool:
        w = self._w()
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(w, "Import experiment", "", JSON_FILTER)
            if not chosen:
                return False
            path = chosen
        if not self.confirm_discard():
            return False
        try:
            experiment = load_experiment(str(path), registry=w.registry)
        except ExperimentError as exc:
            self.show_message(f"Could not import {Path(path).name}; nothing was changed.\n"
                              + problems_text(exc.problems), "error")
            return False
        w.import_guard.imported(experiment, path)  # asked about before its first run
        self.open_experiment(experiment, path=Path(path))
        w.recent.add(path)
        return True

    def export_file(self, path: str | Path | None = None) -> bool:
        w = self._w()
        experiment = self.current_experiment()
        if experiment is None:
            return False
        if path is None:
            suggested = str(w.document_path or Path.home() / f"{experiment.id}.json")
            chosen, _ = QFileDialog.getSaveFileName(w, "Export experiment", suggested, JSON_FILTER)
            if not chosen:
                return False
            path = chosen
        try:
            files.export_document(path, self.current_document())
        except OSError as exc:
            self.show_message(f"Could not write {path}: {exc.strerror or exc}. "
                              "Choose another folder.", "error")
            return False
        w.document_path = Path(path)
        w.recent.add(path)
        w.canvas.undo_stack.setClean()
        self.show_message(f"Exported to {path}", "success")
        w.refresh_state()
        return True

    def save_to_library(self) -> bool:
        w = self._w()
        experiment = self.current_experiment()
        if experiment is None:
            return False
        try:
            self.store().save_experiment(experiment)
        except (OrchestratorError, OSError) as exc:
            self.show_message(f"Could not save to the library: {exc}", "error")
            return False
        w.library_id = experiment.id
        w.canvas.undo_stack.setClean()
        self.show_message(f"Saved “{experiment.name}” to the library.", "success")
        w.refresh_state()
        return True

    def open_library_id(self, experiment_id: str) -> bool:
        try:
            experiment = self.store().get_experiment(experiment_id)
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
        self.open_experiment(experiment, library_id=experiment_id)
        return True

    def open_from_library(self) -> bool:
        from orchestrator_gui.ui.panels.library import LibraryDialog

        if not self.confirm_discard():
            return False
        try:
            dialog = LibraryDialog(self.store(), self._w())
        except OrchestratorError as exc:
            self.show_message(f"Could not open the library: {exc}", "error")
            return False
        if not dialog.exec() or not dialog.chosen_id:
            return False
        return self.open_library_id(dialog.chosen_id)

    def fill_recent_menu(self) -> None:
        w = self._w()
        w.recent_menu.clear()
        items = w.recent.load()
        if not items:
            w.recent_menu.addAction("No recent files").setEnabled(False)
        for item in items:
            action = w.recent_menu.addAction(Path(item).name)
            action.setToolTip(item)
            action.triggered.connect(lambda _c=False, p=item: self.import_file(p))

    def cut(self) -> None:
        canvas = self._w().canvas
        if canvas.copy():
            canvas.delete_selected()
