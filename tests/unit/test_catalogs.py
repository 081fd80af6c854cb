"""Every offered language has a complete, valid catalog that matches the code."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from portal.catalogs import catalog_path
from portal.languages import LANGUAGES

ROOT = Path(__file__).resolve().parents[2]


def messages(language: str):
    with catalog_path(language).open("rb") as handle:
        return read_po(handle, locale=language)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> set:
    """The message ids in the code and templates right now."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run(
        [
            str(pybabel),
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "lazy_gettext",
            "-k",
            "_l",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
    )
    with pot.open("rb") as handle:
        return {message.id for message in read_po(handle) if message.id}


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_every_message_is_translated_and_none_is_fuzzy(language):
    catalog = messages(language)
    missing = [
        message.id
        for message in catalog
        if message.id
        and (
            message.fuzzy
            or not (all(message.string) if isinstance(message.string, tuple) else message.string)
        )
    ]
    assert not missing, f"{len(missing)} untranslated or fuzzy in {language}: {missing[:5]}"


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_catalog_matches_the_code(language, extracted):
    ids = {message.id for message in messages(language) if message.id}
    assert not extracted - ids, f"run `make translations`: new messages {list(extracted - ids)[:5]}"
    assert not ids - extracted, (
        f"run `make translations`: stale messages {list(ids - extracted)[:5]}"
    )


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is installed by make")
@pytest.mark.parametrize("language", list(LANGUAGES))
def test_msgfmt_check_passes(language):
    result = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(catalog_path(language))],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_placeholders_survive_translation(language):
    import re

    placeholder = re.compile(r"%\((\w+)\)[sd]")
    for message in messages(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(placeholder.findall(ids[-1]))
        for string in strings:
            # A singular form may spell out the number; every other placeholder must stay.
            assert set(placeholder.findall(string)) - {"num"} == expected - {"num"}, (
                language,
                message.id,
            )
