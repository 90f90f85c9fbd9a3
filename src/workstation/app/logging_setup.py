"""Logging: console (warnings by default) and a rotating file in the workspace."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from workstation.adapters.redaction import install_log_redaction

FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
QUIET_LIBRARIES = ("httpx", "httpcore", "apscheduler", "alembic", "asyncio", "qasync")


def setup_logging(console_level: str | None, log_dir: Path | None = None) -> None:
    """Configure the root logger once per process."""
    root = logging.getLogger()
    if getattr(root, "_workstation_configured", False):
        return
    root.setLevel(logging.DEBUG)
    console = logging.StreamHandler()
    console.setLevel(console_level or "WARNING")
    console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root.addHandler(console)
    if log_dir is not None:
        add_file_log(log_dir)
    for name in QUIET_LIBRARIES:
        # URLs with auth codes and tokens must never reach the logs.
        logging.getLogger(name).setLevel(logging.WARNING)
    install_log_redaction(root)
    root._workstation_configured = True  # type: ignore[attr-defined]


def add_file_log(log_dir: Path) -> None:
    """Also log INFO and above to ``log_dir/workstation.log`` (rotating, 5 x 2 MB)."""
    log_dir.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        log_dir / "workstation.log", maxBytes=2_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setLevel(logging.INFO)
    handler.setFormatter(logging.Formatter(FORMAT))
    logging.getLogger().addHandler(handler)
