"""alert changes: the state log of every lane's alert level

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 19:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AutoString = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "alert_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mode", AutoString(length=10), nullable=False),
        sa.Column("key", AutoString(length=50), nullable=False),
        sa.Column("label", AutoString(length=500), nullable=False),
        sa.Column("level_from", AutoString(length=10), nullable=False),
        sa.Column("level_to", AutoString(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("since", sa.Date(), nullable=True),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_alert_change_key_id", "alert_change", ["mode", "key", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_alert_change_key_id", table_name="alert_change")
    op.drop_table("alert_change")
