"""The paper round trip: printing, keying (also twice), postal contact, assisted entry.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "paper_print",
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "state IN ('queued', 'running', 'done', 'failed')", name=op.f("ck_paper_print_state")
        ),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["paper_batch.id"],
            name=op.f("fk_paper_print_batch_id_paper_batch"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("batch_id", name=op.f("pk_paper_print")),
    )
    op.create_table(
        "paper_keying",
        sa.Column("form_code", sa.String(length=16), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("keyed_by", sa.Integer(), nullable=True),
        sa.Column("keyed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("round IN (1, 2)", name=op.f("ck_paper_keying_round")),
        sa.ForeignKeyConstraint(
            ["form_code"],
            ["paper_form.code"],
            name=op.f("fk_paper_keying_form_code_paper_form"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["keyed_by"],
            ["staff_user.id"],
            name=op.f("fk_paper_keying_keyed_by_staff_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("form_code", "round", name=op.f("pk_paper_keying")),
    )
    with op.batch_alter_table("contact_details", schema=None) as batch_op:
        batch_op.add_column(sa.Column("postal_address", sa.String(length=300), nullable=True))
        batch_op.alter_column("email", existing_type=sa.VARCHAR(length=254), nullable=True)
        batch_op.create_check_constraint(
            op.f("ck_contact_details_some_contact"),
            "email IS NOT NULL OR postal_address IS NOT NULL",
        )

    with op.batch_alter_table("paper_batch", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("source", sa.String(length=16), server_default="wijkteam", nullable=False)
        )
        batch_op.add_column(sa.Column("printed", sa.JSON(), server_default="{}", nullable=False))
        batch_op.create_check_constraint(
            op.f("ck_paper_batch_source"), "source IN ('wijkteam', 'download')"
        )

    with op.batch_alter_table("paper_form", schema=None) as batch_op:
        batch_op.add_column(sa.Column("returned_at", sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.add_column(sa.Column("entered_by", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("resident_consent_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(batch_op.f("ix_submission_entered_by"), ["entered_by"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_submission_entered_by_staff_user"),
            "staff_user",
            ["entered_by"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_check_constraint(
            op.f("ck_submission_assisted_consent"),
            "NOT (channel IN ('assisted', 'phone')) OR resident_consent_at IS NOT NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_submission_assisted_consent"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_submission_entered_by_staff_user"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_submission_entered_by"))
        batch_op.drop_column("resident_consent_at")
        batch_op.drop_column("entered_by")

    with op.batch_alter_table("paper_form", schema=None) as batch_op:
        batch_op.drop_column("returned_at")

    with op.batch_alter_table("paper_batch", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_paper_batch_source"), type_="check")
        batch_op.drop_column("printed")
        batch_op.drop_column("source")

    op.execute("DELETE FROM contact_details WHERE email IS NULL")
    with op.batch_alter_table("contact_details", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_contact_details_some_contact"), type_="check")
        batch_op.alter_column("email", existing_type=sa.VARCHAR(length=254), nullable=False)
        batch_op.drop_column("postal_address")

    op.drop_table("paper_keying")
    op.drop_table("paper_print")
