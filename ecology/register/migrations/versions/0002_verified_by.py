"""Who last verified each record.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN on SQLite and PostgreSQL alike: no table rebuild, every row kept.
    op.add_column("assets", sa.Column("verified_by", sa.Text(), nullable=True))
    op.add_column("practitioners", sa.Column("verified_by", sa.Text(), nullable=True))


def downgrade() -> None:
    for table in ("practitioners", "assets"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("verified_by")
