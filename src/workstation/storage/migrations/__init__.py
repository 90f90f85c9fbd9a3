"""Alembic migrations of the workspace database (run by workstation.storage.migrate).

``versions/`` is a plain folder of revision scripts that Alembic loads by path;
it is shipped as package data, not imported as a package.
"""
