"""A run drawn over the canvas: glow, status badges, durations and data on the move.

Everything here is view state and never enters the undo history: a badge is
a child graphics item of the node, the glow a :class:`Glow` item behind
``node.view`` (both kept on the node, hidden, once made), skipped steps are
dimmed with the item's opacity, and the moving data is one scene item tracing
the edge into the running step. The
overlay draws a run of ui/shown_run.py (``show(view)``): a live one it then
follows event by event, or a stored one it redraws; either way ``step(step_id)``
gives the inspector what that step received and produced.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import ClassVar

from PySide6.QtCore import QObject, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPainterPath, QPixmap
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsPixmapItem,
    QGraphicsRectItem,
)
from shiboken6 import isValid

from orchestrator_gui.core.events import RunFinished, StepFinished, StepStarted
from orchestrator_gui.core.result import RunResult, utc_now
from orchestrator_gui.core.status import UNRUN_STEP_STATUSES, RunStatus, StepStatus
from orchestrator_gui.ui.bridge import RunBridge, connect_event
from orchestrator_gui.ui.canvas.editor import Canvas
from orchestrator_gui.ui.canvas.layout import NODE_HEIGHT, NODE_WIDTH
from orchestrator_gui.ui.canvas.nodes import StepNode
from orchestrator_gui.ui.shown_run import LiveRun, RunView, StepView
from orchestrator_gui.ui.status_style import COLORS, badge_text

PENDING_COLOR = COLORS[StepStatus.PENDING]
RUNNING_COLOR = COLORS[StepStatus.RUNNING]
# Bound once for the per-event path (docs/architecture.md, UI rule 10).
_RUNNING, _SKIPPED = StepStatus.RUNNING, StepStatus.SKIPPED
FRAME_MS = 33
# Data moves on the edge and the glow pulses once a step has run this long: a shorter
# step is over before a frame would show movement (docs/architecture.md, UI rule 5).
ANIMATE_AFTER_MS = 250


class StatusBadge(QGraphicsPixmapItem):
    """A pill on the node's lower edge: status mark, word and duration.

    Drawn once per text and colour into a pixmap that Qt paints in C++, never by a
    Python ``paint`` called back on every repaint near it (docs/architecture.md,
    UI rule 6).
    """

    SCALE = 2  # pixels per unit: crisp up to 200 % zoom
    CACHE = 256
    _pills: ClassVar[OrderedDict[tuple[str, str], QPixmap]] = OrderedDict()

    def __init__(self, parent: QGraphicsItem) -> None:
        super().__init__(parent)
        self.text = ""
        self.color = QColor(PENDING_COLOR)
        self.setZValue(5)
        self.setShapeMode(QGraphicsPixmapItem.ShapeMode.BoundingRectShape)
        self.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)  # clicks go to the node

    def set(self, text: str, color: str) -> None:
        if text == self.text and QColor(color) == self.color and not self.pixmap().isNull():
            return
        self.text, self.color = text, QColor(color)
        pixmap = self._pill(text, color)
        self.setPixmap(pixmap)
        width = pixmap.width() / self.SCALE
        self.setOffset(NODE_WIDTH - width - 11, NODE_HEIGHT - 11)

    @classmethod
    def _pill(cls, text: str, color: str) -> QPixmap:
        key = (text, color)
        pixmap = cls._pills.get(key)
        if pixmap is not None:
            cls._pills.move_to_end(key)
            return pixmap
        font = QFont()
        font.setPointSizeF(8.0)
        font.setWeight(QFont.Weight.Bold)
        width = QFontMetricsF(font).horizontalAdvance(text) + 16
        image = QImage(round((width + 2) * cls.SCALE), 22 * cls.SCALE,
                       QImage.Format.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(cls.SCALE)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        fill = QColor(color)
        rect = QRectF(1, 1, width, 20)
        painter.setPen(QColor("#181b21"))
        painter.setBrush(fill)
        painter.drawRoundedRect(rect, 10, 10)
        painter.setFont(font)
        painter.setPen(QColor("#0d1117") if fill.lightness() > 150 else QColor("#ffffff"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.end()
        pixmap = cls._pills[key] = QPixmap.fromImage(image)
        if len(cls._pills) > cls.CACHE:
            cls._pills.popitem(last=False)
        return pixmap


class Glow(QGraphicsPixmapItem):
    """A soft halo behind the active node: drawn once per colour, pulsing by opacity.

    Why not a ``QGraphicsDropShadowEffect``: it blurs again on every repaint that
    touches the node (docs/architecture.md, UI rule 6). This one is a pixmap Qt
    draws in C++, and pulsing only changes its opacity.
    """

    RADIUS = 24
    _pixmaps: ClassVar[dict[str, QPixmap]] = {}

    def __init__(self) -> None:
        super().__init__()
        self.color = ""
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemStacksBehindParent)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setOffset(-self.RADIUS, -self.RADIUS)
        self.setVisible(False)

    def show_on(self, item: QGraphicsItem, color: str) -> None:
        if self.parentItem() is not item:
            self.setParentItem(item)
        if color != self.color:
            self.color = color
            self.setPixmap(self._halo(color))
        self.setVisible(True)

    @classmethod
    def _halo(cls, color: str) -> QPixmap:
        pixmap = cls._pixmaps.get(color)
        if pixmap is None:
            r = cls.RADIUS
            image = QImage(int(NODE_WIDTH) + 2 * r, int(NODE_HEIGHT) + 2 * r,
                           QImage.Format.Format_ARGB32_Premultiplied)
            image.fill(Qt.GlobalColor.transparent)
            painter = QPainter(image)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            layer = QColor(color)
            layer.setAlphaF(0.05)
            painter.setBrush(layer)
            for grow in range(r, 0, -1):  # faint rings that add up towards the node's edge
                inset = r - grow
                painter.drawRoundedRect(QRectF(inset, inset, NODE_WIDTH + 2 * grow,
                                               NODE_HEIGHT + 2 * grow), 8 + grow, 8 + grow)
            painter.end()
            pixmap = cls._pixmaps[color] = QPixmap.fromImage(image)
        return pixmap


class DataFlow(QGraphicsRectItem):
    """Dots travelling along the edge into the running step: data on its way.

    Three ellipse items that Qt paints, moved along the edge's path each frame;
    the item itself draws nothing. (A Python ``paint`` here was called back, with
    its arguments wrapped, 30 times a second while a run goes.)
    """

    DOTS = 3

    def __init__(self) -> None:
        super().__init__()
        self.path = QPainterPath()
        self.phase = 0.0
        self.color = QColor(RUNNING_COLOR)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setZValue(3)
        self.dots: list[QGraphicsEllipseItem] = []
        for _ in range(self.DOTS):
            dot = QGraphicsEllipseItem(-4.5, -4.5, 9.0, 9.0, self)
            dot.setPen(Qt.PenStyle.NoPen)
            dot.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            self.dots.append(dot)

    def set_path(self, path: QPainterPath) -> None:
        self.path = path
        self.move_on(0.0)

    def move_on(self, fraction: float) -> None:
        """Advance the dots by ``fraction`` of the edge's length."""
        self.phase = (self.phase + fraction) % 1.0
        empty = self.path.isEmpty()
        for k, dot in enumerate(self.dots):
            dot.setVisible(not empty)
            if empty:
                continue
            t = (self.phase + k / self.DOTS) % 1.0
            color = QColor(self.color)
            color.setAlphaF(0.35 + 0.65 * t)
            dot.setBrush(color)
            dot.setPos(self.path.pointAtPercent(t))


class RunOverlay(QObject):
    """Draws one run (live or stored) on a :class:`Canvas`."""

    def __init__(self, canvas: Canvas, bridge: RunBridge | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent or canvas)
        self.canvas = canvas
        self.drawn: RunView | None = None  # the run drawn
        self._live: RunResult | None = None  # its RunResult while live: step events follow it
        # the live run's id, read by the run experience for every step event: an attribute,
        # not a property (UI rule 10)
        self.live_id: str | None = None
        self.active: str | None = None  # step id glowing
        self._nodes: dict[str, StepNode] = {}
        self._badges: dict[str, StatusBadge] = {}
        self._dimmed: list[StepNode] = []
        self._flow = DataFlow()
        self._flow.setVisible(False)
        self.glow = Glow()
        self._glow_phase = 0.0
        self._timer = QTimer(self)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self._tick)
        # the followed run's step events, not drawn yet
        self._pending: list[StepStarted | StepFinished] = []
        self._draw_timer = QTimer(self)
        self._draw_timer.setSingleShot(True)
        self._draw_timer.setInterval(0)  # a Qt timer, not a posted call: see draw_pending
        self._draw_timer.timeout.connect(self.draw_pending)
        if bridge is not None:
            connect_event(bridge.step_started, self.on_step_started)
            connect_event(bridge.step_finished, self.on_step_finished)
            connect_event(bridge.run_finished, self.on_run_finished)

    # --- what to show -----------------------------------------------------------------

    def show(self, view: RunView | None) -> None:
        """Draw ``view``: a live run is followed from now on (its steps so far drawn at
        once); a stored one is redrawn, every step's status and duration, the last glowing."""
        if view is not None and view.live is not None:
            self.follow(view.live, view)
            return
        self.clear()
        self.drawn = view
        if view is None:
            return
        last = None
        for step in view.steps():
            status = step.status
            self._mark(step.id, status, None if status == StepStatus.SKIPPED else step.duration_ms)
            if status not in UNRUN_STEP_STATUSES:
                last = step
        if last is not None:
            filtered = view.status == RunStatus.FILTERED
            if filtered:
                self._mark(last.id, RunStatus.FILTERED, last.duration_ms)
            self._activate(last.id, RunStatus.FILTERED if filtered else last.status)

    def follow(self, run: RunResult | None, view: RunView | None = None) -> None:
        """Follow a live run from now on (its steps so far are drawn at once)."""
        self.clear()
        if run is None:
            return
        self.drawn, self._live, self.live_id = view or LiveRun(run), run, run.run_id
        for step in run.steps:
            if step.status != StepStatus.PENDING:
                self._mark(step.id, step.status, step.duration_ms)
            if step.status == StepStatus.RUNNING:
                self._activate(step.id, StepStatus.RUNNING)


    def clear(self) -> None:
        self._pending.clear()
        self._draw_timer.stop()
        self._timer.stop()
        self._set_glow(None, "")
        if isValid(self._flow):
            self._flow.setVisible(False)
        for badge in self._badges.values():
            if isValid(badge):
                badge.setVisible(False)  # kept on the node for the next run: removing crashes
        self._badges.clear()
        for node in self._dimmed:
            if isValid(node.view):
                node.view.setOpacity(1.0)
        self._dimmed.clear()
        self.drawn = self._live = self.live_id = None
        self._nodes = {n.step_id(): n for n in self.canvas.nodes()}

    def step(self, step_id: str) -> StepView | None:
        """The drawn run's step ``step_id`` (the inspector's data), or None."""
        return self.drawn.step(step_id) if self.drawn is not None else None

    def glow_color(self, step_id: str) -> str | None:
        """The colour ``step_id``'s node glows in (``#3fb950``), or None if it does not glow."""
        self.draw_pending()
        node = self._nodes.get(step_id)
        if node is None or not isValid(self.glow) or not self.glow.isVisible():
            return None
        return self.glow.color if self.glow.parentItem() is node.view else None

    def status_of(self, step_id: str) -> str | None:
        self.draw_pending()
        badge = self._badges.get(step_id)
        return badge.text if badge is not None else None

    # --- live events ----------------------------------------------------------------

    def on_step_started(self, event: StepStarted) -> None:
        self._defer(event)

    def on_step_finished(self, event: StepFinished) -> None:
        self._defer(event)

    def _defer(self, event: StepStarted | StepFinished) -> None:
        if self._live is None or event.run_id != self._live.run_id:
            return
        self._pending.append(event)
        if not self._draw_timer.isActive():
            self._draw_timer.start()

    def draw_pending(self) -> None:
        """Draw the followed run's step events received so far, in order.

        Why later and not in the engine's callback: the marks make the scene post its
        repaint, and Qt handles posted events before due timers, so a window timer that
        fell due while the engine ran waited for the canvas's repaint too (a chain of
        ~2 ms). Drawn from a zero-interval Qt timer, the marks and their repaint come
        after the timers already due. Readers (``status_of``, ``glow_color``, a run's
        end) draw what is pending first, so nothing reads a state behind the run.
        """
        self._draw_timer.stop()
        events, self._pending = self._pending, []
        for event in events:  # all of self._live: clear() drops them when the run changes
            if isinstance(event, StepStarted):
                self._mark(event.step_id, _RUNNING, None)
                self._activate(event.step_id, _RUNNING)
                continue
            self._mark(event.step_id, event.status, event.duration_ms)
            if event.step_id == self.active and event.status != _RUNNING:
                if isValid(self._flow):
                    self._flow.setVisible(False)
                self._timer.stop()
                self._set_glow(event.step_id, event.status)

    def on_run_finished(self, event: RunFinished) -> None:
        if self._live is None or event.run_id != self._live.run_id:
            return
        self.draw_pending()
        if event.status == RunStatus.FILTERED and self.active is not None:
            self._mark(self.active, RunStatus.FILTERED, self._step_duration(self.active))
            self._set_glow(self.active, RunStatus.FILTERED)

    # --- drawing ----------------------------------------------------------------------

    def _mark(self, step_id: str, status: str, duration_ms: float | None) -> None:
        node = self._nodes.get(step_id)
        if node is None or not isValid(node.view):
            return
        badge = node.view.kept("run_badge", lambda: StatusBadge(node.view))
        self._badges[step_id] = badge
        badge.setVisible(True)
        badge.set(badge_text(status, duration_ms), COLORS.get(status, PENDING_COLOR))
        # on the badge, not the node: the node's own tip (a fault in the chain) stays, and
        # the node's Python itemChange is not called back twice per mark
        badge.setToolTip(f"{node.name()}: {status}")
        if status == _SKIPPED:
            node.view.setOpacity(0.5)
            self._dimmed.append(node)

    def _activate(self, step_id: str, status: str) -> None:
        self._set_glow(step_id, status)
        if isValid(self._flow):
            self._flow.setVisible(False)  # shown again by the running step's first frame
        if status == _RUNNING:
            self._timer.start(ANIMATE_AFTER_MS)

    def _show_flow(self) -> None:
        """Dots on the edge into the active step: from its first frame, as the dots of a
        step over sooner would have nothing to show, and their repaint (the old edge and
        the new one, corners apart when a chain wraps to the next row) cost every step."""
        node = self._nodes.get(self.active or "")
        if node is None or not isValid(node.view):
            return
        pipe = node.input_pipe()
        if pipe is None:
            return
        if not isValid(self._flow):
            self._flow = DataFlow()
        if self._flow.scene() is None and pipe.scene() is not None:
            pipe.scene().addItem(self._flow)
        self._flow.color = QColor(RUNNING_COLOR)
        self._flow.set_path(pipe.mapToScene(pipe.path()))
        self._flow.setVisible(True)

    def _set_glow(self, step_id: str | None, status: str) -> None:
        """Show ``step_id``'s glow (and hide the one shown). Each node keeps a glow of its
        own once it has glowed, as it keeps its badge: moving one glow from node to node
        called NodeGraphQt's Python ``itemChange`` on both nodes every step."""
        self.active = step_id
        node = self._nodes.get(step_id or "")
        glow = (node.view.kept("run_glow", Glow)
                if node is not None and isValid(node.view) else None)
        if isValid(self.glow) and self.glow is not glow:  # (gone with its node if deleted)
            self.glow.setVisible(False)
        if node is None or glow is None:
            return
        self.glow = glow
        glow.show_on(node.view, COLORS.get(status, RUNNING_COLOR))
        glow.setOpacity(1.0)

    def _tick(self) -> None:
        if self._timer.interval() != FRAME_MS:  # the step's first frame: from now on, every frame
            self._timer.setInterval(FRAME_MS)
            self._show_flow()
        elif isValid(self._flow):
            self._flow.move_on(FRAME_MS / 900)
        if isValid(self.glow) and self.glow.isVisible():
            self._glow_phase = (self._glow_phase + FRAME_MS / 1200) % 1.0
            self.glow.setOpacity(0.55 + 0.45 * abs(self._glow_phase * 2 - 1))
        if self._live is not None and self.active is not None:
            step = self._live.step(self.active)
            if step.status == _RUNNING and step.started_at is not None:
                elapsed = (utc_now() - step.started_at).total_seconds() * 1000
                if elapsed >= 1000:
                    self._badges[self.active].set(badge_text(_RUNNING, elapsed),
                                                  RUNNING_COLOR)

    def _step_duration(self, step_id: str) -> float | None:
        step = self.step(step_id)
        return step.duration_ms if step is not None else None
