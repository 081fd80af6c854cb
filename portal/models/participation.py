"""What residents send: submissions, their contact details and drafts, and the wijken
and life domains they choose from."""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, in_, utcnow

# What a resident reports; an "evaluation" is a contributor's comment on what was done
# about a theme (portal.models.cycle.Evaluation), which enters the inbox like any input.
RESIDENT_KINDS = ("obstacle", "idea")
KINDS = (*RESIDENT_KINDS, "evaluation")
CHANNELS = ("web", "paper", "assisted", "phone")
STATUSES = ("received", "published", "hidden")
# Why a moderator hides a submission from the website; it is never deleted.
HIDE_REASONS = ("personal_data", "abusive", "off_topic", "duplicate")
# Channels where a member of staff writes down what a resident tells them: the resident's
# consent to that is recorded with the submission.
ASSISTED_CHANNELS = ("assisted", "phone")
HEIGHTS = (1, 2, 3, 4, 5)
TEXT_MAX_LENGTH = 5000
EMAIL_MAX_LENGTH = 254
POSTAL_ADDRESS_MAX_LENGTH = 300


class Neighbourhood(Base):
    """A wijk of the gemeente; the list is the gemeente's own."""

    __tablename__ = "neighbourhood"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    # How many people live there, as the gemeente counts them: reach per 1,000 inhabitants
    # (portal.domain.reach). None while the administrator has not filled it in.
    inhabitants: Mapped[int | None] = mapped_column(
        Integer,
        CheckConstraint("inhabitants IS NULL OR inhabitants >= 0", name="inhabitants_not_negative"),
    )


class LifeDomain(Base):
    """A leefgebied. Built-in ones are translated by slug; a gemeente's own carry a Dutch
    `label` and, per language code, the `translations` staff wrote."""

    __tablename__ = "life_domain"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    label: Mapped[str | None] = mapped_column(String(120))
    translations: Mapped[dict | None] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    active: Mapped[bool] = mapped_column(default=True, server_default=true())


class Submission(Base):
    """An inbreng: an obstacle or an idea, from any channel, in the resident's own words.

    Nothing here identifies the person: no IP address, no user agent. Contact details,
    when given, live in ContactDetails with their own retention date.
    """

    __tablename__ = "submission"
    __table_args__ = (
        CheckConstraint(in_("kind", KINDS), name="kind"),
        CheckConstraint(in_("channel", CHANNELS), name="channel"),
        CheckConstraint(in_("status", STATUSES), name="status"),
        CheckConstraint("height IS NULL OR (height BETWEEN 1 AND 5)", name="height_range"),
        CheckConstraint("height IS NULL OR kind = 'obstacle'", name="height_only_for_obstacles"),
        CheckConstraint(f"length(text) BETWEEN 1 AND {TEXT_MAX_LENGTH}", name="text_length"),
        CheckConstraint(
            f"hidden_reason IS NULL OR ({in_('hidden_reason', HIDE_REASONS)})", name="hidden_reason"
        ),
        CheckConstraint(
            "duplicate_of_id IS NULL OR duplicate_of_id <> id", name="not_own_duplicate"
        ),
        CheckConstraint(
            f"NOT ({in_('channel', ASSISTED_CHANNELS)}) OR resident_consent_at IS NOT NULL",
            name="assisted_consent",
        ),
        # The inbox: newest first, by keyset on (created_at, id), optionally by status.
        Index("ix_submission_inbox", "created_at", "id"),
        Index("ix_submission_status_inbox", "status", "created_at", "id"),
        Index("ix_submission_channel_inbox", "channel", "created_at", "id"),
        Index("ix_submission_language_inbox", "language", "created_at", "id"),
        # Reach (portal.domain.reach) and the dashboard (portal.domain.dashboard) count input
        # per wijk, channel, language, height and month from this index alone: at 100,000
        # submissions no table row is read.
        Index(
            "ix_submission_reach",
            "kind",
            "created_at",
            "neighbourhood_id",
            "channel",
            "language",
            "height",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_code: Mapped[str] = mapped_column(String(16), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8))
    life_domain_id: Mapped[int | None] = mapped_column(
        ForeignKey("life_domain.id", ondelete="SET NULL"), index=True
    )
    neighbourhood_id: Mapped[int | None] = mapped_column(
        ForeignKey("neighbourhood.id", ondelete="SET NULL"), index=True
    )
    height: Mapped[int | None] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(16), default="web")
    status: Mapped[str] = mapped_column(String(16), default="received")
    hidden_reason: Mapped[str | None] = mapped_column(String(24))
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("submission.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # When a moderator last changed it; None while nobody has looked at it.
    moderated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    # The draft it came from: sending the same draft twice yields one submission.
    draft_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Who typed it in for the resident (paper keyed back, assisted or phone entry).
    entered_by: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL"), index=True
    )
    # When the resident agreed that staff write their input down (assisted and phone).
    resident_consent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When the resident removed their contact details: from then on nobody contacts them
    # about this input, not even a letter handed over by the wijkteam.
    contact_withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    life_domain: Mapped[LifeDomain | None] = relationship(lazy="joined")
    neighbourhood: Mapped[Neighbourhood | None] = relationship(lazy="joined")
    themes: Mapped[list["Theme"]] = relationship(  # noqa: F821  (portal.models.themes)
        secondary="theme_submission", back_populates="submissions", order_by="Theme.title"
    )
    contact: Mapped["ContactDetails | None"] = relationship(
        back_populates="submission", uselist=False, lazy="select"
    )

    @hybrid_property
    def is_input(self) -> bool:
        """An obstacle or an idea: what every figure counts as input. A contributor's
        answer to "does it help?" is not a new voice; those answers are counted apart
        (portal.domain.evaluations). In a query: `.where(Submission.is_input)`."""
        return self.kind in RESIDENT_KINDS

    @is_input.inplace.expression
    @classmethod
    def _is_input_expression(cls):
        return cls.kind.in_(RESIDENT_KINDS)


class ContactDetails(Base):
    """How to reach the resident who asked to hear back; removed after `retain_until`.

    An email address from the web; on paper or through a wijkteam, a postal address.
    """

    __tablename__ = "contact_details"
    __table_args__ = (
        UniqueConstraint("submission_id"),
        CheckConstraint("email IS NOT NULL OR postal_address IS NOT NULL", name="some_contact"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"))
    email: Mapped[str | None] = mapped_column(String(EMAIL_MAX_LENGTH))
    postal_address: Mapped[str | None] = mapped_column(String(POSTAL_ADDRESS_MAX_LENGTH))
    consent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    retain_until: Mapped[date] = mapped_column(Date, index=True)

    submission: Mapped[Submission] = relationship(back_populates="contact")


class Draft(Base):
    """Answers a resident has given but not yet sent, kept server-side between the steps.

    A cookie could not hold a long text in Arabic or Ukrainian; drafts older than a day
    are removed.
    """

    __tablename__ = "draft"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow, index=True
    )
