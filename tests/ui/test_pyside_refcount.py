"""Regression: PySide6 6.12.0 on CPython 3.11 corrupts None/True/False refcounts.

Every signal emit or QPainter call returning None/bool dropped a reference and
the interpreter aborted ("Fatal Python error: none_dealloc") after a few
thousand calls. The pinned PySide6 must survive far more than that; the test
runs in a child process so an abort fails the test instead of the suite.
"""

import os
import subprocess
import sys

import PySide6

CHILD = """
import sys
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QApplication

class Ticker(QObject):
    ticked = Signal(int)
    flagged = Signal(bool)

app = QApplication([])
ticker = Ticker()
seen = []
ticker.ticked.connect(lambda v: None)
ticker.flagged.connect(lambda v: None)
for i in range(200_000):
    ticker.ticked.emit(i)
    ticker.flagged.emit(i % 2 == 0)
image = QImage(64, 64, QImage.Format.Format_ARGB32)
painter = QPainter(image)
for i in range(50_000):
    painter.drawLine(0, 0, i % 64, 63)
    painter.isActive()
painter.end()
print("survived", sys.getrefcount(None) > 0)
"""


def test_two_hundred_thousand_signals_and_painter_calls_survive():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", CHILD],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, (
        f"PySide6 {PySide6.__version__} on Python {sys.version.split()[0]} aborted:\n"
        f"{done.stderr[-2000:]}"
    )
    assert done.stdout.strip() == "survived True"
