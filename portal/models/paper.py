"""Paper forms: printed batches for a place, language and date, and each form in them.

A form's code is printed on it (as text and as a QR code) and becomes the receipt code of
the submission it is keyed into, so the resident follows a paper form like a web one.
"""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, in_, utcnow

VARIANTS = ("standard", "large_print")
BATCH_MAX_FORMS = 2000
# Who asked for the forms: a wijkteam printing a stack, or a resident downloading one.
SOURCES = ("wijkteam", "download")
PRINT_STATES = ("queued", "running", "done", "failed")


class PaperBatch(Base):
    """A stack of forms printed to hand out at one place, in one language, from one date."""

    __tablename__ = "paper_batch"
    __table_args__ = (
        CheckConstraint(in_("variant", VARIANTS), name="variant"),
        CheckConstraint(f"forms BETWEEN 1 AND {BATCH_MAX_FORMS}", name="forms_range"),
        CheckConstraint(in_("source", SOURCES), name="source"),
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
    source: Mapped[str] = mapped_column(String(16), default="wijkteam", server_default="wijkteam")
    # The answer options as printed (life domains and wijken, in order, with their labels),
    # fixed when the batch is made: keying and scan reading follow the paper, not today's
    # lists, which staff may have changed since.
    printed: Mapped[dict] = mapped_column(JSON, default=dict)

    neighbourhood: Mapped["Neighbourhood | None"] = relationship(lazy="joined")  # noqa: F821


class PaperPrint(Base):
    """The batch's PDF, made outside the web request that asked for it, with its progress."""

    __tablename__ = "paper_print"
    __table_args__ = (CheckConstraint(in_("state", PRINT_STATES), name="state"),)

    batch_id: Mapped[int] = mapped_column(
        ForeignKey("paper_batch.id", ondelete="CASCADE"), primary_key=True
    )
    state: Mapped[str] = mapped_column(String(16), default="queued")
    done: Mapped[int] = mapped_column(Integer, default=0)  # forms rendered so far
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


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
    # When it came back: first keyed or scanned. Printed minus returned is still out there.
    returned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    batch: Mapped[PaperBatch] = relationship(lazy="joined")


class PaperKeying(Base):
    """One person's keying of a form in a double-keyed batch, kept until both agree.

    Round 1 and round 2 are typed blind by two different people; the pair (code, round)
    is unique, so two people racing for the same round cannot both have it.
    """

    __tablename__ = "paper_keying"
    __table_args__ = (CheckConstraint("round IN (1, 2)", name="round"),)

    form_code: Mapped[str] = mapped_column(
        ForeignKey("paper_form.code", ondelete="CASCADE"), primary_key=True
    )
    round: Mapped[int] = mapped_column(Integer, primary_key=True)
    answers: Mapped[dict] = mapped_column(JSON)
    keyed_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    keyed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
