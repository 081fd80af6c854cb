"""What residents choose to say about themselves ("over mij"), apart from what they sent.

The answers are only ever counted together (portal.domain.profiles, with the small groups
suppressed by portal.domain.disclosure). Nothing here can be linked to a submission:

* no foreign key to a submission, no receipt code, no wijk, no channel, no language;
* no timestamp: only the month the answers were given (`period`, "2026-11");
* a random primary key (uuid4), so the order of the keys says nothing about the order in
  which people answered. On SQLite the tables have no rowid either (WITHOUT ROWID), so the
  rows are stored in the order of that random key, not in the order they came in.
"""

import uuid

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, in_

# The one question every gemeente asks: fixed bands, so that figures compare between places.
AGE_BANDS = ("under_18", "18_26", "27_40", "41_65", "66_80", "over_80", "prefer_not")
QUESTION_MAX_LENGTH = 200
OPTION_MAX_LENGTH = 100
PERIOD_PATTERN = "____-__"  # YYYY-MM: the month, never the day or the time


def random_key() -> str:
    return uuid.uuid4().hex


class ProfileQuestion(Base):
    """A question the gemeente adds to "over mij", with a Dutch text and, per language code,
    the `translations` staff wrote (like LifeDomain)."""

    __tablename__ = "profile_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(QUESTION_MAX_LENGTH))
    translations: Mapped[dict | None] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    options: Mapped[list["ProfileOption"]] = relationship(
        back_populates="question",
        order_by="ProfileOption.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class ProfileOption(Base):
    """One answer a resident can choose for a question."""

    __tablename__ = "profile_option"
    # The answers refer to (question, option), so an option of another question cannot be
    # stored as the answer to this one.
    __table_args__ = (UniqueConstraint("question_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("profile_question.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(OPTION_MAX_LENGTH))
    translations: Mapped[dict | None] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    question: Mapped[ProfileQuestion] = relationship(back_populates="options")


class Profile(Base):
    """One resident's answers to "over mij": the age band here, the rest in ProfileAnswer."""

    __tablename__ = "profile"
    __table_args__ = (
        CheckConstraint(f"age_band IS NULL OR ({in_('age_band', AGE_BANDS)})", name="age_band"),
        CheckConstraint(f"period LIKE '{PERIOD_PATTERN}'", name="period_is_a_month"),
        {"sqlite_with_rowid": False},
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_key)
    period: Mapped[str] = mapped_column(String(7))
    age_band: Mapped[str | None] = mapped_column(String(16))


class ProfileAnswer(Base):
    """The option one resident chose for one of the gemeente's questions."""

    __tablename__ = "profile_answer"
    __table_args__ = (
        ForeignKeyConstraint(
            ["question_id", "option_id"],
            ["profile_option.question_id", "profile_option.id"],
            ondelete="CASCADE",
        ),
        # Counting the answers per question and option reads this index only.
        Index("ix_profile_answer_tally", "question_id", "option_id"),
        {"sqlite_with_rowid": False},
    )

    profile_id: Mapped[str] = mapped_column(
        ForeignKey("profile.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[int] = mapped_column(primary_key=True)
    option_id: Mapped[int] = mapped_column(Integer)
