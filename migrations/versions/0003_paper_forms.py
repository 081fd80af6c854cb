"""Paper forms: printed batches and the forms in them.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "paper_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("variant", sa.String(length=16), nullable=False),
        sa.Column("forms", sa.Integer(), nullable=False),
        sa.Column("place", sa.String(length=120), nullable=False),
        sa.Column("neighbourhood_id", sa.Integer(), nullable=True),
        sa.Column("handout_date", sa.Date(), nullable=False),
        sa.Column("double_keying", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "variant IN ('standard', 'large_print')", name=op.f("ck_paper_batch_variant")
        ),
        sa.CheckConstraint("forms BETWEEN 1 AND 2000", name=op.f("ck_paper_batch_forms_range")),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["staff_user.id"],
            name=op.f("fk_paper_batch_created_by_staff_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["neighbourhood_id"],
            ["neighbourhood.id"],
            name=op.f("fk_paper_batch_neighbourhood_id_neighbourhood"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_paper_batch")),
    )
    with op.batch_alter_table("paper_batch", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_paper_batch_neighbourhood_id"), ["neighbourhood_id"], unique=False
        )

    op.create_table(
        "paper_form",
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=True),
        sa.Column("keyed_by", sa.Integer(), nullable=True),
        sa.Column("keyed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["paper_batch.id"],
            name=op.f("fk_paper_form_batch_id_paper_batch"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["keyed_by"],
            ["staff_user.id"],
            name=op.f("fk_paper_form_keyed_by_staff_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submission.id"],
            name=op.f("fk_paper_form_submission_id_submission"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_paper_form")),
        sa.UniqueConstraint("submission_id", name=op.f("uq_paper_form_submission_id")),
        sa.UniqueConstraint("batch_id", "number", name=op.f("uq_paper_form_batch_id")),
    )
    with op.batch_alter_table("paper_form", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_paper_form_batch_id"), ["batch_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("paper_form", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_paper_form_batch_id"))

    op.drop_table("paper_form")
    with op.batch_alter_table("paper_batch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_paper_batch_neighbourhood_id"))

    op.drop_table("paper_batch")
