"""The question before an imported experiment's first run: these hosts get data — go ahead?

Why it exists: ImportGuard decides *when* to ask; this dialog shows *what*:
each host the run will send data to, whether a dry run still contacts it (a
model call does, a webhook does not), and, under a restricting network
policy, whether the policy will refuse it. Literal addresses are judged at
once; names are resolved in the background (never on the UI thread) and
their row updated, so the dialog opens instantly. The policy is applied again
when each step connects: this is a preview, not the enforcement.
"""

from __future__ import annotations

import asyncio
import contextlib

import httpx
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from orchestrator_gui.core.netpolicy import NetworkRefused, allowed_addresses, check_url, parse_ip
from orchestrator_gui.core.settings import AppSettings, NetworkSettings
from orchestrator_gui.core.trust import Exposure

RESOLVE_SECONDS = 3.0


def _refusal(exc: NetworkRefused) -> str:
    """The policy's reason, without repeating the host: ``loopback``, ``not in the allow-list``."""
    text = str(exc).split(" refuses ", 1)[-1].split("; ", 1)[0]
    if "): " in text:  # '127.0.0.1' (127.0.0.1): loopback
        return text.split("): ", 1)[1]
    if ", which resolves to " in text:  # 'localhost', which resolves to 127.0.0.1: loopback
        return "resolves to " + text.split(", which resolves to ", 1)[1]
    return text.split(": ", 1)[-1].removeprefix("it is ")


def verdict_now(host: str, network: NetworkSettings) -> tuple[str, bool | None]:
    """What the policy says of ``host`` from its spelling alone: (text, refused or None=unknown)."""
    if network.policy == "any":
        return "", False
    try:
        check_url(f"http://{host}/", network)
    except NetworkRefused as exc:
        return f"will be refused: {_refusal(exc)}", True
    if parse_ip(httpx.URL(f"http://{host}/").host) is not None:
        return "allowed by the network policy", False
    return "checking its address…", None


async def verdict_resolved(host: str, network: NetworkSettings) -> tuple[str, bool | None]:
    """The policy's verdict on ``host`` once its name is resolved (as the run will do)."""
    url = httpx.URL(f"http://{host}/")
    try:
        async with asyncio.timeout(RESOLVE_SECONDS):
            ips = await allowed_addresses(url.host, url.port or 443, network)
    except NetworkRefused as exc:
        return f"will be refused: {_refusal(exc)}", True
    except Exception:  # cannot resolve (offline, no such name): say so, decide later
        return "its address could not be looked up now; checked when it connects", None
    return f"allowed by the network policy ({', '.join(ips)})", False


class HostsDialog(QDialog):
    """Lists the hosts and asks Run / Dry run instead / Cancel; ``answered`` says which."""

    answered = Signal(str)  # "run" | "dry-run" | "cancel"

    def __init__(self, name: str, file: str, hosts: list[str], dry_hosts: list[str],
                 settings: AppSettings | None, parent: QWidget | None = None, *,
                 seen: list[str] = (),  # type: ignore[assignment]
                 exposure: Exposure | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("confirmHosts")
        self.setWindowTitle("Run an imported experiment?")
        self.setAccessibleName("Run an imported experiment?")
        self.resize(720, 420)
        self.network = (settings or AppSettings()).network
        self.refused: dict[str, bool | None] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._answer = "cancel"
        self._seen = list(seen)
        first = not seen
        self.intro = intro = QLabel(
            f"“{name}” was imported from {file}. "
            + ("This is its first run on this computer. " if first else
               "It now sends data to hosts you were not asked about before. ")
            + "When it runs, it sends data (the run's input, which may be personal) to:", self)
        intro.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setObjectName("hostsList")
        self.list.setAccessibleName("Hosts this experiment sends data to")
        self.list.setWordWrap(True)
        self.list.setSpacing(3)
        self.items: dict[str, QListWidgetItem] = {}
        for host in hosts:
            item = QListWidgetItem(self.list)
            self.items[host] = item
            text, refused = verdict_now(host, self.network)
            self._set_row(host, text, refused, in_dry=host in dry_hosts, new=host not in seen)
            if refused is None:
                self._resolve_later(host, in_dry=host in dry_hosts, new=host not in seen)
        self.secrets = QLabel(self._secrets_text(exposure), self)
        self.secrets.setObjectName("hostsSecrets")
        self.secrets.setAccessibleName("Values this experiment reads from this computer")
        self.secrets.setWordWrap(True)
        self.secrets.setTextFormat(Qt.TextFormat.PlainText)
        self.secrets.setVisible(bool(exposure and (exposure.references or exposure.unnamed)))
        policy = QLabel(self._policy_text(), self)
        policy.setObjectName("hostsPolicy")
        policy.setWordWrap(True)
        dry_note = QLabel("A dry run sends nothing to webhooks; language-model steps still call "
                          "their endpoints (marked “also in a dry run”).", self)
        dry_note.setWordWrap(True)
        buttons = QDialogButtonBox(self)
        self.run_button = self._button(buttons, "Run", "hostsRun", "run",
                                       QDialogButtonBox.ButtonRole.AcceptRole)
        self.dry_button = self._button(buttons, "Dry run instead", "hostsDryRun", "dry-run",
                                       QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self._button(buttons, "Cancel", "hostsCancel", "cancel",
                                          QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel_button.setDefault(True)  # Enter must not send data
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.secrets)
        layout.addWidget(policy)
        layout.addWidget(dry_note)
        layout.addWidget(buttons)
        self.finished.connect(self._finish)

    def _button(self, box: QDialogButtonBox, text: str, name: str, answer: str,
                role: QDialogButtonBox.ButtonRole) -> QPushButton:
        button = box.addButton(text, role)
        assert button is not None
        button.setObjectName(name)
        button.setAutoDefault(False)
        button.clicked.connect(lambda: self.choose(answer))
        return button

    @staticmethod
    def _secrets_text(exposure: Exposure | None) -> str:
        """Each ``${env:}``/``${secret:}`` the run reads, and where its value goes; then each
        step sending to a destination the document does not name."""
        if exposure is None:
            return ""
        unnamed = [f"  step {step} sends data to a destination the document does not name"
                   for step in exposure.unnamed]
        if not exposure.references:
            return "\n".join(["Its step types also send data elsewhere:", *unnamed]) if unnamed else ""
        goes: dict[str, list[str]] = {}
        for d in exposure.destinations:
            for text in d.references:
                goes.setdefault(text, []).append(d.host)
        lines = ["It also reads these values from this computer and sends them:"]
        for ref in exposure.references:
            where = ", ".join(goes.get(ref.text, [])) or "a destination it does not name"
            lines.append(f"  {ref.text} (step {ref.step_id}, {ref.where}) → {where}")
        return "\n".join(dict.fromkeys(lines + unnamed))

    def _policy_text(self) -> str:
        if self.network.policy == "any":
            return ("Network policy: any host (Settings → Network can restrict where steps may "
                    "send data).")
        return (f"Network policy: {self.network.policy}. Hosts it refuses are marked ✗; the "
                "steps sending to them will fail.")

    def _set_row(self, host: str, text: str, refused: bool | None, *, in_dry: bool,
                 new: bool) -> None:
        self.refused[host] = refused
        parts = [p for p in (text, "also in a dry run" if in_dry else "",
                             "not asked about before" if new and self._seen else "") if p]
        mark = "✗ " if refused else "• "
        item = self.items[host]
        item.setText(f"{mark}{host}" + (f"\n      {'; '.join(parts)}" if parts else ""))
        item.setToolTip(text)

    def _resolve_later(self, host: str, *, in_dry: bool, new: bool) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self._set_row(host, "checked when it connects", None, in_dry=in_dry, new=new)
            return

        async def resolve() -> None:
            text, refused = await verdict_resolved(host, self.network)
            if isValid(self):
                self._set_row(host, text, refused, in_dry=in_dry, new=new)

        task = loop.create_task(resolve())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def settled(self) -> None:
        """Wait for the background address checks (tests, screenshots)."""
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(*self._tasks)

    def choose(self, answer: str) -> None:
        self._answer = answer
        if answer == "cancel":
            self.reject()
        else:
            self.accept()

    def _finish(self, _result: int) -> None:
        for task in list(self._tasks):
            task.cancel()
        self.answered.emit(self._answer)
        self.deleteLater()
