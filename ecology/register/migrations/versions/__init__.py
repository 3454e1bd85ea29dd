"""The register's revisions, oldest first by number (Alembic loads them by path, not by import)."""
