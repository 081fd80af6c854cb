"""The tables. Constraints live in the database, not only in Python."""

from portal.models.base import Base, utcnow
from portal.models.paper import BATCH_MAX_FORMS, VARIANTS, PaperBatch, PaperForm
from portal.models.participation import (
    CHANNELS,
    EMAIL_MAX_LENGTH,
    HEIGHTS,
    HIDE_REASONS,
    KINDS,
    STATUSES,
    TEXT_MAX_LENGTH,
    ContactDetails,
    Draft,
    LifeDomain,
    Neighbourhood,
    Submission,
)
from portal.models.staff import ROLES, AuditEvent, LoginThrottle, StaffSession, StaffUser
from portal.models.themes import (
    STAGES,
    SUMMARY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Experience,
    RejectedProposal,
    Theme,
    theme_submission,
)

__all__ = [
    "BATCH_MAX_FORMS",
    "VARIANTS",
    "PaperBatch",
    "PaperForm",
    "CHANNELS",
    "EMAIL_MAX_LENGTH",
    "HEIGHTS",
    "HIDE_REASONS",
    "KINDS",
    "ROLES",
    "STAGES",
    "STATUSES",
    "SUMMARY_MAX_LENGTH",
    "TEXT_MAX_LENGTH",
    "TITLE_MAX_LENGTH",
    "AuditEvent",
    "Base",
    "ContactDetails",
    "Draft",
    "Experience",
    "LifeDomain",
    "LoginThrottle",
    "Neighbourhood",
    "RejectedProposal",
    "StaffSession",
    "StaffUser",
    "Submission",
    "Theme",
    "theme_submission",
    "utcnow",
]
