"""Feedback on a theme per language, the notifications that tell contributors, letter
runs, evaluations, and submissions of kind "evaluation".

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "theme_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "length(body) BETWEEN 1 AND 8000", name=op.f("ck_theme_feedback_body_length")
        ),
        _fk("theme_feedback", "theme_id", "theme", "CASCADE"),
        _fk("theme_feedback", "updated_by", "staff_user", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme_feedback")),
        sa.UniqueConstraint("theme_id", "language", name=op.f("uq_theme_feedback_theme_id")),
    )
    op.create_table(
        "letter_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("letters", sa.Integer(), nullable=False),
        _fk("letter_run", "created_by", "staff_user", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_run")),
    )
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("medium", sa.String(length=8), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("letter_run_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("medium IN ('email', 'letter')", name=op.f("ck_notification_medium")),
        sa.CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'failed', 'cancelled', 'uncertain')",
            name=op.f("ck_notification_status"),
        ),
        _fk("notification", "letter_run_id", "letter_run", "SET NULL"),
        _fk("notification", "submission_id", "submission", "CASCADE"),
        _fk("notification", "theme_id", "theme", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
        sa.UniqueConstraint(
            "submission_id", "theme_id", name=op.f("uq_notification_submission_id")
        ),
    )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.create_index(
            "ix_notification_due", ["medium", "status", "next_attempt_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_notification_letter_run_id"), ["letter_run_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_notification_submission_id"), ["submission_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_notification_theme_id"), ["theme_id"], unique=False)

    op.create_table(
        "evaluation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("answer", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "answer IN ('helps', 'helps_a_little', 'does_not_help', 'not_noticed')",
            name=op.f("ck_evaluation_answer"),
        ),
        _fk("evaluation", "submission_id", "submission", "CASCADE"),
        _fk("evaluation", "theme_id", "theme", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation")),
        sa.UniqueConstraint("theme_id", "submission_id", name=op.f("uq_evaluation_theme_id")),
    )
    with op.batch_alter_table("evaluation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evaluation_theme_id"), ["theme_id"], unique=False)

    with op.batch_alter_table("theme", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("feedback_published_at", sa.DateTime(timezone=True), nullable=True)
        )

    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_submission_kind"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_submission_kind"), "kind IN ('obstacle', 'idea', 'evaluation')"
        )


def downgrade() -> None:
    op.execute("DELETE FROM submission WHERE kind = 'evaluation'")
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_submission_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_submission_kind"), "kind IN ('obstacle', 'idea')")

    with op.batch_alter_table("theme", schema=None) as batch_op:
        batch_op.drop_column("feedback_published_at")

    with op.batch_alter_table("evaluation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluation_theme_id"))
    op.drop_table("evaluation")

    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notification_theme_id"))
        batch_op.drop_index(batch_op.f("ix_notification_submission_id"))
        batch_op.drop_index(batch_op.f("ix_notification_letter_run_id"))
        batch_op.drop_index("ix_notification_due")
    op.drop_table("notification")
    op.drop_table("letter_run")
    op.drop_table("theme_feedback")
