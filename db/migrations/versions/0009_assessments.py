"""assessments, expected schedules and unobserved periods of lines

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 15:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AutoString = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line", AutoString(length=260), nullable=False),
        sa.Column("label", AutoString(length=500), nullable=False),
        sa.Column("month", AutoString(length=7), nullable=False),
        sa.Column("arrow", AutoString(length=20), nullable=False),
        sa.Column("reason", AutoString(length=200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("suggested_arrow", AutoString(length=20), nullable=False),
        sa.Column("suggested_reason", sa.Text(), nullable=False),
        sa.Column("signed_by", AutoString(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("line", "month", name="uq_assessment_line_month"),
    )
    op.create_index(op.f("ix_assessment_line"), "assessment", ["line"], unique=False)
    op.create_index(op.f("ix_assessment_month"), "assessment", ["month"], unique=False)
    op.create_table(
        "pair_schedule",
        sa.Column("pair_key", AutoString(length=50), nullable=False),
        sa.Column("kind", AutoString(length=10), nullable=False),
        sa.Column("interval_days", sa.Integer(), nullable=True),
        sa.Column("due_month", sa.Integer(), nullable=True),
        sa.Column("note", AutoString(length=500), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("pair_key"),
    )
    op.create_table(
        "unobserved_period",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pair_key", AutoString(length=50), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=True),
        sa.Column("note", AutoString(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_unobserved_period_pair_key"), "unobserved_period", ["pair_key"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_unobserved_period_pair_key"), table_name="unobserved_period")
    op.drop_table("unobserved_period")
    op.drop_table("pair_schedule")
    op.drop_index(op.f("ix_assessment_month"), table_name="assessment")
    op.drop_index(op.f("ix_assessment_line"), table_name="assessment")
    op.drop_table("assessment")
