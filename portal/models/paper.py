"""Paper forms: printed batches for a place, language and date, and each form in them.

A form's code is printed on it (as text and as a QR code) and becomes the receipt code of
the submission it is keyed into, so the resident follows a paper form like a web one.
"""

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, in_, utcnow

VARIANTS = ("standard", "large_print")
BATCH_MAX_FORMS = 2000


class PaperBatch(Base):
    """A stack of forms printed to hand out at one place, in one language, from one date."""

    __tablename__ = "paper_batch"
    __table_args__ = (
        CheckConstraint(in_("variant", VARIANTS), name="variant"),
        CheckConstraint(f"forms BETWEEN 1 AND {BATCH_MAX_FORMS}", name="forms_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    language: Mapped[str] = mapped_column(String(8))
    variant: Mapped[str] = mapped_column(String(16), default="standard")
    forms: Mapped[int] = mapped_column(Integer)
    place: Mapped[str] = mapped_column(String(120))  # where they are handed out
    neighbourhood_id: Mapped[int | None] = mapped_column(
        ForeignKey("neighbourhood.id", ondelete="SET NULL"), index=True
    )
    handout_date: Mapped[date] = mapped_column(Date)
    # A second person keys every form of this batch blind; differences are resolved.
    double_keying: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PaperForm(Base):
    """One printed form. `submission_id` is set once, when it is keyed: a form counts once."""

    __tablename__ = "paper_form"
    __table_args__ = (UniqueConstraint("batch_id", "number"),)

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("paper_batch.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)  # 1..forms within the batch, as printed
    submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("submission.id", ondelete="SET NULL"), unique=True
    )
    keyed_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    keyed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    batch: Mapped[PaperBatch] = relationship(lazy="joined")
