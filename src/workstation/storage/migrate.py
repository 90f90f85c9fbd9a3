"""Bring a workspace database to the schema this program needs (Alembic, run in-process).

Alembic runs on the Database's own connection (so SQLCipher works without a
URL), inside one transaction: SQLite DDL is transactional, so a failed
migration leaves the schema as it was. The scripts are found next to this
module; no alembic.ini is needed. Alembic is imported lazily (it costs ~0.35 s).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, text

from workstation.storage.backup import backup_database
from workstation.storage.database import Database
from workstation.storage.errors import MigrationError

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


@dataclass(frozen=True, slots=True)
class MigrationReport:
    """What ``upgrade_to_head`` did: revisions before and after, and the backup it took."""

    from_revision: str | None
    to_revision: str
    backup: Path | None

    @property
    def migrated(self) -> bool:
        """True when the schema changed."""
        return self.from_revision != self.to_revision


def alembic_config(connection: Connection | None = None) -> Config:
    """Return an Alembic Config for the bundled scripts, optionally bound to ``connection``."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _scripts() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    """Return the newest revision id of the bundled migrations."""
    head = _scripts().get_current_head()
    if head is None:
        raise MigrationError(f"no migration scripts found in {MIGRATIONS_DIR}")
    return head


def revisions() -> list[str]:
    """Return every revision id, oldest first."""
    return [script.revision for script in reversed(list(_scripts().walk_revisions()))]


def current_revision(db: Database) -> str | None:
    """Return the database's revision, or None when it was never migrated."""
    from alembic.runtime.migration import MigrationContext

    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def has_tables(db: Database) -> bool:
    """True when the database holds any table besides Alembic's (data worth a backup)."""
    query = text(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
        "AND name NOT LIKE 'sqlite_%' AND name != 'alembic_version'"
    )
    with db.engine.connect() as connection:
        return bool(connection.execute(query).scalar_one())


def upgrade_to_head(db: Database, backups_dir: Path, keep: int = 5) -> MigrationReport:
    """Migrate ``db`` to the newest schema, backing it up first unless it is new or current.

    Raise MigrationError when the database comes from a newer program version
    or a migration fails (the database is then unchanged).
    """
    before, head = current_revision(db), head_revision()
    if before == head:
        return MigrationReport(before, head, None)
    _check_known(db, before)
    backup = None
    if has_tables(db):
        reason = f"pre-migration-{before or 'base'}-to-{head}"
        backup = backup_database(db, backups_dir, reason, keep)
    from alembic import command

    _run(
        db,
        f"from {before or 'an empty database'} to {head}",
        lambda config: command.upgrade(config, "head"),
    )
    return MigrationReport(before, head, backup)


def upgrade_to(db: Database, revision: str) -> None:
    """Migrate ``db`` up to ``revision`` (no backup; for tests and tools)."""
    from alembic import command

    _run(db, f"up to {revision}", lambda config: command.upgrade(config, revision))


def downgrade_to(db: Database, revision: str) -> None:
    """Migrate ``db`` down to ``revision`` ("base" removes every table; no backup)."""
    from alembic import command

    _run(db, f"down to {revision}", lambda config: command.downgrade(config, revision))


def _check_known(db: Database, revision: str | None) -> None:
    """Refuse a database whose revision these scripts do not know (a newer program wrote it)."""
    if revision is None or revision in revisions():
        return
    raise MigrationError(
        f"Database {db.path} has schema revision {revision!r}, which this version of "
        "Volaris Workstation does not know; it was probably written by a newer version. "
        "Update the program. The database was not changed."
    )


def _run(db: Database, what: str, action: Callable[[Config], None]) -> None:
    """Run an Alembic command on one transaction of ``db``; wrap failures in MigrationError."""
    try:
        with db.engine.begin() as connection:
            action(alembic_config(connection))
    except MigrationError:
        raise
    except Exception as exc:
        raise MigrationError(
            f"Migrating database {db.path} {what} failed: {type(exc).__name__}: {exc}. "
            "The migration was rolled back; the database is as it was."
        ) from exc
