"""Reach and "over mij": inhabitants per wijk, and the gemeente's own questions with the
answers residents give, stored apart from their submissions; an index for counting reach.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("neighbourhood", schema=None) as batch_op:
        batch_op.add_column(sa.Column("inhabitants", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_neighbourhood_inhabitants_not_negative"),
            "inhabitants IS NULL OR inhabitants >= 0",
        )
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.create_index(
            "ix_submission_reach",
            ["kind", "created_at", "neighbourhood_id", "channel", "language"],
            unique=False,
        )

    op.create_table(
        "profile_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.Column("translations", sa.JSON(), nullable=True),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_profile_question")),
    )
    op.create_table(
        "profile_option",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("translations", sa.JSON(), nullable=True),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["profile_question.id"],
            name=op.f("fk_profile_option_question_id_profile_question"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_profile_option")),
        sa.UniqueConstraint("question_id", "id", name=op.f("uq_profile_option_question_id")),
    )
    with op.batch_alter_table("profile_option", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_profile_option_question_id"), ["question_id"], unique=False
        )

    # No rowid on SQLite: the rows lie in the order of their random key, not of their arrival.
    op.create_table(
        "profile",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("age_band", sa.String(length=16), nullable=True),
        sa.CheckConstraint(
            "age_band IS NULL OR (age_band IN ('under_18', '18_26', '27_40', '41_65', '66_80', "
            "'over_80', 'prefer_not'))",
            name=op.f("ck_profile_age_band"),
        ),
        sa.CheckConstraint("period LIKE '____-__'", name=op.f("ck_profile_period_is_a_month")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_profile")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "profile_answer",
        sa.Column("profile_id", sa.String(length=32), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("option_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["profile.id"],
            name=op.f("fk_profile_answer_profile_id_profile"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_id", "option_id"],
            ["profile_option.question_id", "profile_option.id"],
            name=op.f("fk_profile_answer_question_id_profile_option"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("profile_id", "question_id", name=op.f("pk_profile_answer")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("profile_answer", schema=None) as batch_op:
        batch_op.create_index("ix_profile_answer_tally", ["question_id", "option_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("profile_answer", schema=None) as batch_op:
        batch_op.drop_index("ix_profile_answer_tally")
    op.drop_table("profile_answer")
    op.drop_table("profile")
    with op.batch_alter_table("profile_option", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_profile_option_question_id"))
    op.drop_table("profile_option")
    op.drop_table("profile_question")

    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_index("ix_submission_reach")
    with op.batch_alter_table("neighbourhood", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_neighbourhood_inhabitants_not_negative"), type_="check")
        batch_op.drop_column("inhabitants")
