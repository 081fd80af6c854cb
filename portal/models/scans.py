"""Scanned paper forms: an uploaded stack, what each page read as, and the handwriting.

A page's reading is a proposal for the person keying the form, never an answer by
itself (see portal.domain.scanning). The upload itself is not kept: only what was read
from it, and the writing areas cut out and encoded afresh.
"""

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, in_, utcnow

# What became of a scanned page:
# read       the form and page were found and its boxes read
# unaligned  the form was found, but not its corner marks: nothing read from the boxes
# duplicate  this form page was read before (in this upload or an earlier one): first kept
# keyed      the form was keyed in already
# no_code    no form's QR code on the page: not a form, or the code cannot be read
# foreign    a form of another gemeente's portal
# unknown    a code in our shape that is no form of ours
SCAN_OUTCOMES = ("read", "unaligned", "duplicate", "keyed", "no_code", "foreign", "unknown")
SCAN_AREAS = ("text", "contact")
FILENAME_MAX_LENGTH = 200


class ScanUpload(Base):
    """One uploaded file of scanned pages."""

    __tablename__ = "scan_upload"

    id: Mapped[int] = mapped_column(primary_key=True)
    uploaded_by: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    filename: Mapped[str] = mapped_column(String(FILENAME_MAX_LENGTH))  # cleaned; shown only
    pages: Mapped[int] = mapped_column(Integer, default=0)

    scanned: Mapped[list["ScanPage"]] = relationship(
        back_populates="upload", order_by="ScanPage.position", passive_deletes=True
    )


class ScanPage(Base):
    """One page of an upload. `readings` holds, per question on the page,
    {"value": ..., "flag": bool, "ratios": [dark share of each box, in print order]}."""

    __tablename__ = "scan_page"
    __table_args__ = (
        CheckConstraint(in_("outcome", SCAN_OUTCOMES), name="outcome"),
        UniqueConstraint("upload_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    upload_id: Mapped[int] = mapped_column(ForeignKey("scan_upload.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)  # 1.. within the upload
    # No foreign key: a page may name a form that is not (or no longer) ours.
    form_code: Mapped[str | None] = mapped_column(String(16), index=True)
    form_page: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(16))
    rotation: Mapped[int | None] = mapped_column(Integer)  # degrees the sheet was turned
    readings: Mapped[dict | None] = mapped_column(JSON)

    upload: Mapped[ScanUpload] = relationship(back_populates="scanned")
    crops: Mapped[list["ScanCrop"]] = relationship(
        back_populates="page", order_by="ScanCrop.id", passive_deletes=True
    )


class ScanCrop(Base):
    """A writing area of a read page, as a PNG made by the portal (never the upload)."""

    __tablename__ = "scan_crop"
    __table_args__ = (
        CheckConstraint(in_("field", SCAN_AREAS), name="field"),
        UniqueConstraint("page_id", "field"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("scan_page.id", ondelete="CASCADE"))
    field: Mapped[str] = mapped_column(String(16))
    png: Mapped[bytes] = mapped_column(LargeBinary)

    page: Mapped[ScanPage] = relationship(back_populates="crops")
