"""The only package that imports PySide6, qasync or pyqtgraph."""
