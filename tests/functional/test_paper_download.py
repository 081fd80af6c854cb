"""A resident downloads a blank form: it has a code of its own, in the chosen language."""

import subprocess

import pypdfium2
import pytest
from sqlalchemy import select

from portal.domain import receipts
from portal.models import PaperBatch, PaperForm
from tests.conftest import csrf_token, page


def download(client, **choices):
    token = csrf_token(client, "/formulier")
    return client.post("/formulier", data={"csrf_token": token, "website": "", **choices})


def test_the_form_page_offers_every_language_and_large_print(client):
    soup = page(client.get("/formulier"))
    offered = {tag["value"] for tag in soup.select("input[name=language]")}
    assert offered == {"nl", "en", "ar", "tr", "pl", "uk"}
    assert soup.select_one("input[name=variant][value=large_print]")


@pytest.mark.parametrize("language, words", [("ar", "Formuliercode"), ("uk", "Formuliercode")])
def test_a_downloaded_form_carries_a_fresh_code_as_text_and_qr(
    client, db, tmp_path, language, words
):
    response = download(client, language=language, variant="large_print")
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    batch = db.scalar(select(PaperBatch))
    assert (batch.source, batch.language, batch.variant, batch.forms) == (
        "download",
        language,
        "large_print",
        1,
    )
    code = db.scalar(select(PaperForm.code))
    document = pypdfium2.PdfDocument(response.data)
    first = document[0]
    assert receipts.display(code) in first.get_textpage().get_text_range()
    image = tmp_path / "page.png"
    first.render(scale=150 / 72).to_pil().save(image)
    decoded = subprocess.run(["zbarimg", "-q", "--raw", str(image)], capture_output=True, text=True)
    assert decoded.stdout.strip() == f"MEEDOEN-RIJNWAARDE:{code}:1"


def test_a_choice_that_is_not_offered_is_refused_in_words(client, db):
    response = download(client, language="de", variant="standard")
    assert response.status_code == 400
    assert "Deze keuze kunnen we niet gebruiken" in response.text
    assert db.scalar(select(PaperForm)) is None


def test_the_code_of_a_form_not_yet_keyed_says_so_on_the_status_lookup(client, db):
    download(client, language="nl", variant="standard")
    code = db.scalar(select(PaperForm.code))
    token = csrf_token(client, "/volgen")
    response = client.post("/volgen", data={"csrf_token": token, "website": "", "code": code})
    assert response.status_code == 400
    assert "papieren formulier dat we nog niet hebben verwerkt" in response.text
