"""Runtime hook: runs before our code in both frozen executables.

NodeGraphQt imports Qt through Qt.py, which picks a binding by name at run
time. Only PySide6 is in the bundle, so say so before anything imports Qt.py;
a ``QT_PREFERRED_BINDING`` left in the user's environment (PyQt5, say) would
otherwise make the program fail to start.
"""

import os

os.environ["QT_PREFERRED_BINDING"] = "PySide6"
