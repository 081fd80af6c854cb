"""The staff side: accounts and sign-in sessions, the audit trail, moderation, themes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttle")),
    )
    op.create_table(
        "staff_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("totp_secret", sa.String(length=64), nullable=True),
        sa.Column("totp_confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("totp_last_step", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "role IN ('admin', 'moderator', 'wijkteam', 'policy')", name=op.f("ck_staff_user_role")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_user")),
        sa.UniqueConstraint("email", name=op.f("uq_staff_user_email")),
    )
    op.create_table(
        "theme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("summary", sa.Text(), server_default="", nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("published", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "stage IN ('collecting', 'translated', 'acting', 'reported')",
            name=op.f("ck_theme_stage"),
        ),
        sa.CheckConstraint(
            "merged_into_id IS NULL OR merged_into_id <> id",
            name=op.f("ck_theme_not_merged_into_self"),
        ),
        sa.ForeignKeyConstraint(
            ["merged_into_id"],
            ["theme.id"],
            name=op.f("fk_theme_merged_into_id_theme"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme")),
    )
    with op.batch_alter_table("theme", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_theme_merged_into_id"), ["merged_into_id"], unique=False
        )

    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("record_type", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["staff_user.id"],
            name=op.f("fk_audit_event_actor_id_staff_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(
            "ix_audit_event_record", ["record_type", "record_id", "id"], unique=False
        )

    op.create_table(
        "experience",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("person_key", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["theme.id"],
            name=op.f("fk_experience_theme_id_theme"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_experience")),
        sa.UniqueConstraint("theme_id", "person_key", name=op.f("uq_experience_theme_id")),
    )
    with op.batch_alter_table("experience", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_experience_theme_id"), ["theme_id"], unique=False)

    op.create_table(
        "rejected_proposal",
        sa.Column("signature", sa.String(length=64), nullable=False),
        sa.Column("rejected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rejected_by", sa.Integer(), nullable=True),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["rejected_by"],
            ["staff_user.id"],
            name=op.f("fk_rejected_proposal_rejected_by_staff_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("signature", name=op.f("pk_rejected_proposal")),
    )
    op.create_table(
        "staff_session",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["staff_user.id"],
            name=op.f("fk_staff_session_user_id_staff_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_staff_session")),
    )
    with op.batch_alter_table("staff_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_session_user_id"), ["user_id"], unique=False)

    op.create_table(
        "theme_submission",
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submission.id"],
            name=op.f("fk_theme_submission_submission_id_submission"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["theme.id"],
            name=op.f("fk_theme_submission_theme_id_theme"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("theme_id", "submission_id", name=op.f("pk_theme_submission")),
    )
    op.create_index(
        "ix_theme_submission_submission_id", "theme_submission", ["submission_id"], unique=False
    )
    with op.batch_alter_table("life_domain", schema=None) as batch_op:
        batch_op.add_column(sa.Column("translations", sa.JSON(), nullable=True))

    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hidden_reason", sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column("duplicate_of_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("moderated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_index(batch_op.f("ix_submission_created_at"))
        batch_op.drop_index(batch_op.f("ix_submission_status"))
        batch_op.create_index(
            batch_op.f("ix_submission_duplicate_of_id"), ["duplicate_of_id"], unique=False
        )
        batch_op.create_index("ix_submission_inbox", ["created_at", "id"], unique=False)
        batch_op.create_index("ix_submission_moderated_at", ["moderated_at"], unique=False)
        batch_op.create_index(
            "ix_submission_status_inbox", ["status", "created_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_submission_channel_inbox", ["channel", "created_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_submission_language_inbox", ["language", "created_at", "id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_submission_duplicate_of_id_submission"),
            "submission",
            ["duplicate_of_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_check_constraint(
            "hidden_reason",
            "hidden_reason IS NULL OR (hidden_reason IN "
            "('personal_data', 'abusive', 'off_topic', 'duplicate'))",
        )
        batch_op.create_check_constraint(
            "not_own_duplicate", "duplicate_of_id IS NULL OR duplicate_of_id <> id"
        )


def downgrade() -> None:
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_submission_not_own_duplicate"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_submission_hidden_reason"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_submission_duplicate_of_id_submission"), type_="foreignkey"
        )
        batch_op.drop_index("ix_submission_language_inbox")
        batch_op.drop_index("ix_submission_channel_inbox")
        batch_op.drop_index("ix_submission_status_inbox")
        batch_op.drop_index("ix_submission_moderated_at")
        batch_op.drop_index("ix_submission_inbox")
        batch_op.drop_index(batch_op.f("ix_submission_duplicate_of_id"))
        batch_op.create_index(batch_op.f("ix_submission_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_submission_created_at"), ["created_at"], unique=False)
        batch_op.drop_column("moderated_at")
        batch_op.drop_column("duplicate_of_id")
        batch_op.drop_column("hidden_reason")

    with op.batch_alter_table("life_domain", schema=None) as batch_op:
        batch_op.drop_column("translations")

    op.drop_index("ix_theme_submission_submission_id", table_name="theme_submission")
    op.drop_table("theme_submission")
    with op.batch_alter_table("staff_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_session_user_id"))

    op.drop_table("staff_session")
    op.drop_table("rejected_proposal")
    with op.batch_alter_table("experience", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_experience_theme_id"))

    op.drop_table("experience")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_record")
        batch_op.drop_index(batch_op.f("ix_audit_event_actor_id"))

    op.drop_table("audit_event")
    with op.batch_alter_table("theme", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_theme_merged_into_id"))

    op.drop_table("theme")
    op.drop_table("staff_user")
    op.drop_table("login_throttle")
