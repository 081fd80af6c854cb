"""Suggestions for moderators, from the database: which themes fit a submission, which
submissions are alike (possible duplicates), and proposals for new themes.

The similarity itself lives in portal.domain.clustering (no database, no Flask). This
module keeps a clustering.Index in step with the database. Each process keeps its own
index and brings it up to date before every use with a few cheap queries: new submissions
are added, those a moderator changed (text, themes: both set `moderated_at`) are replaced,
and theme titles and summaries are refreshed. Moderators decide; nothing here assigns.
"""

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.domain import audit, themes
from portal.models import RejectedProposal, StaffUser, Submission, Theme, theme_submission

MAX_PROPOSAL_INPUT = 10_000  # the newest unassigned submissions a proposal looks at
SYNC_BUILD_LIMIT = 20_000  # with more submissions, the index is built in the background


@dataclass(frozen=True)
class _Version:
    last_id: int
    count: int
    oldest: datetime | None
    newest: datetime | None
    moderated: datetime | None
    themes: datetime | None
    theme_count: int


class SuggestionIndex:
    """A clustering.Index over all submissions, refreshed from the database on demand.

    A small index is built on first use; a large one (minutes of work at 100,000 texts) is
    built in a background thread, and until it is ready `current` answers None so a page can
    say "not ready yet" instead of making a moderator wait.
    """

    def __init__(self, new_session: Callable[[], Session]):
        self._new_session = new_session  # a session of its own, for the background build
        self._lock = threading.Lock()
        self._index = None
        self._version: _Version | None = None
        self._building = False
        self._proposals: tuple[_Version, list] | None = None

    def current(self, session: Session, wait: bool = False):
        """The index, brought up to date with the database; None while it is being built."""
        version = _version(session)
        with self._lock:
            stale = self._index is not None and version != self._version
            if stale and not self._catch_up(session, self._version, version):
                self._index = None
            if self._index is None:
                if not wait and version.count > SYNC_BUILD_LIMIT:
                    self._build_in_background()
                    return None
                self._index = _build(session)
            self._version = version
            return self._index

    def _build_in_background(self) -> None:
        if self._building:
            return
        self._building = True

        def build():
            try:
                with self._new_session() as session:
                    version = _version(session)
                    index = _build(session)
                with self._lock:
                    self._index, self._version = index, version
            finally:
                self._building = False

        threading.Thread(target=build, name="suggestion-index", daemon=True).start()

    def _catch_up(self, session: Session, old: _Version, new: _Version) -> bool:
        """Add what is new and replace what a moderator changed; False when only a rebuild
        can be right (rows were removed, as the tests and retention scripts may do)."""
        if new.last_id < old.last_id or new.count < old.count or new.oldest != old.oldest:
            return False
        added = new.count - old.count
        if not added and new.newest != old.newest:
            return False
        changed = Submission.id > old.last_id
        if old.moderated is None:
            changed |= Submission.moderated_at.is_not(None)
        else:  # >=: two changes within one clock tick are both seen
            changed |= Submission.moderated_at >= old.moderated
        ids = list(session.scalars(select(Submission.id).where(changed)))
        if len([i for i in ids if i > old.last_id]) != added:
            return False  # rows came and went in between: counting no longer adds up
        if ids:
            self._index.add(_documents(session, ids))
        if (new.themes, new.theme_count) != (old.themes, old.theme_count):
            self._index.set_theme_texts(_theme_texts(session))
        return True

    def proposals(self, session: Session) -> list:
        """Proposed new themes from unassigned submissions, minus rejected ones."""
        from portal.domain import clustering

        version = _version(session)
        with self._lock:
            if self._proposals is not None and self._proposals[0] == version:
                found = self._proposals[1]
            else:
                found = clustering.propose_clusters(_unassigned(session))
                self._proposals = (version, found)
        rejected = set(session.scalars(select(RejectedProposal.signature)))
        return [proposal for proposal in found if signature(proposal.members) not in rejected]


def _build(session: Session):
    from portal.domain import clustering  # numpy, scipy: loaded on first use only

    return clustering.Index(_documents(session), theme_texts=_theme_texts(session))


def _version(session: Session) -> _Version:
    # One aggregate per subquery: SQLite answers a lone min() or max() from an index, but
    # scans the table for several in one select (15 ms at 100,000 rows, each time).
    parts = (
        func.max(Submission.id),
        func.count(Submission.id),
        func.min(Submission.created_at),
        func.max(Submission.created_at),
        func.max(Submission.moderated_at),
    )
    last_id, count, oldest, newest, moderated = session.execute(
        select(*(select(part).scalar_subquery() for part in parts))
    ).one()
    updated, theme_count = session.execute(select(func.max(Theme.updated_at), func.count())).one()
    return _Version(last_id or 0, count, oldest, newest, moderated, updated, theme_count)


def _documents(session: Session, ids: list[int] | None = None):
    """Every submission (or those with `ids`) as a clustering.Document with its themes."""
    from portal.domain import clustering

    query = select(Submission.id, Submission.text, Submission.language)
    links = (
        select(theme_submission.c.submission_id, theme_submission.c.theme_id)
        .join(Theme, Theme.id == theme_submission.c.theme_id)
        .where(Theme.merged_into_id.is_(None))
    )
    if ids is not None:
        query = query.where(Submission.id.in_(ids))
        links = links.where(theme_submission.c.submission_id.in_(ids))
    themes_of: dict[int, set[int]] = {}
    for submission_id, theme_id in session.execute(links):
        themes_of.setdefault(submission_id, set()).add(theme_id)
    return [
        clustering.Document(id_, text, language, frozenset(themes_of.get(id_, ())))
        for id_, text, language in session.execute(query)
    ]


def _unassigned(session: Session):
    """The newest submissions in no theme, not hidden and not marked as a duplicate."""
    from portal.domain import clustering

    in_a_theme = select(theme_submission.c.submission_id)
    query = (
        select(Submission.id, Submission.text, Submission.language)
        .where(
            Submission.id.not_in(in_a_theme),
            Submission.status != "hidden",
            Submission.duplicate_of_id.is_(None),
        )
        .order_by(Submission.id.desc())
        .limit(MAX_PROPOSAL_INPUT)
    )
    return [clustering.Document(*row) for row in session.execute(query)]


def _theme_texts(session: Session) -> dict[int, str]:
    return {theme.id: f"{theme.title}\n{theme.summary}" for theme in themes.active_themes(session)}


# --- what the submission page shows --------------------------------------------------------


@dataclass(frozen=True)
class ThemeHint:
    theme: Theme
    score: float
    shared: tuple[str, ...]


@dataclass(frozen=True)
class SimilarHint:
    submission: Submission
    score: float
    shared: tuple[str, ...]
    duplicate: bool


def for_submission(
    session: Session, index: SuggestionIndex, submission: Submission
) -> tuple[list[ThemeHint], list[SimilarHint]] | None:
    """Likely themes (not those it already has) and the most similar submissions; None
    while the index is still being built."""
    from portal.domain import clustering

    current = index.current(session)
    if current is None:
        return None
    # Normally indexed already; one that arrived a moment ago is compared as it is.
    own = {theme.id for theme in submission.themes}
    subject = (
        submission.id
        if submission.id in current
        else clustering.Document(
            submission.id, submission.text, submission.language, frozenset(own)
        )
    )
    theme_hints = [
        ThemeHint(session.get(Theme, hint.theme), hint.score, hint.shared)
        for hint in current.suggest_themes(subject, limit=3 + len(own))
        if hint.theme not in own
    ][:3]
    similar = [
        SimilarHint(session.get(Submission, match.id), match.score, match.shared, match.duplicate)
        for match in current.similar(subject, limit=5)
    ]
    return (
        [hint for hint in theme_hints if hint.theme is not None],
        [hint for hint in similar if hint.submission is not None],
    )


# --- proposals ------------------------------------------------------------------------------


def signature(members) -> str:
    """The same set of submissions always gives the same signature, in any order."""
    joined = ",".join(str(member) for member in sorted(int(m) for m in members))
    return hashlib.sha256(joined.encode()).hexdigest()


def reject(session: Session, actor: StaffUser | None, members: list[int]) -> None:
    key = signature(members)
    if session.get(RejectedProposal, key) is None:
        row = RejectedProposal(
            signature=key, rejected_by=actor.id if actor else None, members=len(members)
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor,
            "proposal.reject",
            _Target(len(members)),
            None,
            {"members": sorted(members)},
        )


class _Target:
    """Audit events name a record; a rejected proposal is not one, so it has no id."""

    __tablename__ = "proposal"

    def __init__(self, size: int):
        self.id = None
        self.size = size


def accept(session: Session, actor: StaffUser | None, members: list[int], title: str) -> Theme:
    """Make the proposal a theme with the moderator's title; only unassigned members move."""
    chosen = list(session.scalars(select(Submission).where(Submission.id.in_(members))))
    return themes.create(session, actor, title, submissions=[s for s in chosen if not s.themes])
