"""Which residents' texts are alike, and why: suggestions for the moderators who group them.

A text becomes a sparse vector of three blocks, each TF-IDF weighted and of unit length:

* fragments: character 3- to 5-grams inside words (what scikit-learn calls `char_wb`), so
  "rollstoel", "rolstoel" and "rolstoelen" meet, and any script works;
* words: whole content words, stop words left out;
* anchors: numbers, times and names (a capitalised word inside a sentence, a word in another
  script than the rest of the text). They mark the same concrete complaint and are written
  the same way in every language.

Fragments and words together give the topic similarity, which ranks texts, theme centroids
and cluster proposals. Anchors tell the same concrete complaint from the same topic, so they
weigh in on near-duplicates and a little on `similar`, but not on themes: a street name says
where, not what. IDF is squared, which lets rare fragments count for more than common ones.

The engine only suggests. Every answer says why: the words both texts contain, mapped back
from fragments to whole words ("rolstoel" for "rollstoel" and "rolstoelen").

Measured on tests/data/cluster_corpus.jsonl with portal/domain/cluster_eval.py; the figures
and what each idea did to them are in the docstring of that module.
"""

import functools
import heapq
import math
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction import FeatureHasher

Id = int | str


@dataclass(frozen=True)
class Document:
    id: Id
    text: str
    language: str | None = None  # not needed: the engine reads the script from the text
    themes: frozenset = frozenset()  # the themes a moderator assigned; empty: unassigned


@dataclass(frozen=True)
class Match:
    id: Id
    score: float
    shared: tuple[str, ...]  # words both texts contain, most telling first
    duplicate: bool  # likely the same concrete complaint, not just the same topic


@dataclass(frozen=True)
class ThemeSuggestion:
    theme: Id
    score: float
    shared: tuple[str, ...]
    examples: tuple[Id, ...]


@dataclass(frozen=True)
class Proposal:
    members: tuple[Id, ...]
    terms: tuple[str, ...]
    cohesion: float


# --- Tuning, measured on the labelled corpus (see cluster_eval.py) --------------------------

NGRAM_SIZES = (3, 4, 5)
IDF_POWER = 2.0
TOPIC_WEIGHTS = (0.7, 0.3)  # fragments, words
ANCHOR_SHARE = 0.15  # of the score `similar` ranks by, when the text has anchors
THEME_SIGNALS = (0.75, 0.25)  # theme centroid, theme title and summary
MIN_MATCH_SCORE = 0.05  # below this a "similar" text shares next to nothing
MIN_THEME_SCORE = 0.01  # below this a theme is no suggestion
DUPLICATE_CANDIDATES = 50  # most similar documents checked for being a near-duplicate
DUPLICATE_THRESHOLD = 0.36  # topic similarity plus evidence a near-duplicate needs
DUPLICATE_EVIDENCE = 0.14  # per shared anchor, times its rarity (1 for a one-off)
CLUSTER_THRESHOLD = 0.04  # average similarity at which two groups stop merging
CLUSTER_NEIGHBOURS = 20  # edges kept per text in the similarity graph for proposals
COMMON_SHARE = 0.01  # features in more texts than this share are left out of finding edges
REFIT_SHARE = 0.02  # refit the IDF once this share of the index has changed

# --- Normalisation ---------------------------------------------------------------------------

# Combining marks: accents, Arabic harakat and the superscript alef, the Cyrillic breve.
_MARKS = re.compile(
    "[\u0300-\u036f\u0483-\u0489\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc"
    "\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
)
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0123456789" * 2)
# Forms people write interchangeably: alef wasla, alef maksura and Persian yeh, ta marbuta,
# Persian kaf, the dotless i (Turkish typed on other keyboards), tatweel (only stretches).
_LETTER_FORMS = str.maketrans(
    {"ٱ": "ا", "ى": "ي", "ی": "ي", "ة": "ه", "ک": "ك", "ı": "i", "ـ": None, "ß": "ss"}
)
_APOSTROPHE = "'’‘`´ʼ′"
# Inside a Ukrainian word the apostrophe is part of the word (м'ясо); elsewhere it splits a
# suffix off (Dutch auto's, Turkish Rotterdam'da), which leaves the name as an anchor.
_CYRILLIC_APOSTROPHE = re.compile(f"(?<=[\u0400-\u04ff])[{_APOSTROPHE}](?=[\u0400-\u04ff])")
_OTHER_APOSTROPHE = re.compile(f"[{_APOSTROPHE}]")
_TOKEN = re.compile(r"[^\W\d_]+|\d+")
# 8:15, 21.14, 8u15, 8h15; also 14,50, which is a price more often than a time, but is
# written 14.50 in other languages, so the two should meet.
_TIME = re.compile(r"(?<![\d:.,])([01]?\d|2[0-3])[:.,hu]([0-5]\d)(?![\d:.,]?\d)")
_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?:[.,]\d{3})+(?![.,]?\d)")  # 180.000, 1,500
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n])[\s\"“”«»„(\[\-–—•*]*")


@functools.lru_cache(maxsize=65_536)
def fold(word: str) -> str:
    """The form of a word that its spelling variants share: lowercase, no accents or harakat."""
    word = unicodedata.normalize("NFKC", word).translate(_DIGITS).casefold()
    word = _MARKS.sub("", unicodedata.normalize("NFD", word))
    return unicodedata.normalize("NFC", word).translate(_LETTER_FORMS)


def _script(char: str) -> str:
    code = ord(char)
    if code < 0x250:
        return "latin"
    if 0x400 <= code < 0x530:
        return "cyrillic"
    if 0x600 <= code < 0x700 or 0x750 <= code < 0x780 or 0xFB50 <= code < 0xFF00:
        return "arabic"
    return "other"


STOP_WORDS = frozenset(
    fold(word)
    for words in (
        # Dutch
        "aan af al alle allemaal als andere ben bent bij binnen daar daarom dan dat de deze die "
        "dit doen door dus echt een eens eigenlijk elk elke en er erg even gaan gaat geen gewoon "
        "had haar heb hebben heeft heel hem hen het hier hij hoe hun iemand iets ik in is ja je "
        "jij jou jouw jullie kan kon kunnen maar me meer men met mij mijn misschien mn moet "
        "moeten na naar niet niets niks nog nu of om omdat ons onze ook op over te tegen toch "
        "toen tot u uit uw van veel via voor waar waarom want was wat we weer wel werd wie wij "
        "wil willen worden wordt zal ze zelf zich zij zijn zn zo zoals zonder zou zouden",
        # English
        "a about after all also am an and any are as at be because been being but by can cant "
        "could did do does dont for from get gets got had has have he her here him his how i "
        "if im in into is it its just me more most my no not of on only or our out over she so "
        "some than that the their them then there these they this those to too up us very was "
        "we were what when where which who why will with would you your",
        # Arabic, folded like the texts (alef, yeh and ta marbuta unified)
        "في من الى إلى على عن مع هذا هذه ذلك تلك التي الذي الذين ما ماذا لماذا "
        "كيف متى أين هل لا لم لن ليس ليست كان كانت يكون تكون كل بعض أو او ثم قد "
        "لقد أن إن ان كما عند حتى لكن بل أي ايضا أيضا جدا غير بين منذ هناك هنا "
        "يا لي لنا له لها لهم بها به فيه فيها ولا وهو وهي انا أنا نحن هو هي هم "
        "انت أنت انتم عندي عندنا عنده وفي ومن",
        # Turkish
        "acaba ama ancak artık aslında az bazı belki ben beni benim bile bir biri biz bize bizim "
        "bu buna bunu bunun burada çok çünkü da daha de değil diye en gibi göre hem hep her hiç "
        "için ile ise kadar ki kim mi mı mu mü nasıl ne neden o olan olarak oldu olur ona onlar "
        "onu onun sen siz şey şimdi şu ve veya ya yani yine zaten",
        # Polish
        "a aby ale bardzo bez bo by być był była było co czy dla do gdy gdzie go i ich ile im ja "
        "jak jako je jego jej jest jestem jeszcze jeśli już lub ma mam mamy mi mnie może można "
        "mój moja moje mu my na nad nam nas nasz nie nic o od on ona oni oraz po pod przez przy "
        "się są ta tak tam te tego tej ten to tu tylko tym u w we więc z za że żeby",
        # Ukrainian
        "а або але б би був була були було бути в вже ви від він вона вони все всі де для до є ж "
        "же з за і із її їх й як який яка які коли ми мене мені мій моя на над не ні нам нас наш "
        "ну о по під при про так також там те теж ти то тут у це цей ці ця чи що щоб я його",
    )
    for word in words.split()
)


@dataclass(frozen=True)
class ParsedText:
    """What the engine reads in one text: content words and anchors, as folded and as written."""

    words: tuple[tuple[str, str], ...]  # (folded, as written), stop words left out
    anchors: tuple[tuple[str, str], ...]  # (key, as written); keys start with #, @ or ^
    # (word, number key) for each number next to a content word ("lijn 12", "12 numarali"),
    # and ("@", time key) for each time
    counted: tuple[tuple[str, str], ...]


@functools.lru_cache(maxsize=65_536)
def _token(written: str) -> tuple[str, bool, str, bool, bool]:
    """What parse needs to know of a token: folded form, whether it is a content word, its
    script, whether it starts with a capital and whether it is all capitals."""
    folded = fold(written)
    content = len(folded) >= 2 and folded not in STOP_WORDS
    return folded, content, _script(written[0]), written[0].isupper(), written.isupper()


@functools.lru_cache(maxsize=4096)
def parse(text: str) -> ParsedText:
    """The content words and the anchors of a text."""
    # Marks NFKC could not compose (harakat, shadda) would split words in two.
    text = _MARKS.sub("", unicodedata.normalize("NFKC", text).translate(_DIGITS))
    anchors, counted = [], []
    for match in _TIME.finditer(text):
        time = f"{int(match.group(1))}:{match.group(2)}"
        anchors.append((f"@{time}", time))
        counted.append(("@", f"@{time}"))
    if counted:
        text = _TIME.sub(" ", text)
    text = _THOUSANDS.sub(lambda match: re.sub("[.,]", "", match.group()), text)
    if _OTHER_APOSTROPHE.search(text):
        text = _OTHER_APOSTROPHE.sub(" ", _CYRILLIC_APOSTROPHE.sub("", text))
    sentence_starts = {match.end() for match in _SENTENCE_START.finditer(text)}
    tokens = [(match.start(), match.group()) for match in _TOKEN.finditer(text)]
    facts = [None if written.isdigit() else _token(written) for _, written in tokens]
    main_script, shouting = _writing(tokens, facts)
    words = []
    keys: list[str | None] = []  # folded content words and number keys; None for the rest
    for (start, written), fact in zip(tokens, facts, strict=True):
        if fact is None:
            number = written.lstrip("0") or "0"
            anchors.append((f"#{number}", number))
            keys.append(f"#{number}")
            continue
        folded, content, script, capital, capitals_only = fact
        if not content:
            keys.append(None)
            continue
        words.append((folded, written))
        keys.append(folded)
        name = capital and start not in sentence_starts
        acronym = capitals_only and len(written) >= 2
        foreign = script != main_script and len(folded) >= 3
        if ((name or acronym) and not shouting) or foreign:
            anchors.append((f"^{folded}", written))
    return ParsedText(tuple(words), tuple(anchors), (*counted, *_counted_numbers(keys)))


def _writing(tokens: list[tuple[int, str]], facts: list) -> tuple[str, bool]:
    """The script most of the text is in, and whether it is written all in capitals (which
    then say nothing about names)."""
    scripts: Counter[str] = Counter()
    capitals = lettered = 0
    for (_, written), fact in zip(tokens, facts, strict=True):
        if fact:
            scripts[fact[2]] += len(written)
            capitals += fact[4]
            lettered += 1
    main_script = scripts.most_common(1)[0][0] if scripts else "latin"
    return main_script, lettered >= 3 and capitals > 0.5 * lettered


def _counted_numbers(keys: list[str | None]) -> list[tuple[str, str]]:
    """(word, number) for every number with a content word right before or after it."""
    counted = []
    for position, key in enumerate(keys):
        if key and key.startswith("#"):
            for neighbour in (
                keys[max(position - 1, 0) : position] + keys[position + 1 : position + 2]
            ):
                if neighbour and not neighbour.startswith("#"):
                    counted.append((neighbour, key))
    return counted


def different_numbers(first: ParsedText, second: ParsedText) -> bool:
    """Whether both texts count the same thing with different numbers (bus 12 and bus 14),
    or both give times and no time is the same."""
    theirs: dict[str, set[str]] = {}
    for word, number in second.counted:
        theirs.setdefault(word, set()).add(number)
    mine: dict[str, set[str]] = {}
    for word, number in first.counted:
        mine.setdefault(word, set()).add(number)
    return any(word in theirs and not numbers & theirs[word] for word, numbers in mine.items())


@functools.lru_cache(maxsize=16_384)
def _fragments(word: str) -> tuple[str, ...]:
    padded = f" {word} "
    if len(padded) <= NGRAM_SIZES[0]:
        return (padded,)
    return tuple(
        padded[start : start + size]
        for size in NGRAM_SIZES
        for start in range(len(padded) - size + 1)
    )


# --- Vectors ---------------------------------------------------------------------------------

_BLOCK_SIZES = (2**20, 2**18, 2**16)  # fragments, words, anchors
_BLOCK_STARTS = np.cumsum((0, *_BLOCK_SIZES[:-1]))
FEATURES = sum(_BLOCK_SIZES)
_HASHERS = tuple(
    FeatureHasher(n_features=size, input_type="string", alternate_sign=False, dtype=np.float32)
    for size in _BLOCK_SIZES
)


def _hashed(hasher: FeatureHasher, rows: list[Sequence[str]]) -> sp.csr_matrix:
    if not rows:  # FeatureHasher cannot transform nothing
        return sp.csr_matrix((0, hasher.n_features), dtype=np.float32)
    return hasher.transform(rows)


def term_counts(texts: Iterable[str | ParsedText]) -> sp.csr_matrix:
    """Sublinear term frequencies (1 + log count) of the texts, one row each, all blocks.

    Fragments and words are hashed once per distinct word, not once per occurrence: the
    counts are the texts' word counts times each word's own fragment counts.
    """
    parsed = [text if isinstance(text, ParsedText) else parse(text) for text in texts]
    vocabulary: dict[str, int] = {}
    columns = [
        vocabulary.setdefault(word, len(vocabulary)) for text in parsed for word, _ in text.words
    ]
    rows = np.repeat(np.arange(len(parsed)), [len(text.words) for text in parsed])
    word_counts = sp.csr_matrix(
        (np.ones(len(columns), dtype=np.float32), (rows, columns)),
        shape=(len(parsed), len(vocabulary)),
    )
    fragment_hasher, word_hasher, anchor_hasher = _HASHERS
    counts = sp.hstack(
        [
            word_counts @ _hashed(fragment_hasher, [_fragments(word) for word in vocabulary]),
            word_counts @ _hashed(word_hasher, [[word] for word in vocabulary]),
            _hashed(anchor_hasher, [[key for key, _ in text.anchors] for text in parsed]),
        ],
        format="csr",
        dtype=np.float32,
    )
    counts.data = 1 + np.log(counts.data)
    return counts


def idf_weights(document_frequency: np.ndarray, documents: int) -> np.ndarray:
    """Smoothed IDF (as scikit-learn computes it) to the power IDF_POWER."""
    idf = np.log((1 + documents) / (1 + document_frequency)) + 1
    return (idf**IDF_POWER).astype(np.float32)


def unit_blocks(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """TF-IDF rows in which each block present has unit length."""
    weighted = counts.astype(np.float32, copy=True)
    weighted.data *= idf[weighted.indices]
    for start in range(0, weighted.shape[0], 16_384):  # bounded temporary arrays
        ends = weighted.indptr[start : start + 16_385]
        data = weighted.data[ends[0] : ends[-1]]  # a view: scaled in place
        rows = np.repeat(np.arange(len(ends) - 1), np.diff(ends))
        blocks = np.searchsorted(_BLOCK_STARTS, weighted.indices[ends[0] : ends[-1]], "right") - 1
        squares = np.bincount(
            rows * 3 + blocks, weights=data.astype(np.float64) ** 2, minlength=3 * (len(ends) - 1)
        )
        data *= 1 / np.sqrt(squares[rows * 3 + blocks])
    return weighted


@functools.lru_cache(maxsize=8)
def _column_scale(weights: tuple[float, float, float]) -> np.ndarray:
    return np.repeat(np.asarray(weights, dtype=np.float32), _BLOCK_SIZES)


def scaled(matrix: sp.csr_matrix, weights: tuple[float, float, float]) -> sp.csr_matrix:
    """The rows with each block multiplied by its weight; a zero weight drops the block."""
    result = matrix.copy()
    result.data *= _column_scale(weights)[result.indices]
    result.eliminate_zeros()
    return result


def topic_query(units: sp.csr_matrix) -> sp.csr_matrix:
    """Rows that, multiplied with unit rows, give the topic similarity (fragments and words)."""
    return scaled(units, (*TOPIC_WEIGHTS, 0.0))


def topic_vectors(units: sp.csr_matrix) -> sp.csr_matrix:
    """Rows whose dot products are the topic similarity; they add up to theme centroids (and
    sums of unit rows give the same centroids)."""
    return scaled(units, (*(math.sqrt(weight) for weight in TOPIC_WEIGHTS), 0.0))


def anchor_query(units: sp.csr_matrix) -> sp.csr_matrix:
    return scaled(units, (0.0, 0.0, 1.0))


# --- Explanations and near-duplicates --------------------------------------------------------


class Vocabulary:
    """How many documents contain each word and anchor, and which words are names (written
    with a capital inside a sentence somewhere): those count as anchors in every text, also
    where a resident typed them in lowercase or at the start of a sentence."""

    def __init__(self) -> None:
        self.documents = 0
        self.frequency: Counter[str] = Counter()
        self.names: Counter[str] = Counter()

    def count(self, parsed: ParsedText, times: int = 1) -> None:
        """Count a text in (times=1) or out again (times=-1)."""
        keys = {word for word, _ in parsed.words} | {key for key, _ in parsed.anchors}
        for key in keys:
            _add(self.frequency, key, times)
            if key.startswith("^"):
                _add(self.names, key[1:], times)
        self.documents += times

    def rarity(self, key: str) -> float:
        """IDF relative to that of a term no document has: near 1 for a one-off."""
        documents = max(self.frequency.get(key, 0), self.frequency.get(key.lstrip("^"), 0))
        most = math.log(1 + self.documents) + 1
        return (math.log((1 + self.documents) / (1 + documents)) + 1) / most

    def evidence(self, parsed: ParsedText) -> set[str]:
        """The concrete things a text mentions: its anchors and the names among its words."""
        return {key for key, _ in parsed.anchors} | {
            f"^{word}" for word, _ in parsed.words if self.names.get(word, 0) > 0
        }


def _add(counter: Counter[str], key: str, times: int) -> None:
    counter[key] += times
    if counter[key] <= 0:  # removed documents leave no trace
        del counter[key]


@functools.lru_cache(maxsize=16_384)
def _trigrams(word: str) -> frozenset[str]:
    padded = f" {word} "
    return frozenset(padded[start : start + 3] for start in range(len(padded) - 2))


def _part_of(short: str, long: str) -> bool:
    """Whether the shorter word is the longer one inflected (rolstoel, rolstoelen) or a part
    of it as a compound (stalling, fietsenstalling); not "line" in "online"."""
    if len(short) < 4:
        return False
    inflected = long.startswith(short) and len(long) - len(short) <= 3
    compound = (long.startswith(short) or long.endswith(short)) and len(long) - len(short) >= 3
    return inflected or compound


@functools.lru_cache(maxsize=65_536)
def word_likeness(first: str, second: str) -> tuple[float, str]:
    """How surely two folded words are one word, and how: "same", "part" (inflected or
    compound part), "typo", "stem" (a long common beginning: stoepen, stoeprand) or "" when
    they are unrelated, with likeness 0."""
    if first == second:
        return 1.0, "same"
    short, long = sorted((first, second), key=len)
    if _part_of(short, long):
        return 0.8, "part"
    a, b = _trigrams(first), _trigrams(second)
    dice = 2 * len(a & b) / (len(a) + len(b))
    if dice >= 0.65:
        return dice, "typo"
    stem = len(os.path.commonprefix((first, second)))
    if stem >= 5 and stem >= 0.7 * len(short):
        return 0.5, "stem"
    return 0.0, ""


def shared_terms(
    first: ParsedText, second: ParsedText, vocabulary: Vocabulary
) -> dict[str, tuple[float, str]]:
    """Readable words and anchors both texts contain: {folded form: (how telling, as shown)}.

    A pair of related words shows as what a moderator reads best: the inflected or compound
    part both contain ("stalling" for "fietsenstalling"), the more common spelling
    ("rolstoel" over the typo "rollstoel"), or their common beginning ("stoep…" for
    "stoepen" and "stoeprand").
    """
    found: dict[str, tuple[float, str]] = {}
    second_anchors = dict(second.anchors)
    for key, written in first.anchors:
        if key in second_anchors:  # concrete, so more telling than a word of the same rarity
            found[key.lstrip("#@^")] = (vocabulary.rarity(key) + 0.5, written)
    second_words = dict(second.words)
    frequency = vocabulary.frequency
    for word, written in dict(first.words).items():
        best, (likeness, how) = word, (1.0, "same")
        if word not in second_words:
            best, (likeness, how) = max(
                ((other, word_likeness(word, other)) for other in second_words),
                key=lambda pair: pair[1][0],
                default=(None, (0.0, "")),
            )
        if not likeness or (how == "stem" and vocabulary.names.keys() & {word, best}):
            continue  # places with a common beginning are still different places
        shown_word, shown = word, written.lower()
        if how == "part":
            shown_word = min(word, best, key=len)
        elif how == "typo" and frequency.get(best, 0) > frequency.get(word, 0):
            shown_word = best
        if shown_word != word:
            shown = second_words[shown_word].lower()
        if how == "stem":
            shown_word = os.path.commonprefix((word, best))
            shown = written[: len(shown_word)].lower() + "…"
        weight = likeness * vocabulary.rarity(shown_word)
        if shown_word not in found or found[shown_word][0] < weight:
            found[shown_word] = (weight, shown)
    return found


def most_telling(found: Mapping[str, tuple[float, str]], limit: int = 6) -> tuple[str, ...]:
    """What to show of shared terms: the most telling first, each once."""
    ranked = sorted(found.values(), key=lambda pair: (-pair[0], pair[1]))
    return tuple(shown for _, shown in ranked[:limit])


def is_duplicate(
    topic: float, first: ParsedText, second: ParsedText, vocabulary: Vocabulary
) -> bool:
    """Whether two texts likely report the same concrete thing, not just the same topic.

    Different numbers for the same thing (bus 12 against bus 14) rule it out. Otherwise the topic
    similarity plus the evidence of the concrete things both mention, each counted by its
    rarity, must reach DUPLICATE_THRESHOLD: the same rare street, line and time link a Dutch
    and an Arabic text that share no other word.
    """
    if different_numbers(first, second):
        return False
    shared = vocabulary.evidence(first) & vocabulary.evidence(second)
    evidence = sum(vocabulary.rarity(key) for key in shared)
    return topic + DUPLICATE_EVIDENCE * evidence >= DUPLICATE_THRESHOLD


def _top(scores: np.ndarray, limit: int, floor: float) -> np.ndarray:
    """Positions of the highest scores at or above floor, best first, ties by position."""
    if limit <= 0 or not len(scores):
        return np.empty(0, dtype=np.int64)
    if limit < len(scores):
        candidates = np.argpartition(-scores, limit - 1)[:limit]
    else:
        candidates = np.arange(len(scores))
    candidates = candidates[scores[candidates] >= floor]
    return candidates[np.lexsort((candidates, -scores[candidates]))]


# --- The index -------------------------------------------------------------------------------


class Index:
    """The documents of one gemeente, ready to answer "which are alike, and why?".

    `add` and `remove` only hash the new texts and mark rows: new and edited documents are
    weighted with the IDF of the last fit, and the next query refits once more than
    `refit_share` of the index has changed. Until then scores differ from those of a fresh
    build only by that drift; with `refit_share=0` every query after a change sees exactly
    what a fresh build would.
    """

    def __init__(
        self,
        documents: Iterable[Document] = (),
        theme_texts: Mapping[Id, str] | None = None,
        refit_share: float = REFIT_SHARE,
    ) -> None:
        self._refit_share = refit_share
        self._theme_texts = dict(theme_texts or {})
        # Plain lists and dicts of strings and numbers, not Document objects: the garbage
        # collector does not have to walk 100,000 of them.
        self._row_of: dict[Id, int] = {}
        self._row_ids: list[Id | None] = []  # None where a document was removed
        self._texts: list[str | None] = []
        self._alive = bytearray()
        self._label_rows: list[int] = []  # (row, theme column) pairs, removed rows included
        self._label_columns: list[int] = []
        self._theme_ids: list[Id] = []
        self._theme_column: dict[Id, int] = {}
        self._fitted_counts = sp.csr_matrix((0, FEATURES), dtype=np.float32)
        self._pending_counts: list[sp.csr_matrix] = []
        self._vocabulary = Vocabulary()
        self._changes = 0
        self._fits = 0
        self._fresh = False
        self._last_scores: tuple[bytes, np.ndarray, np.ndarray] | None = None
        self._theme_text_key: tuple[tuple[str, ...], int] | None = None
        self._register_themes(self._theme_texts)
        self.add(documents)

    def __len__(self) -> int:
        return len(self._row_of)

    def __contains__(self, document_id: object) -> bool:
        return document_id in self._row_of

    # -- changes --

    def add(self, documents: Iterable[Document]) -> None:
        """Index new documents, or replace the ones with the same id (text or themes changed)."""
        latest = {document.id: document for document in documents}
        if not latest:
            return
        self._forget(latest.keys() & self._row_of.keys())
        batch = list(latest.values())
        for start in range(0, len(batch), 8192):  # parsed texts take room; a few at a time
            parsed = [parse(document.text) for document in batch[start : start + 8192]]
            self._pending_counts.append(term_counts(parsed))
            for document, text in zip(batch[start : start + 8192], parsed, strict=True):
                self._append_row(document)
                self._vocabulary.count(text)
        self._changes += len(latest)
        self._fresh = False

    def remove(self, ids: Iterable[Id]) -> None:
        """Forget documents; ids that are not indexed are ignored."""
        self._forget(set(ids) & self._row_of.keys())
        self._fresh = False

    def set_theme_texts(self, theme_texts: Mapping[Id, str]) -> None:
        """Replace the titles and summaries of the themes (staff edited or added one)."""
        self._theme_texts = dict(theme_texts)
        self._register_themes(self._theme_texts)
        self._fresh = False

    def _append_row(self, document: Document) -> None:
        row = len(self._row_ids)
        self._row_of[document.id] = row
        self._row_ids.append(document.id)
        self._alive.append(1)
        self._texts.append(document.text)
        self._register_themes(document.themes)
        for theme in document.themes:
            self._label_rows.append(row)
            self._label_columns.append(self._theme_column[theme])

    def _register_themes(self, themes: Iterable[Id]) -> None:
        for theme in sorted(themes, key=_sort_key):
            if theme not in self._theme_column:
                self._theme_column[theme] = len(self._theme_ids)
                self._theme_ids.append(theme)

    def _forget(self, ids: Iterable[Id]) -> None:
        for document_id in ids:
            row = self._row_of.pop(document_id)
            self._vocabulary.count(parse(self._texts[row]), times=-1)
            self._row_ids[row] = self._texts[row] = None
            self._alive[row] = 0
            self._changes += 1

    def _all_pending_counts(self) -> sp.csr_matrix:
        if len(self._pending_counts) != 1:
            self._pending_counts = [
                sp.vstack(self._pending_counts, format="csr", dtype=np.float32)
                if self._pending_counts
                else sp.csr_matrix((0, FEATURES), dtype=np.float32)
            ]
        return self._pending_counts[0]

    # -- keeping what is derived from the documents fresh --

    def _prepare(self) -> None:
        if self._fresh:
            return
        if not self._fits or self._changes > self._refit_share * self._fitted_counts.shape[0]:
            self._fit()
        self._refresh()
        self._fresh = True
        self._last_scores = None

    def _fit(self) -> None:
        """Drop removed rows, refit the IDF and rebuild what depends on it."""
        alive = np.flatnonzero(np.frombuffer(bytes(self._alive), dtype=np.uint8))
        counts = self._all_pending_counts()
        if self._fitted_counts.shape[0]:
            counts = sp.vstack([self._fitted_counts, counts], format="csr", dtype=np.float32)
        if len(alive) < counts.shape[0]:
            counts = counts[alive]
        themes: dict[int, list[Id]] = {}
        for row, column in zip(self._label_rows, self._label_columns, strict=True):
            themes.setdefault(row, []).append(self._theme_ids[column])
        documents = [
            Document(self._row_ids[row], self._texts[row], themes=frozenset(themes.get(row, ())))
            for row in alive
        ]
        self._row_of, self._row_ids, self._texts, self._alive = {}, [], [], bytearray()
        self._label_rows, self._label_columns = [], []
        self._theme_ids, self._theme_column = [], {}
        self._register_themes(
            self._theme_texts.keys()
            | {theme for document in documents for theme in document.themes}
        )
        for document in documents:
            self._append_row(document)
        self._fitted_counts, self._pending_counts = counts, []
        self._idf = idf_weights(np.bincount(counts.indices, minlength=FEATURES), len(documents))
        units = unit_blocks(counts, self._idf)
        self._fitted_labels = self._label_matrix()
        self._fitted_theme_sums = topic_vectors((self._fitted_labels.T @ units).tocsr())
        self._fitted_square_norms = _row_square_sums(self._fitted_theme_sums)
        self._inverted = units.T.tocsr()
        self._changes = 0
        self._fits += 1

    def _refresh(self) -> None:
        """Bring the cheap derived state up to date with the changes since the fit."""
        fitted = self._fitted_counts.shape[0]
        themes = len(self._theme_ids)
        self._alive_rows = np.frombuffer(bytes(self._alive), dtype=np.uint8).astype(bool)
        self._pending_units = unit_blocks(self._all_pending_counts(), self._idf)
        self._pending_inverted = self._pending_units.T.tocsr()
        self._labels = self._label_matrix()
        self._labels_by_theme = self._labels.tocsc()
        self._labelled = self._alive_rows & (np.diff(self._labels.indptr) > 0)
        # Theme centroids now: those of the fit, plus what was added, minus what was removed.
        added = fitted + np.flatnonzero(self._alive_rows[fitted:])
        removed = np.flatnonzero(~self._alive_rows[:fitted])
        change = topic_vectors(
            (
                self._labels[added].T @ self._pending_units[added - fitted]
                - _resize(self._fitted_labels[removed].T, themes)
                @ unit_blocks(self._fitted_counts[removed], self._idf)
            ).tocsr()
        )
        square_norms = np.zeros(themes)
        square_norms[: len(self._fitted_square_norms)] = self._fitted_square_norms
        changed = np.flatnonzero(np.diff(change.indptr))
        if len(changed):
            sums = _resize(self._fitted_theme_sums, themes)[changed]
            square_norms[changed] += 2 * _row_square_sums(sums.multiply(change[changed]), False)
            square_norms[changed] += _row_square_sums(change[changed])
        self._theme_square_norms = square_norms
        texts = tuple(self._theme_texts.get(theme, "") for theme in self._theme_ids)
        if self._theme_text_key != (texts, self._fits):  # they seldom change
            self._theme_text_key = (texts, self._fits)
            self._theme_text_inverted = unit_blocks(term_counts(texts), self._idf).T.tocsr()

    def _label_matrix(self) -> sp.csr_matrix:
        return sp.csr_matrix(
            (
                np.ones(len(self._label_rows), dtype=np.float32),
                (np.array(self._label_rows, dtype=np.int64), self._label_columns),
            ),
            shape=(len(self._row_ids), len(self._theme_ids)),
        )

    # -- scores --

    def _units_of_rows(self, rows: np.ndarray) -> sp.csr_matrix:
        fitted = self._fitted_counts.shape[0]
        old, new = np.flatnonzero(rows < fitted), np.flatnonzero(rows >= fitted)
        stacked = sp.vstack(
            [
                unit_blocks(self._fitted_counts[rows[old]], self._idf),
                self._pending_units[rows[new] - fitted],
            ],
            format="csr",
        )
        return stacked[np.argsort(np.concatenate((old, new)))]

    def _query(self, document: Document | Id) -> tuple[Document, int | None, sp.csr_matrix]:
        """The document, its row (left out of the answers) and its unit vector."""
        self._prepare()
        if not isinstance(document, Document):
            document = Document(document, self._texts[self._row_of[document]])
        row = self._row_of.get(document.id)
        if row is not None and self._texts[row] == document.text:
            return document, row, self._units_of_rows(np.array([row]))
        return document, row, unit_blocks(term_counts([document.text]), self._idf)

    def _similarities(self, units: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        """Topic and anchor similarity of each of the rows with every row, -1 for removed rows."""
        queries = sp.vstack([topic_query(units), anchor_query(units)], format="csr")
        scores = np.hstack(
            [(queries @ self._inverted).toarray(), (queries @ self._pending_inverted).toarray()]
        ).astype(np.float32)
        scores[:, ~self._alive_rows] = -1.0
        return scores[: units.shape[0]], scores[units.shape[0] :]

    def _scores(self, units: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        """Topic and anchor similarity of one vector with every row (copies, to change)."""
        key = units.indices.tobytes() + units.data.tobytes()
        if self._last_scores is None or self._last_scores[0] != key:
            topic, anchors = self._similarities(units)
            self._last_scores = (key, topic[0], anchors[0])  # suggest_themes follows similar
        return self._last_scores[1].copy(), self._last_scores[2].copy()

    # -- queries --

    def similar(self, document: Document | Id, limit: int = 5) -> list[Match]:
        """The documents most like this one, best first, each with the words they share."""
        document, row, units = self._query(document)
        topic, anchors = self._scores(units)
        scores = _ranking(topic[None, :], anchors[None, :], units)[0]
        if row is not None:
            scores[row] = -1.0
        parsed = parse(document.text)
        matches = []
        for other_row in _top(scores, limit, MIN_MATCH_SCORE):
            other_id = self._row_ids[other_row]
            other = parse(self._texts[other_row])
            shared = most_telling(shared_terms(parsed, other, self._vocabulary))
            duplicate = is_duplicate(float(topic[other_row]), parsed, other, self._vocabulary)
            matches.append(Match(other_id, _rounded(scores[other_row]), shared, duplicate))
        return matches

    def suggest_themes(self, document: Document | Id, limit: int = 3) -> list[ThemeSuggestion]:
        """Themes this document may belong to, by its similarity to the centroid of each theme's
        documents and to the theme's title and summary; its own themes are not used.

        The examples are the theme's documents most like this one.
        """
        document, row, units = self._query(document)
        if not self._theme_ids:
            return []
        combined, topic = self._theme_scores(document, row, units)
        parsed = parse(document.text)
        by_theme = self._labels_by_theme
        suggestions = []
        for column in _top(combined, limit, MIN_THEME_SCORE):
            members = by_theme.indices[by_theme.indptr[column] : by_theme.indptr[column + 1]]
            nearest = members[_top(topic[members], 3, 1e-6)]
            theme = self._theme_ids[column]
            others = [parse(self._texts[member]) for member in nearest]
            if theme in self._theme_texts:
                others.append(parse(self._theme_texts[theme]))
            shared: dict[str, tuple[float, str]] = {}
            for other in others:  # a word shared with several of them says more
                for key, (weight, shown) in shared_terms(parsed, other, self._vocabulary).items():
                    total, first_shown = shared.get(key, (0.0, shown))
                    shared[key] = (total + weight, first_shown)
            if not shared:  # nothing to show as the reason: no suggestion
                continue
            suggestions.append(
                ThemeSuggestion(
                    theme,
                    _rounded(combined[column]),
                    most_telling(shared),
                    tuple(self._row_ids[member] for member in nearest),
                )
            )
        return suggestions

    def _theme_scores(
        self, document: Document, row: int | None, units: sp.csr_matrix
    ) -> tuple[np.ndarray, np.ndarray]:
        """The score of every theme for the document and its topic similarity with every row,
        its own row (and so its own themes) left out."""
        topic, _ = self._scores(units)
        if row is not None:
            own_topic = topic.copy()
            if self._texts[row] != document.text:  # edited, not yet re-added
                own_topic, _ = self._scores(self._units_of_rows(np.array([row])))
            topic[row] = -1.0
        labels = self._labels
        # Centroid: cosine with the sum of each theme's documents, this one taken out.
        dots = labels.T @ np.maximum(topic, 0)
        square_norms = self._theme_square_norms.copy()
        if row is not None and self._labelled[row]:
            own = labels.indices[labels.indptr[row] : labels.indptr[row + 1]]
            own_dots = self._labels_by_theme[:, own].T @ np.maximum(own_topic, 0)
            self_similarity = float(own_topic[row])
            square_norms[own] += self_similarity - 2 * own_dots
        with np.errstate(divide="ignore", invalid="ignore"):
            centroid = np.where(square_norms > 1e-9, dots / np.sqrt(square_norms), 0.0)
        described = (topic_query(units) @ self._theme_text_inverted).toarray().ravel()
        centroid_share, text_share = THEME_SIGNALS
        return centroid_share * centroid + text_share * described, topic

    def duplicate_pairs(self, among: Iterable[Id] | None = None) -> list[tuple[Id, Id, float]]:
        """Pairs of documents that likely report the same thing, most alike first, with their
        topic similarity.

        Each document is checked against its DUPLICATE_CANDIDATES most similar documents, as
        `similar` ranks them. That costs about one query per document; pass `among` (for
        example the unassigned inbox) to check only those, against the whole index.
        """
        self._prepare()
        if among is None:
            rows = np.flatnonzero(self._alive_rows)
        else:
            rows = np.array(sorted(self._row_of[i] for i in set(among) & self._row_of.keys()))
        checked: dict[tuple[int, int], float | None] = {}  # None: not a duplicate
        keep = min(DUPLICATE_CANDIDATES, len(self._row_ids))
        for start in range(0, len(rows), 128):
            block = rows[start : start + 128]
            units = self._units_of_rows(block)
            topic, anchors = self._similarities(units)
            scores = _ranking(topic, anchors, units)
            scores[np.arange(len(block)), block] = -1.0
            nearest = np.argpartition(-scores, keep - 1, axis=1)[:, :keep]
            for position, row in enumerate(block.tolist()):
                parsed = parse(self._texts[row])
                for other in nearest[position].tolist():
                    pair = (min(row, other), max(row, other))
                    if pair in checked or scores[position, other] < MIN_MATCH_SCORE:
                        continue
                    similarity = float(topic[position, other])
                    duplicate = is_duplicate(
                        similarity, parsed, parse(self._texts[other]), self._vocabulary
                    )
                    checked[pair] = similarity if duplicate else None
        found = [
            (*sorted((self._row_ids[first], self._row_ids[second]), key=_sort_key), _rounded(score))
            for (first, second), score in checked.items()
            if score is not None
        ]
        return sorted(found, key=lambda pair: (-pair[2], _sort_key(pair[0]), _sort_key(pair[1])))


def _ranking(topic: np.ndarray, anchors: np.ndarray, units: sp.csr_matrix) -> np.ndarray:
    """The score `similar` ranks by: topic similarity, and anchors for a text that has them."""
    has_anchors = np.diff(anchor_query(units).indptr) > 0
    share = np.where(has_anchors, ANCHOR_SHARE, 0.0)[:, None]
    return (1 - share) * topic + share * np.maximum(anchors, 0)


def _row_square_sums(matrix: sp.spmatrix, square: bool = True) -> np.ndarray:
    """The sum of each row's values, squared first unless `square` is False."""
    matrix = matrix.tocsr()
    values = matrix.data.astype(np.float64)
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    return np.bincount(rows, weights=values**2 if square else values, minlength=matrix.shape[0])


def _rounded(score: float) -> float:
    return round(min(max(float(score), 0.0), 1.0), 4)


def _resize(matrix: sp.spmatrix, rows: int) -> sp.csr_matrix:
    """The matrix with rows of zeros added up to `rows`."""
    matrix = matrix.tocsr(copy=True)
    matrix.resize((rows, matrix.shape[1]))
    return matrix


def _sort_key(value: Id) -> tuple[int, int, str]:
    return (0, value, "") if isinstance(value, int) else (1, 0, str(value))


# --- Proposals for new themes ----------------------------------------------------------------


def propose_clusters(
    documents: Sequence[Document], min_size: int = 3, threshold: float | None = None
) -> list[Proposal]:
    """Groups of alike documents that could become themes, largest and tightest first.

    Average-linkage clustering on a graph of each document's nearest neighbours by topic:
    two groups merge while their documents are, on average, at least `threshold` alike (pairs
    outside the graph count as not alike). A document with no close enough neighbour stays
    out rather than being forced into a group. The answer does not depend on input order.
    """
    threshold = CLUSTER_THRESHOLD if threshold is None else threshold
    unique = {document.id: document for document in documents}
    ordered = [unique[key] for key in sorted(unique, key=_sort_key)]
    if len(ordered) < max(min_size, 2):
        return []
    parsed = [parse(document.text) for document in ordered]
    counts = term_counts(parsed)
    idf = idf_weights(np.bincount(counts.indices, minlength=FEATURES), len(ordered))
    vectors = topic_vectors(unit_blocks(counts, idf))
    groups = average_linkage(len(ordered), neighbour_graph(vectors, CLUSTER_NEIGHBOURS), threshold)
    vocabulary = Vocabulary()
    for text in parsed:
        vocabulary.count(text)
    proposals = []
    for group in groups:
        if len(group) < min_size:
            continue
        members = vectors[group]
        total = sp.csr_matrix(np.ones((1, len(group)), dtype=np.float32)) @ members
        own = float(_row_square_sums(members).sum())
        cohesion = (float(_row_square_sums(total)[0]) - own) / (len(group) * (len(group) - 1))
        proposals.append(
            Proposal(
                members=tuple(ordered[row].id for row in sorted(group)),
                terms=characteristic_terms([parsed[row] for row in group], vocabulary),
                cohesion=round(cohesion, 4),
            )
        )
    proposals.sort(key=lambda proposal: (-len(proposal.members), -proposal.cohesion))
    return proposals


def neighbour_graph(vectors: sp.csr_matrix, neighbours: int) -> dict[tuple[int, int], float]:
    """Dot products of each row with its nearest rows, as {(lower row, higher row): score}.

    Features in more than COMMON_SHARE of the rows cost most to multiply (the work grows with
    the square of a feature's frequency) and say least, so the nearest rows are found on the
    other features; the scores of the pairs found are then computed on all features.
    """
    rows = vectors.shape[0]
    keep = min(neighbours, rows - 1)
    frequency = np.bincount(vectors.indices, minlength=vectors.shape[1])
    common = frequency > max(COMMON_SHARE * rows, 50)
    rare = vectors.copy()
    rare.data[common[rare.indices]] = 0
    rare.eliminate_zeros()
    inverted = rare.T.tocsr()
    firsts, seconds = [], []
    for start in range(0, rows, 512):
        similarity = (rare[start : start + 512] @ inverted).tocsr()
        row = start + np.repeat(np.arange(similarity.shape[0]), np.diff(similarity.indptr))
        scores = np.where(similarity.indices == row, 0.0, similarity.data)
        # Sorted by row, then by score from high to low (scores are below 2).
        order = np.argsort(row - scores / 2, kind="stable")
        rank = np.arange(len(order)) - similarity.indptr[row[order] - start]
        chosen = order[(rank < keep) & (scores[order] > 0)]
        firsts.append(row[chosen])
        seconds.append(similarity.indices[chosen])
    first, second = np.concatenate(firsts), np.concatenate(seconds)
    first, second = np.minimum(first, second), np.maximum(first, second)
    pairs = np.unique(np.stack((first, second), axis=1), axis=0)
    exact = np.zeros(len(pairs))
    for start in range(0, len(pairs), 8192):
        chunk = pairs[start : start + 8192]
        products = vectors[chunk[:, 0]].multiply(vectors[chunk[:, 1]])
        exact[start : start + len(chunk)] = _row_square_sums(products, square=False)
    return {
        (int(first), int(second)): float(score)
        for (first, second), score in zip(pairs, exact, strict=True)
    }


def average_linkage(
    size: int, edges: Mapping[tuple[int, int], float], threshold: float
) -> list[list[int]]:
    """Groups of rows from average-linkage merging on a sparse similarity graph.

    The similarity of two groups is the sum of the edges between them over the number of
    pairs; the most similar pair merges first, ties by the lowest rows.
    """
    linked: list[dict[int, float]] = [{} for _ in range(size)]  # summed similarity per pair
    for (first, second), score in edges.items():
        linked[first][second] = linked[second][first] = score
    members: list[list[int]] = [[row] for row in range(size)]
    merges = [0] * size  # an entry in the heap is stale once one of its groups has merged
    heap = [(-score, first, second, 0, 0) for (first, second), score in edges.items()]
    heap = [entry for entry in heap if -entry[0] >= threshold]
    heapq.heapify(heap)
    while heap:
        _, first, second, first_merges, second_merges = heapq.heappop(heap)
        if merges[first] != first_merges or merges[second] != second_merges:
            continue
        if not members[first] or not members[second]:
            continue
        kept, gone = (first, second)
        if len(members[second]) > len(members[first]):
            kept, gone = second, first
        kept_links = linked[kept]
        for other, score in linked[gone].items():
            if other != kept:
                kept_links[other] = linked[other][kept] = kept_links.get(other, 0.0) + score
                del linked[other][gone]
        del kept_links[gone]
        linked[gone] = {}
        members[kept].extend(members[gone])
        members[gone] = []
        merges[kept] += 1
        merges[gone] += 1
        kept_size = len(members[kept])
        for other, score in kept_links.items():
            average = score / (kept_size * len(members[other]))
            if average >= threshold:
                low, high = min(kept, other), max(kept, other)
                heapq.heappush(heap, (-average, low, high, merges[low], merges[high]))
    return [group for group in members if group]


def characteristic_terms(
    parsed: Sequence[ParsedText], vocabulary: Vocabulary, limit: int = 5
) -> tuple[str, ...]:
    """Words and anchors that many members contain and few others: a draft title."""
    present: Counter[str] = Counter()
    shown: dict[str, Counter[str]] = {}
    for text in parsed:
        forms = {word: written.lower() for word, written in text.words}
        for key, written in text.anchors:  # a name keeps its capitals
            forms[key[1:] if key.startswith("^") else key] = written
        present.update(forms.keys())
        for key, written in forms.items():
            shown.setdefault(key, Counter())[written] += 1
    found = {
        key: (count * vocabulary.rarity(key), shown[key].most_common(1)[0][0])
        for key, count in present.items()
        if count >= 2
    }
    return most_telling(found, limit)
