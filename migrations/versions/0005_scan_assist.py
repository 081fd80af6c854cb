"""Scan assist: uploaded scans of returned forms, what each page read as, and crops.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scan_upload",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["uploaded_by"],
            ["staff_user.id"],
            name=op.f("fk_scan_upload_uploaded_by_staff_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scan_upload")),
    )
    op.create_table(
        "scan_page",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("upload_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("form_code", sa.String(length=16), nullable=True),
        sa.Column("form_page", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("rotation", sa.Integer(), nullable=True),
        sa.Column("readings", sa.JSON(), nullable=True),
        sa.CheckConstraint(
            "outcome IN ('read', 'unaligned', 'duplicate', 'keyed', 'no_code', 'foreign', "
            "'unknown')",
            name=op.f("ck_scan_page_outcome"),
        ),
        sa.ForeignKeyConstraint(
            ["upload_id"],
            ["scan_upload.id"],
            name=op.f("fk_scan_page_upload_id_scan_upload"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scan_page")),
        sa.UniqueConstraint("upload_id", "position", name=op.f("uq_scan_page_upload_id")),
    )
    with op.batch_alter_table("scan_page", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scan_page_form_code"), ["form_code"], unique=False)

    op.create_table(
        "scan_crop",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=16), nullable=False),
        sa.Column("png", sa.LargeBinary(), nullable=False),
        sa.CheckConstraint("field IN ('text', 'contact')", name=op.f("ck_scan_crop_field")),
        sa.ForeignKeyConstraint(
            ["page_id"],
            ["scan_page.id"],
            name=op.f("fk_scan_crop_page_id_scan_page"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scan_crop")),
        sa.UniqueConstraint("page_id", "field", name=op.f("uq_scan_crop_page_id")),
    )


def downgrade() -> None:
    op.drop_table("scan_crop")
    with op.batch_alter_table("scan_page", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scan_page_form_code"))
    op.drop_table("scan_page")
    op.drop_table("scan_upload")
