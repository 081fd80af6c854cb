"""Let the dashboard count submissions per theme, wijk and height from indexes alone.

The reach index gains the height, and the index from a submission to its themes gains the
theme: the dashboard's join then reads no table row (portal.domain.dashboard).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

REACH = ["kind", "created_at", "neighbourhood_id", "channel", "language"]


def _replace(table: str, name: str, columns: list[str]) -> None:
    op.drop_index(name, table_name=table)
    op.create_index(name, table, columns, unique=False)


def upgrade() -> None:
    _replace("submission", "ix_submission_reach", [*REACH, "height"])
    _replace("theme_submission", "ix_theme_submission_submission_id", ["submission_id", "theme_id"])


def downgrade() -> None:
    _replace("submission", "ix_submission_reach", REACH)
    _replace("theme_submission", "ix_theme_submission_submission_id", ["submission_id"])
