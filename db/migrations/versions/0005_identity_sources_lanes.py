"""identity and sources: aliases of officials and posts, corroborating sources, stored lanes and bounds

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 14:00:00

Tables for other spellings of officials and posts, for further sources of an event and for an
audit trail; tenures know whether they were inferred from a role, and whether acting; posts
know how many hold them at once; events store their lane and their earliest and latest possible
day. The values of the new event columns are filled in by ``flask db-upgrade`` after the
migrations (``tracker.store.maintenance``), with the app's own rules.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AutoString = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", AutoString(length=200), nullable=False),
        sa.Column("entity", AutoString(length=30), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("action", AutoString(length=30), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_entry_entity"), ["entity"], unique=False)

    op.create_table(
        "official_alias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("official_id", sa.Integer(), nullable=False),
        sa.Column("name", AutoString(length=200), nullable=False),
        sa.Column("name_key", AutoString(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["official_id"], ["official.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name_key"),
    )
    with op.batch_alter_table("official_alias", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_official_alias_official_id"), ["official_id"], unique=False)

    op.create_table(
        "post_alias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("title", AutoString(length=200), nullable=False),
        sa.Column("country", AutoString(length=100), nullable=False),
        sa.Column("key", AutoString(length=200), nullable=False),
        sa.ForeignKeyConstraint(["post_id"], ["post.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key", "country"),
    )
    with op.batch_alter_table("post_alias", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_post_alias_post_id"), ["post_id"], unique=False)

    op.create_table(
        "event_source",
        sa.Column("source_url", AutoString(length=2000), nullable=False),
        sa.Column("source_publisher", AutoString(length=200), nullable=False),
        sa.Column("source_date", sa.Date(), nullable=True),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("channel", AutoString(length=20), nullable=False),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["contact_event.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("event_source", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_source_event_id"), ["event_id"], unique=False)

    with op.batch_alter_table("contact_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("post_a_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("post_b_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("lane_key", AutoString(length=50), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("earliest", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("latest", sa.Date(), nullable=True))
        batch_op.create_index("ix_contact_event_lane_date", ["lane_key", "date"], unique=False)
        batch_op.create_foreign_key("fk_contact_event_post_a", "post", ["post_a_id"], ["id"])
        batch_op.create_foreign_key("fk_contact_event_post_b", "post", ["post_b_id"], ["id"])

    with op.batch_alter_table("post", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seats", sa.Integer(), nullable=False, server_default="1"))

    with op.batch_alter_table("tenure", schema=None) as batch_op:
        batch_op.add_column(sa.Column("acting", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("inferred", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(
            sa.Column("source_url", AutoString(length=2000), nullable=False, server_default="")
        )
    # Undated tenures recorded before this migration were all inferred from roles named by events.
    tenure = sa.table(
        "tenure", sa.column("start", sa.Date), sa.column("end", sa.Date), sa.column("inferred", sa.Boolean)
    )
    op.execute(tenure.update().where(tenure.c.start.is_(None), tenure.c.end.is_(None)).values(inferred=True))


def downgrade() -> None:
    with op.batch_alter_table("tenure", schema=None) as batch_op:
        batch_op.drop_column("source_url")
        batch_op.drop_column("inferred")
        batch_op.drop_column("acting")
    with op.batch_alter_table("post", schema=None) as batch_op:
        batch_op.drop_column("seats")
    with op.batch_alter_table("contact_event", schema=None) as batch_op:
        batch_op.drop_constraint("fk_contact_event_post_b", type_="foreignkey")
        batch_op.drop_constraint("fk_contact_event_post_a", type_="foreignkey")
        batch_op.drop_index("ix_contact_event_lane_date")
        batch_op.drop_column("latest")
        batch_op.drop_column("earliest")
        batch_op.drop_column("lane_key")
        batch_op.drop_column("post_b_id")
        batch_op.drop_column("post_a_id")
    for table in ("event_source", "post_alias", "official_alias", "audit_entry"):
        op.drop_table(table)
