"""The clustering engine: similar texts, theme suggestions, duplicates and proposals."""

import random

import pytest

from portal.domain.clustering import (
    Document,
    Index,
    fold,
    parse,
    propose_clusters,
)

TRANSPORT, BUILDINGS, LIBRARY = "busvervoer", "toegankelijke-gebouwen", "bibliotheek"

TEXTS = {
    # Dutch, with a typo (rollstoel), an inflection (rolstoelen) and a compound part.
    "nl-wheelchair": (
        "Met mijn rolstoel kom ik niet in het gemeentehuis, er is alleen een trap.",
        BUILDINGS,
    ),
    "nl-wheelchair-typo": (
        "Mijn rollstoel past niet door de voordeur van het gemeentehuis.",
        BUILDINGS,
    ),
    "nl-wheelchair-lift": ("De lift is te klein voor rolstoelen en scootmobielen.", BUILDINGS),
    "nl-wheelchair-toilet": ("Geen toilet voor mensen in een rolstoel in het zwembad.", BUILDINGS),
    "nl-bikes": ("De fietsenstalling bij het station is altijd overvol.", TRANSPORT),
    "nl-bikes-short": ("meer stalling voor fietsen bij het station aub", TRANSPORT),
    "nl-bus-12": (
        "Bus 12 van 8:15 naar het Stationsplein rijdt steeds te vroeg weg.",
        TRANSPORT,
    ),
    "nl-bus-12-again": (
        "Nogmaals: lijn 12 om 8.15 bij het Stationsplein vertrekt te vroeg, ik mis hem elke dag.",
        TRANSPORT,
    ),
    "nl-bus-14": (
        "Bus 14 van 17:30 naar het Stationsplein rijdt steeds te vroeg weg.",
        TRANSPORT,
    ),
    "nl-library-hours": (
        "De bibliotheek is op zaterdag dicht, dan kan ik er niet studeren.",
        LIBRARY,
    ),
    "nl-library-books": ("Te weinig boeken in makkelijke taal in de bibliotheek.", LIBRARY),
    # Arabic: the same complaint about the lift, with and without harakat and hamza.
    "ar-lift": ("لا يوجد مصعد في مبنى البلدية والكرسي المتحرك لا يدخل.", BUILDINGS),
    "ar-lift-again": ("مبنى البلديّة بلا مِصعد، ولا أستطيع الدخول بالكرسي المتحرك", BUILDINGS),
    "ar-library": ("المكتبة مغلقة يوم السبت ولا أستطيع الدراسة هناك.", LIBRARY),
    # English: the same departure as the Dutch bus 12 texts.
    "en-bus-12": (
        "The number 12 bus at 8:15 to Stationsplein leaves before the timetable says.",
        TRANSPORT,
    ),
}


def documents(labelled: bool = True) -> list[Document]:
    return [
        Document(key, text, themes=frozenset({theme}) if labelled else frozenset())
        for key, (text, theme) in TEXTS.items()
    ]


@pytest.fixture(scope="module")
def index() -> Index:
    return Index(documents())


def ids(matches) -> list:
    return [match.id for match in matches]


def test_a_typo_finds_the_text_it_misspells_and_shows_the_word_both_mean(index):
    matches = index.similar("nl-wheelchair-typo")
    assert matches[0].id == "nl-wheelchair"
    assert "rolstoel" in matches[0].shared  # not the typo, not a fragment like "stoe"
    assert "gemeentehuis" in matches[0].shared


def test_a_compound_part_is_shown_as_the_shared_word(index):
    matches = index.similar("nl-bikes-short")
    assert matches[0].id == "nl-bikes"
    assert "stalling" in matches[0].shared and "station" in matches[0].shared


def test_an_arabic_text_finds_the_arabic_text_on_the_same_topic(index):
    matches = index.similar("ar-lift")
    assert matches[0].id == "ar-lift-again"
    assert {"مصعد", "مبنى", "المتحرك"} <= set(matches[0].shared)


def test_the_same_line_and_time_is_a_duplicate_and_another_line_is_not(index):
    matches = {match.id: match for match in index.similar("nl-bus-12", limit=10)}
    assert matches["nl-bus-12-again"].duplicate
    assert {"12", "8:15", "Stationsplein"} <= set(matches["nl-bus-12-again"].shared)
    # Almost the same words, but another line at another time: the same topic only.
    assert matches["nl-bus-14"].score > matches["nl-bus-12-again"].score
    assert not matches["nl-bus-14"].duplicate


def test_line_time_and_place_link_a_duplicate_across_languages(index):
    pairs = {frozenset(pair[:2]) for pair in index.duplicate_pairs()}
    assert frozenset({"nl-bus-12", "en-bus-12"}) in pairs
    assert frozenset({"nl-bus-12", "nl-bus-12-again"}) in pairs
    assert not any("nl-bus-14" in pair for pair in pairs)


def test_similar_never_returns_the_document_itself():
    copies = [Document(number, "De lift in het stadskantoor is kapot.") for number in range(3)]
    index = Index(copies)
    for document in copies:
        assert document.id not in ids(index.similar(document.id, limit=10))
        assert document.id not in ids(index.similar(document, limit=10))
        assert all(match.duplicate for match in index.similar(document.id))


def test_a_new_text_is_compared_without_being_added(index):
    question = Document("new", "De rolstoel kan niet door de deur van het gemeentehuis.")
    assert set(ids(index.similar(question))[:2]) == {"nl-wheelchair-typo", "nl-wheelchair"}
    assert "new" not in index


def test_suggestions_come_from_other_documents_never_from_the_own_label():
    # The only document of theme "kapotte-liften" is this one: with its own label hidden, no
    # other document supports that theme.
    mislabelled = Document("own", TEXTS["nl-wheelchair-lift"][0], themes=frozenset({"liften"}))
    others = [document for document in documents() if document.id != "nl-wheelchair-lift"]
    index = Index([*others, mislabelled])
    suggested = [suggestion.theme for suggestion in index.suggest_themes("own")]
    assert suggested[0] == BUILDINGS
    assert "liften" not in suggested
    best = index.suggest_themes("own")[0]
    assert "own" not in best.examples and "nl-wheelchair" in best.examples
    assert any(word.startswith("rolstoel") for word in best.shared)


def test_suggestions_for_every_document_leave_its_label_out(index):
    for document in documents():
        for suggestion in index.suggest_themes(document.id):
            assert document.id not in suggestion.examples
    # The Arabic library text has no other library text in Arabic; its theme still comes
    # first for a Dutch text on the same subject.
    assert index.suggest_themes("nl-library-hours")[0].theme == LIBRARY


def test_theme_titles_and_summaries_link_texts_that_no_member_shares_words_with():
    members = [document for document in documents() if not document.id.startswith("ar-")]
    theme_texts = {LIBRARY: "Bibliotheek en taalles. المكتبة والدراسة", BUILDINGS: "Gebouwen"}
    index = Index(members, theme_texts=theme_texts)
    arabic = Document("ar", TEXTS["ar-library"][0])
    best = index.suggest_themes(arabic)[0]
    assert best.theme == LIBRARY
    assert "المكتبة" in best.shared


def test_adding_and_removing_step_by_step_gives_what_a_fresh_build_gives():
    everything = documents()
    fresh = Index(everything)
    stepwise = Index(everything[:5])
    stepwise.similar(everything[0].id)  # fit on the first five, then change
    for start in range(5, len(everything), 3):
        stepwise.add(everything[start : start + 3])
        stepwise.similar(everything[0].id)
    stepwise.remove(["nl-bikes", "ar-lift", "not-indexed"])
    relabelled = Document("nl-bus-14", "Een heel andere tekst over de markt.")
    stepwise.add([relabelled])
    stepwise.suggest_themes("nl-bus-12")
    stepwise.add([everything[4], everything[11], everything[8]])  # back as they were
    for document in everything:
        assert stepwise.similar(document.id) == fresh.similar(document.id)
        assert stepwise.suggest_themes(document.id) == fresh.suggest_themes(document.id)
    assert stepwise.duplicate_pairs() == fresh.duplicate_pairs()
    assert len(stepwise) == len(fresh) == len(everything)


def test_an_edited_text_replaces_the_old_one():
    index = Index(documents())
    index.add([Document("nl-bikes", "De bibliotheek heeft te weinig boeken in makkelijke taal.")])
    assert index.similar("nl-bikes")[0].id == "nl-library-books"
    assert "nl-bikes" not in ids(index.similar("nl-bikes-short"))[:1]


def test_proposals_group_alike_texts_and_leave_unrelated_ones_out():
    groups = {
        "lift": [
            "De lift in het stadskantoor is kapot.",
            "Lift stadskantoor al weken kapot!!",
            "Kapotte lift in het stadskantoor, ik kan niet naar boven.",
            "Weer is de lift van het stadskantoor kapot.",
        ],
        "mould": [
            "Schimmel in de badkamer van onze huurwoning.",
            "Onze huurwoning zit vol schimmel, ook in de slaapkamer.",
            "De verhuurder doet niets aan de schimmel in de woning.",
        ],
        "swim": [
            "Zwemles voor mijn kinderen is veel te duur.",
            "Zwemles kost te veel geld voor ons gezin.",
            "Kan de gemeente de zwemles goedkoper maken?",
        ],
    }
    loners = [
        "Mijn buurman speelt 's nachts harde muziek.",
        "Ik zoek vrijwilligerswerk in de tuin.",
        "Waarom is de markt op woensdag verplaatst?",
    ]
    items = [
        Document(f"{name}-{number}", text)
        for name, texts in groups.items()
        for number, text in enumerate(texts)
    ] + [Document(f"loner-{number}", text) for number, text in enumerate(loners)]
    proposals = propose_clusters(items)
    shuffled = items[:]
    random.Random(4).shuffle(shuffled)
    assert propose_clusters(shuffled) == proposals
    assert {frozenset(proposal.members) for proposal in proposals} == {
        frozenset(f"{name}-{number}" for number in range(len(texts)))
        for name, texts in groups.items()
    }
    terms = {proposal.members[0].split("-")[0]: proposal.terms for proposal in proposals}
    assert {"lift", "stadskantoor", "kapot"} <= set(terms["lift"])
    assert "schimmel" in terms["mould"] and "zwemles" in terms["swim"]
    assert all(0 < proposal.cohesion <= 1 for proposal in proposals)
    assert propose_clusters(items, min_size=5) == []


def test_spelling_variants_fold_to_one_form():
    assert fold("İstanbul") == fold("istanbul") == "istanbul"
    assert fold("Łódź") == "łodz"
    assert fold("إسطنبول") == fold("اسطنبول")
    assert fold("مَدْرَسَة") == fold("مدرسه")  # harakat and ta marbuta
    assert fold("ــمدرســة") == fold("مدرسة")  # tatweel
    assert fold("Їжак") == fold("іжак")


def test_anchors_are_numbers_times_and_names_in_any_script():
    text = "Lijn ١٢ om 8u15 bij Rotterdam'da en de RET. Ook 3.500 euro."
    anchors = {key for key, _ in parse(text).anchors}
    assert {"#12", "@8:15", "^rotterdam", "^ret", "#3500"} <= anchors
    assert "^lijn" not in anchors  # capitalised only because it starts the sentence
    arabic = parse("الحافلة إلى Stationsplein متأخرة")
    assert "^stationsplein" in {key for key, _ in arabic.anchors}
    shouting = parse("DE BUS IS ALTIJD TE LAAT BIJ HET STATION")
    assert not shouting.anchors


def test_reasons_are_whole_words_numbers_or_long_beginnings_never_bare_fragments(index):
    words = {fold(word) for text, _ in TEXTS.values() for word in text.replace(".", " ").split()}
    words |= {key.lstrip("#@^") for text, _ in TEXTS.values() for key, _ in parse(text).anchors}
    words |= {fold(written) for text, _ in TEXTS.values() for _, written in parse(text).words}
    for document in documents():
        reasons = [match.shared for match in index.similar(document.id)]
        reasons += [suggestion.shared for suggestion in index.suggest_themes(document.id)]
        for shared in reasons:
            assert shared and len(shared) <= 6
            for term in shared:
                if term.endswith("…"):
                    assert len(term) >= 6  # a beginning of at least five letters
                else:
                    assert fold(term) in words, term
