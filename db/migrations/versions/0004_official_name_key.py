"""official name key: officials matched by name whatever the case, spacing or Unicode form

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 19:50:00
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _key(name: str) -> str:
    # the same as tracker.models.name_key at the time of this migration
    return " ".join(unicodedata.normalize("NFC", name).split()).casefold()


def upgrade() -> None:
    with op.batch_alter_table("official", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("name_key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True)
        )
    official = sa.table(
        "official",
        sa.column("id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("name_key", sa.String),
    )
    connection = op.get_bind()
    for official_id, name in connection.execute(sa.select(official.c.id, official.c.name)).all():
        connection.execute(official.update().where(official.c.id == official_id).values(name_key=_key(name)))
    with op.batch_alter_table("official", schema=None) as batch_op:
        batch_op.alter_column(
            "name_key", existing_type=sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False
        )
        batch_op.create_unique_constraint("uq_official_name_key", ["name_key"])


def downgrade() -> None:
    with op.batch_alter_table("official", schema=None) as batch_op:
        batch_op.drop_constraint("uq_official_name_key", type_="unique")
        batch_op.drop_column("name_key")
