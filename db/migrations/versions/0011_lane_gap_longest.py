"""lane gaps by length: the longest gaps of a wide window read from an index

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 16:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_lane_gap_mode_longest", "lane_gap", ["mode", "max_days"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_lane_gap_mode_longest", table_name="lane_gap")
