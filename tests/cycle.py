"""Test helpers for the cycle's last steps: contributors, and a theme taken to "reported"."""

from datetime import date, timedelta

from portal.db import session_for
from portal.domain import actions, feedback, themes
from portal.models import ContactDetails, Theme
from tests.conftest import add_submission

FEEDBACK_NL = "U zei dat de bus te weinig rijdt. Wij laten lijn 4 vanaf maart elk half uur rijden."
ACTION_TEXT = "Lijn 4 rijdt elk half uur, ook op zaterdag."


def contributor(db, text="De bus rijdt te weinig.", email=None, postal=None, **fields):
    """A submission, with contact details when given, kept until well after today."""
    row = add_submission(db, text, **fields)
    if email or postal:
        db.add(
            ContactDetails(
                submission_id=row.id,
                email=email,
                postal_address=postal,
                retain_until=date.today() + timedelta(days=365),
            )
        )
        db.commit()
    return row


def reported_theme(app, members, title="Bus", texts=None, stage="reported") -> int:
    """A theme with `members`, its summary, a done action and feedback, moved step by step
    to `stage` as a moderator would. Returns its id."""
    with session_for(app) as session:
        theme = Theme(title=title, summary="Inwoners missen de bus.", stage="collecting")
        session.add(theme)
        session.flush()
        theme.submissions.extend(session.merge(member) for member in members)
        actions.add(
            session,
            None,
            theme,
            actions.ActionRequest(ACTION_TEXT, "Afdeling Verkeer", date(2026, 11, 1), "done"),
        )
        feedback.save(session, None, theme, texts or {"nl": FEEDBACK_NL})
        for step in ("translated", "acting", "reported")[
            : ("translated", "acting", "reported").index(stage) + 1
        ]:
            themes.move(session, None, theme, step)
        session.commit()
        return theme.id
