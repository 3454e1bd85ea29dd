"""ICS maturity self-assessments.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Append-only: a self-assessment is never updated, so every version is kept.
    op.create_table(
        "maturity_assessments",
        sa.Column("assessment_id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("icb_code", sa.Text(), nullable=False),
        sa.Column("criterion", sa.Text(), nullable=False),
        sa.Column("stage", sa.Integer(), nullable=True),
        sa.Column("confidence", sa.Text(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("assessed_on", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assessed_by", sa.Text(), nullable=False),
    )
    op.create_index("maturity_icb", "maturity_assessments", ["icb_code", "criterion"])


def downgrade() -> None:
    op.drop_index("maturity_icb", table_name="maturity_assessments")
    op.drop_table("maturity_assessments")
