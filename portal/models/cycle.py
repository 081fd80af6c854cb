"""Closing the loop: the feedback on a theme, the messages that tell contributors about
it, and what contributors answer about whether it helps them."""

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, in_, utcnow

FEEDBACK_MAX_LENGTH = 8000
# How a contributor hears back: an email from the outbox, or a printed letter (by post or
# handed over by the wijkteam).
MEDIA = ("email", "letter")
# pending → sending → sent; a temporary failure goes back to pending with a later
# next_attempt_at; "failed" after the last attempt or a permanent refusal; "cancelled"
# when the contact details were removed first; "uncertain" when a sender stopped between
# handing a message to the mail server and recording it: it is not sent again by itself,
# because a message goes out at most once.
NOTIFICATION_STATES = ("pending", "sending", "sent", "failed", "cancelled", "uncertain")
EVALUATION_ANSWERS = ("helps", "helps_a_little", "does_not_help", "not_noticed")


class ThemeFeedback(Base):
    """The "you said, we did" of a theme in one language. Dutch is required; a language
    without its own text shows the Dutch one and says so."""

    __tablename__ = "theme_feedback"
    __table_args__ = (
        UniqueConstraint("theme_id", "language"),
        CheckConstraint(f"length(body) BETWEEN 1 AND {FEEDBACK_MAX_LENGTH}", name="body_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(8))
    body: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class LetterRun(Base):
    """One printing of feedback letters: the letters in it can be printed again."""

    __tablename__ = "letter_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    letters: Mapped[int] = mapped_column(Integer, default=0)


class Notification(Base):
    """Telling one contributor that a theme they took part in has feedback.

    One per contributor (submission) and theme, whatever happens: the unique constraint is
    what makes "at most once" hold, also when two senders run at the same time.
    """

    __tablename__ = "notification"
    __table_args__ = (
        UniqueConstraint("submission_id", "theme_id"),
        CheckConstraint(in_("medium", MEDIA), name="medium"),
        CheckConstraint(in_("status", NOTIFICATION_STATES), name="status"),
        # The sender's question: what is due now?
        Index("ix_notification_due", "medium", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submission.id", ondelete="CASCADE"), index=True
    )
    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id", ondelete="CASCADE"), index=True)
    medium: Mapped[str] = mapped_column(String(8))
    language: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(String(500))
    letter_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("letter_run.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Evaluation(Base):
    """A contributor's answer, by receipt code, on whether what was done helps them.

    One per contributor and theme; answering again replaces the answer. A comment enters
    the inbox as a submission of its own (kind "evaluation") on the theme.
    """

    __tablename__ = "evaluation"
    __table_args__ = (
        UniqueConstraint("theme_id", "submission_id"),
        CheckConstraint(in_("answer", EVALUATION_ANSWERS), name="answer"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id", ondelete="CASCADE"), index=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"))
    answer: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
