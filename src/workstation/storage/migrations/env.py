"""Alembic environment: migrate the connection handed over by workstation.storage.migrate.

There is no alembic.ini and no URL: ``upgrade_to_head`` passes the Database's
own connection (plain or SQLCipher) in ``config.attributes["connection"]``.
Logging is left to the application (no fileConfig).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from workstation.storage.tables import metadata


def run_migrations_online() -> None:
    """Run the migrations on the caller's connection inside its transaction."""
    connection = context.config.attributes.get("connection")
    if not isinstance(connection, Connection):
        raise RuntimeError(
            "workstation migrations run only through workstation.storage.migrate "
            "(no connection was handed over)"
        )
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported")
run_migrations_online()
