"""Themes: clusters of submissions carried through the cycle, and residents' "me too"."""

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, in_, utcnow
from portal.models.participation import Submission

STAGES = ("collecting", "translated", "acting", "reported")
TITLE_MAX_LENGTH = 120
SUMMARY_MAX_LENGTH = 5000

theme_submission = Table(
    "theme_submission",
    Base.metadata,
    Column("theme_id", ForeignKey("theme.id", ondelete="CASCADE"), primary_key=True),
    Column("submission_id", ForeignKey("submission.id", ondelete="CASCADE"), primary_key=True),
    Column("assigned_at", DateTime(timezone=True), nullable=False, default=utcnow),
    # The primary key starts with theme_id; "which themes has this submission" needs its own,
    # and with the theme in it the dashboard counts per theme from indexes alone.
    Index("ix_theme_submission_submission_id", "submission_id", "theme_id"),
)


class Theme(Base):
    """A thema: what several residents experience, in their words and in the gemeente's.

    A merged theme is kept with `merged_into_id` set, so nothing a moderator did is lost.
    """

    __tablename__ = "theme"
    __table_args__ = (
        CheckConstraint(in_("stage", STAGES), name="stage"),
        CheckConstraint(
            "merged_into_id IS NULL OR merged_into_id <> id", name="not_merged_into_self"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX_LENGTH))
    summary: Mapped[str] = mapped_column(Text, default="", server_default="")
    stage: Mapped[str] = mapped_column(String(16), default="collecting")
    published: Mapped[bool] = mapped_column(default=False, server_default=false())
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("theme.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    # Since when the theme is in its stage: the board shows how long each has waited.
    stage_since: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # When the feedback was last published (moving the theme to "reported").
    feedback_published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    submissions: Mapped[list[Submission]] = relationship(
        secondary=theme_submission,
        back_populates="themes",
        order_by=Submission.created_at.desc(),
    )


class Experience(Base):
    """A resident's "this happens to me too" on a published theme: input like any other.

    `person_key` is a keyed hash of a random token in the resident's session: one per
    person per theme, without knowing who the person is.
    """

    __tablename__ = "experience"
    __table_args__ = (UniqueConstraint("theme_id", "person_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id", ondelete="CASCADE"), index=True)
    person_key: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8))
    channel: Mapped[str] = mapped_column(String(16), default="web")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RejectedProposal(Base):
    """A cluster proposal a moderator turned down, so it is not proposed again as is."""

    __tablename__ = "rejected_proposal"

    signature: Mapped[str] = mapped_column(String(64), primary_key=True)  # of the member ids
    rejected_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    rejected_by: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    members: Mapped[int] = mapped_column(Integer)


ACTION_STATUSES = ("planned", "under_way", "done", "not_done")
ACTION_TEXT_MAX_LENGTH = 2000


class ThemeAction(Base):
    """What the gemeente decided or changed for a theme: the third step of the cycle.

    Kept with who decides and when, and a status; "not done" always says why.
    """

    __tablename__ = "theme_action"
    __table_args__ = (
        CheckConstraint(in_("status", ACTION_STATUSES), name="status"),
        CheckConstraint(
            "status <> 'not_done' OR (reason IS NOT NULL AND length(reason) > 0)",
            name="reason_when_not_done",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(120))  # who in the gemeente carries it out
    decided_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="planned")
    reason: Mapped[str | None] = mapped_column(Text)  # why it was not done
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
