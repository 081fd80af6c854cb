"""Dutch at B1: short sentences. A cheap, objective floor under the writing, not a verdict."""

import re

from babel.messages.pofile import read_po

from portal.catalogs import catalog_path

LONGEST_SENTENCE = 25
AVERAGE_SENTENCE = 12


def dutch_sentences() -> list[str]:
    with catalog_path("nl").open("rb") as handle:
        catalog = read_po(handle, locale="nl")
    sentences = []
    for message in catalog:
        if message.id:
            text = message.id[0] if isinstance(message.id, tuple) else message.id
            sentences += [s for s in re.split(r"(?<=[.!?])\s+|:\s+", text) if s.strip()]
    return sentences


def test_no_dutch_sentence_is_long():
    too_long = [s for s in dutch_sentences() if len(s.split()) > LONGEST_SENTENCE]
    assert not too_long, f"split these sentences (B1): {too_long}"


def test_dutch_sentences_are_short_on_average():
    sentences = dutch_sentences()
    average = sum(len(s.split()) for s in sentences) / len(sentences)
    assert average <= AVERAGE_SENTENCE, f"average sentence length {average:.1f} words"
