"""watches and deliveries: who hears of which line's changes, and how each notice went

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 15:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AutoString = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "watch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", AutoString(length=10), nullable=False),
        sa.Column("query", AutoString(length=2000), nullable=False),
        sa.Column("label", AutoString(length=300), nullable=False),
        sa.Column("levels", sa.Boolean(), nullable=False),
        sa.Column("new_events", sa.Boolean(), nullable=False),
        sa.Column("email_mode", AutoString(length=10), nullable=False),
        sa.Column("email", AutoString(length=320), nullable=False),
        sa.Column("webhook_url", AutoString(length=2000), nullable=False),
        sa.Column("webhook_secret", AutoString(length=100), nullable=False),
        sa.Column("change_cursor", sa.Integer(), nullable=False),
        sa.Column("event_cursor", sa.Integer(), nullable=False),
        sa.Column("last_digest_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "query", name="uq_watch_user_query"),
    )
    op.create_index("ix_watch_user_id", "watch", ["user_id"], unique=False)
    op.create_table(
        "delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("watch_id", sa.Integer(), nullable=False),
        sa.Column("channel", AutoString(length=10), nullable=False),
        sa.Column("topic", AutoString(length=10), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", AutoString(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["watch_id"], ["watch.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("watch_id", "channel", "topic", "ref_id", name="uq_delivery_once"),
    )
    op.create_index("ix_delivery_watch_id", "delivery", ["watch_id"], unique=False)
    op.create_index("ix_delivery_due", "delivery", ["status", "next_attempt_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_delivery_due", table_name="delivery")
    op.drop_index("ix_delivery_watch_id", table_name="delivery")
    op.drop_table("delivery")
    op.drop_index("ix_watch_user_id", table_name="watch")
    op.drop_table("watch")
