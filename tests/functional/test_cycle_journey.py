"""The whole ervaringskennis cycle through the screens: three residents tell about one
subject (website, paper form, wijkteam), a moderator takes their theme through all four
stages, everyone hears back by email, letter and status page, and their answers to
"does it help?" add up on the staff theme page."""

import io
import re

from pypdf import PdfReader

from portal.models import Theme
from portal.outbox import send_outbox
from tests.conftest import csrf_token, describe, page, send
from tests.functional import test_outbox
from tests.functional.test_assisted import ENTRY, answers
from tests.functional.test_journey import receipt_code
from tests.functional.test_moderation import _bulk
from tests.functional.test_outbox import received
from tests.functional.test_paper_keying import ANSWERS, clerk, make_batch
from tests.functional.test_report_back import (
    answer_counts,
    evaluate_with_code,
    look_up,
    prefixed_token,
    tables_by_caption,
)
from tests.functional.test_theme_actions import ACTION
from tests.functional.test_themes import _update, fresh, move

# The outbox tests' SMTP sink, a real aiosmtpd process, and its emptied mailbox.
sink, mail = test_outbox.sink, test_outbox.mail

WEB_TEXT = "Met mijn rollator kom ik niet in de bus naar het ziekenhuis."
PAPER_TEXT = "De bus naar het ziekenhuis heeft geen plek voor een rolstoel."
ASSISTED_TEXT = "Mijn moeder komt niet meer bij het ziekenhuis: de instap van de bus is te hoog."
WEB_EMAIL = "anna@example.org"
PAPER_ADDRESS = "B. Jansen\nKerkstraat 3\n1234 AB Rijnwaarde"
ASSISTED_ADDRESS = "F. Yilmaz\nMolenweg 12\n1235 CD Rijnwaarde"
SUMMARY = (
    "Wie slecht ter been is of een rolstoel gebruikt, komt niet in de bus naar het ziekenhuis."
)
ACTION_TEXT = "Op lijn 7 rijden alleen nog lage bussen met een oprijplaat."
FEEDBACK = (
    "U zei dat u niet in de bus naar het ziekenhuis kunt stappen. "
    "Vanaf maart rijden op lijn 7 alleen nog lage bussen met een oprijplaat."
)
COMMENT = "De lage bus is fijn, maar op zondag rijdt er nog een hoge."


def words(text: str) -> str:
    """Text with every run of whitespace as one space: PDF lines break anywhere."""
    return " ".join(text.split())


def status_text(app, code: str) -> str:
    """The status page as the resident with `code` sees it, in a browser of their own."""
    resident = app.test_client()
    assert look_up(resident, code).headers["Location"] == "/volgen/inbreng"
    return words(page(resident.get("/volgen/inbreng")).get_text(" "))


def test_three_residents_one_theme_four_stages_and_everyone_hears_back_and_answers(
    app, db, client, staff, mail
):
    # --- 1. three residents tell about the same subject, each their own way -------------
    # On the website, leaving an email address to hear back.
    describe(client, text=WEB_TEXT, height="4", email=WEB_EMAIL, contact_consent="y")
    assert send(client).headers["Location"] == "/meedoen/ontvangen"
    web_code = receipt_code(client)

    # On paper: the wijkteam prints a batch, reads the form code from its page, and keys
    # the returned form in, with the postal address the resident wrote by the ticked box.
    wijkteam = clerk(app)
    batch_id = make_batch(wijkteam, forms="1")
    batch_page = page(wijkteam.get(f"/medewerkers/papier/{batch_id}"))
    [paper_code] = [span.get_text(strip=True) for span in batch_page.select("td .code")]
    found = wijkteam.post("/medewerkers/papier/invoeren", data={"code": paper_code.lower()})
    keyed = wijkteam.post(
        found.headers["Location"],
        data={**ANSWERS, "text": PAPER_TEXT, "consent": "y", "contact": PAPER_ADDRESS},
    )
    assert keyed.status_code == 302, keyed.text

    # With help: the wijkteam writes down what a resident tells, with her agreement.
    entered = wijkteam.post(
        ENTRY, answers(language="nl", text=ASSISTED_TEXT, postal_address=ASSISTED_ADDRESS)
    )
    assert entered.status_code == 302, entered.text
    slip = page(wijkteam.get(entered.headers["Location"]))
    assisted_code = slip.select_one("section.slip .receipt-code").get_text(strip=True)

    codes = {"web": web_code, "paper": paper_code, "assisted": assisted_code}
    assert len(set(codes.values())) == 3

    # --- 2. a moderator makes one theme of them and takes it through the cycle ----------
    moderator = staff("moderator")
    created = moderator.post(
        "/medewerkers/themas",
        data={"csrf_token": csrf_token(moderator, "/medewerkers/themas"), "title": "Bus"},
    )
    theme_id = int(created.headers["Location"].rsplit("/", 1)[1])
    inbox = page(moderator.get("/medewerkers/inbox"))
    ids = [box["value"] for box in inbox.select("input[name=ids]")]
    assert len(ids) == 3, "all three are in the inbox, whatever their channel"
    token = csrf_token(moderator, "/medewerkers/inbox")
    assert _bulk(moderator, token, ids, "theme", theme=str(theme_id)).status_code == 302

    shown = page(moderator.get(f"/medewerkers/themas/{theme_id}"))
    channels = shown.find("dt", string="Kanalen").find_next("dd").get_text(strip=True)
    assert dict(part.split(": ") for part in channels.split(", ")) == {
        "Website": "1",
        "Papier": "1",
        "Met hulp": "1",
    }

    def stage() -> str:
        return fresh(db, Theme, theme_id).stage

    # The summary translates the experiences: then the theme may leave "collecting".
    _update(moderator, theme_id, title="Bus naar het ziekenhuis", summary=SUMMARY)
    move(moderator, theme_id, "translated")
    assert stage() == "translated"

    # An action, through the action form: then the gemeente is acting.
    path = f"/medewerkers/themas/{theme_id}"
    added = moderator.post(
        f"{path}/acties",
        data={
            "csrf_token": csrf_token(moderator, path),
            **ACTION,
            "action-description": ACTION_TEXT,
            "action-status": "under_way",
        },
    )
    assert added.status_code == 302, added.text
    move(moderator, theme_id, "acting")
    assert stage() == "acting"

    # The action is done and the feedback written in Dutch: then it is reported.
    [edit] = page(moderator.get(path)).select(f"form[action^='{path}/acties/']")
    prefix = edit.select_one("textarea")["name"].rsplit("-", 1)[0]  # action-<id>
    done = moderator.post(
        edit["action"],
        data={
            "csrf_token": csrf_token(moderator, path),
            **{key.replace("action-", f"{prefix}-"): value for key, value in ACTION.items()},
            f"{prefix}-description": ACTION_TEXT,
            f"{prefix}-status": "done",
        },
    )
    assert done.status_code == 302, done.text
    saved = moderator.post(
        f"{path}/terugkoppeling",
        data={"csrf_token": csrf_token(moderator, path), "feedback_nl": FEEDBACK},
    )
    assert saved.status_code == 302, saved.text

    # Written is not published: until the theme is reported nobody hears anything.
    assert send_outbox(app).sent == 0
    assert "0 bewoners wachten op een brief." in wijkteam.get("/medewerkers/brieven").text
    assert FEEDBACK not in status_text(app, web_code)

    move(moderator, theme_id, "reported")
    assert stage() == "reported"

    # --- 3. everyone hears back ---------------------------------------------------------
    # Email: one message, to the one who left an address, with the feedback and the
    # link to answer "does it help?".
    report = send_outbox(app)
    assert (report.sent, report.failed) == (1, 0), report.errors
    [message] = received(mail)
    assert message["To"] == WEB_EMAIL
    body = message.get_body(("plain",)).get_content()
    assert FEEDBACK in body
    assert web_code in body
    link = re.search(r"https?://[^/\s]+(/themas/(\d+)/terugkoppeling\S*)", body)
    assert int(link.group(2)) == theme_id

    # Letters: the wijkteam prints one for the paper and one for the assisted resident.
    letters = page(wijkteam.get("/medewerkers/brieven"))
    assert "2 bewoners wachten op een brief." in letters.get_text(" ")
    made = wijkteam.post("/medewerkers/brieven/terugkoppeling", data={})
    assert made.status_code == 303
    pdf = wijkteam.get(made.headers["Location"])
    assert pdf.mimetype == "application/pdf"
    printed = words(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages))
    for code, address in ((paper_code, PAPER_ADDRESS), (assisted_code, ASSISTED_ADDRESS)):
        assert code in printed
        assert words(address) in printed
    assert web_code not in printed, "the web resident heard by email, not by letter"
    assert printed.count(words(FEEDBACK)) == 2
    assert "0 bewoners wachten op een brief." in wijkteam.get("/medewerkers/brieven").text

    # The status page: each code shows the feedback, and how that resident was told.
    told = {
        "web": "E-mail: verstuurd op",
        "paper": "Brief: verstuurd op",
        "assisted": "Brief: verstuurd op",
    }
    for who, code in codes.items():
        shown = status_text(app, code)
        assert FEEDBACK in shown, who
        assert ACTION_TEXT in shown, who
        assert told[who] in shown, who

    # --- 4. each evaluates, and the answers add up for staff ---------------------------
    # The web resident follows the link in the email and answers with the code from it.
    assert page(client.get(link.group(1))).select_one(".feedback-text").get_text() == FEEDBACK
    answered = evaluate_with_code(client, theme_id, code=web_code, answer="helps")
    assert answered.status_code == 302 and "bedankt=1" in answered.headers["Location"]

    # The paper resident types the code from the letter, and adds a comment.
    by_letter = evaluate_with_code(
        app.test_client(),
        theme_id,
        code=paper_code.lower().replace("-", " "),
        answer="helps_a_little",
        comment=COMMENT,
    )
    assert by_letter.status_code == 302

    # The assisted resident answers on her status page, where the code is already known.
    resident = app.test_client()
    look_up(resident, assisted_code)
    form = f"theme-{theme_id}"
    on_status = resident.post(
        f"/volgen/inbreng/thema/{theme_id}",
        data={
            f"{form}-csrf_token": prefixed_token(resident, form),
            f"{form}-answer": "not_noticed",
            f"{form}-comment": "",
        },
    )
    assert on_status.status_code == 302

    theme_page = page(moderator.get(path))
    tables = tables_by_caption(theme_page)
    assert answer_counts(theme_page) == {
        "Helpt": "1",
        "Helpt een beetje": "1",
        "Helpt niet": "0",
        "Nog niets van gemerkt": "1",
    }
    heard = {
        row.th.get_text(strip=True): [td.get_text(strip=True) for td in row.find_all("td")]
        for row in tables["Berichten aan wie meedeed, per manier"].tbody.find_all("tr")
    }
    assert heard == {"Brief": ["Verstuurd", "2"], "E-mail": ["Verstuurd", "1"]}
    assert COMMENT in theme_page.get_text()
    # A comment is input, but it does not start the cycle again.
    assert stage() == "reported"
