"""lane statistics: per-lane statistics and gaps kept on write, where events are drawn, archived pairs, context spans

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 18:00:00

The new tables and ``contact_event.mid`` are filled in by ``flask db-upgrade`` after the
migrations (``tracker.store.maintenance``).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AutoString = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "lane_gap",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mode", AutoString(length=10), nullable=False),
        sa.Column("key", AutoString(length=50), nullable=False),
        sa.Column("start_id", sa.Integer(), nullable=False),
        sa.Column("end_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("start_mid", sa.Date(), nullable=False),
        sa.Column("end_mid", sa.Date(), nullable=False),
        sa.Column("min_days", sa.Integer(), nullable=False),
        sa.Column("max_days", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("refusals", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("lane_gap", schema=None) as batch_op:
        batch_op.create_index("ix_lane_gap_lane_start", ["mode", "key", "start_mid"], unique=False)
    op.create_table(
        "lane_stat",
        sa.Column("mode", AutoString(length=10), nullable=False),
        sa.Column("key", AutoString(length=50), nullable=False),
        sa.Column("dyad", AutoString(length=250), nullable=False),
        sa.Column("last_event", sa.Date(), nullable=True),
        sa.Column("stats", sa.JSON(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("mode", "key"),
    )
    with op.batch_alter_table("lane_stat", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lane_stat_dyad"), ["dyad"], unique=False)
    with op.batch_alter_table("contact_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mid", sa.Date(), nullable=True))
        batch_op.create_index("ix_contact_event_mid", ["mid"], unique=False)
    with op.batch_alter_table("context_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("date_end", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("countries", AutoString(length=1000), nullable=False, server_default="")
        )
    with op.batch_alter_table("pair_alert", schema=None) as batch_op:
        batch_op.add_column(sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("pair_alert", schema=None) as batch_op:
        batch_op.drop_column("archived_at")
    with op.batch_alter_table("context_event", schema=None) as batch_op:
        batch_op.drop_column("countries")
        batch_op.drop_column("date_end")
    with op.batch_alter_table("contact_event", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_event_mid")
        batch_op.drop_column("mid")
    op.drop_table("lane_stat")
    op.drop_table("lane_gap")
