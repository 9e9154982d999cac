"""Which process owns a run, and whether that process is still alive.

A run left ``running`` in the database is either going on in another
process right now (the desktop app while the CLI opens the same file) or was
abandoned by a crash. Each run records ``host:pid:token``; a run is abandoned
when its host is this one and its process is gone, or when its pid is ours
but its token is not (the pid was reused, as PID 1 is in every container
restart).
"""

from __future__ import annotations

import os
import socket
import sys
import uuid

_TOKEN = uuid.uuid4().hex[:12]


def this_process() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{_TOKEN}"


def is_alive(owner: str | None) -> bool:
    """True if the process that wrote ``owner`` may still be running its runs."""
    if not owner:
        return False
    parts = owner.split(":")
    if len(parts) < 3:
        return False
    host, pid_text, token = ":".join(parts[:-2]), parts[-2], parts[-1]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return token == _TOKEN
    return _pid_exists(pid)


def _pid_exists(pid: int) -> bool:
    if sys.platform == "win32":
        import ctypes

        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
