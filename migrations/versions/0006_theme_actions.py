"""Theme actions (the third step of the cycle), and since when a theme is in its stage.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "theme_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=120), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status <> 'not_done' OR (reason IS NOT NULL AND length(reason) > 0)",
            name=op.f("ck_theme_action_reason_when_not_done"),
        ),
        sa.CheckConstraint(
            "status IN ('planned', 'under_way', 'done', 'not_done')",
            name=op.f("ck_theme_action_status"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["staff_user.id"],
            name=op.f("fk_theme_action_created_by_staff_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["theme.id"],
            name=op.f("fk_theme_action_theme_id_theme"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme_action")),
    )
    with op.batch_alter_table("theme_action", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_theme_action_theme_id"), ["theme_id"], unique=False)

    with op.batch_alter_table("theme", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stage_since", sa.DateTime(timezone=True), nullable=True))
    # The best that is known for themes that exist: their last change.
    op.execute("UPDATE theme SET stage_since = updated_at")
    with op.batch_alter_table("theme", schema=None) as batch_op:
        batch_op.alter_column(
            "stage_since", existing_type=sa.DateTime(timezone=True), nullable=False
        )


def downgrade() -> None:
    with op.batch_alter_table("theme", schema=None) as batch_op:
        batch_op.drop_column("stage_since")

    with op.batch_alter_table("theme_action", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_theme_action_theme_id"))

    op.drop_table("theme_action")
