"""Local store: SQLite or SQLCipher through SQLAlchemy Core, Alembic migrations, backups.

Open a workspace with ``workstation.storage.workspace.open_workspace_store``; the
repositories (``bars``, ``instruments``, ``quotes``, ``chains``, ``iv_history``,
``accounts``, ``settings_store``, ``sync_log``) each take the resulting Database.

Time convention: instants are UTC epoch seconds (INTEGER bar open times, REAL
elsewhere, microsecond precision); calendar dates are ISO ``YYYY-MM-DD`` text.
This package imports nothing heavy at import time (Alembic loads lazily).
"""
