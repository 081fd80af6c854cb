"""Create the tables for the resident journey and the built-in life domains.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Their names are translated by slug in portal/domain/places.py.
BUILTIN_LIFE_DOMAINS = (
    "work",
    "care",
    "housing",
    "transport",
    "sport",
    "education",
    "money",
    "safety",
    "digital",
    "language",
    "social",
    "public_space",
)


def upgrade() -> None:
    op.create_table(
        "draft",
        sa.Column("token", sa.String(64), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_draft")),
    )
    op.create_index(op.f("ix_draft_updated_at"), "draft", ["updated_at"])

    life_domain = op.create_table(
        "life_domain",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(40), nullable=False),
        sa.Column("label", sa.String(120), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_life_domain")),
        sa.UniqueConstraint("slug", name=op.f("uq_life_domain_slug")),
    )
    op.create_table(
        "neighbourhood",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_neighbourhood")),
        sa.UniqueConstraint("name", name=op.f("uq_neighbourhood_name")),
    )
    op.create_table(
        "submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("receipt_code", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("life_domain_id", sa.Integer(), nullable=True),
        sa.Column("neighbourhood_id", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("draft_token", sa.String(64), nullable=True),
        sa.CheckConstraint("kind IN ('obstacle', 'idea')", name=op.f("ck_submission_kind")),
        sa.CheckConstraint(
            "channel IN ('web', 'paper', 'assisted', 'phone')", name=op.f("ck_submission_channel")
        ),
        sa.CheckConstraint(
            "status IN ('received', 'published', 'hidden')", name=op.f("ck_submission_status")
        ),
        sa.CheckConstraint(
            "height IS NULL OR (height BETWEEN 1 AND 5)", name=op.f("ck_submission_height_range")
        ),
        sa.CheckConstraint(
            "height IS NULL OR kind = 'obstacle'",
            name=op.f("ck_submission_height_only_for_obstacles"),
        ),
        sa.CheckConstraint(
            "length(text) BETWEEN 1 AND 5000", name=op.f("ck_submission_text_length")
        ),
        sa.ForeignKeyConstraint(
            ["life_domain_id"],
            ["life_domain.id"],
            name=op.f("fk_submission_life_domain_id_life_domain"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["neighbourhood_id"],
            ["neighbourhood.id"],
            name=op.f("fk_submission_neighbourhood_id_neighbourhood"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submission")),
        sa.UniqueConstraint("draft_token", name=op.f("uq_submission_draft_token")),
        sa.UniqueConstraint("receipt_code", name=op.f("uq_submission_receipt_code")),
    )
    for column in ("created_at", "life_domain_id", "neighbourhood_id", "status"):
        op.create_index(op.f(f"ix_submission_{column}"), "submission", [column])

    op.create_table(
        "contact_details",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retain_until", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submission.id"],
            name=op.f("fk_contact_details_submission_id_submission"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_details")),
        sa.UniqueConstraint("submission_id", name=op.f("uq_contact_details_submission_id")),
    )
    op.create_index(op.f("ix_contact_details_retain_until"), "contact_details", ["retain_until"])

    op.bulk_insert(
        life_domain,
        [
            {"slug": slug, "position": position, "active": True}
            for position, slug in enumerate(BUILTIN_LIFE_DOMAINS, start=1)
        ],
    )


def downgrade() -> None:
    op.drop_table("contact_details")
    op.drop_table("submission")
    op.drop_table("neighbourhood")
    op.drop_table("life_domain")
    op.drop_table("draft")
