"""How good the clustering suggestions are on a labelled corpus (one JSON object per line).

Each record has `id`, `text`, `theme` (the moderators' theme), `dup_group` (null, or the id
shared by texts that report the same concrete thing) and optionally `language`.

* `suggest_top1`, `suggest_top3`: leave-one-out. Every item asks for theme suggestions from
  an index of all items in which its own label is hidden (the index leaves its row out); the
  share of items whose theme comes first, or among the first three. The IDF is fitted on
  all texts, the held-out one included; that uses no label.
* `ari`, `nmi`: `propose_clusters` over all items with their labels removed, against the
  themes. An item that no proposal takes in counts as a cluster of its own, which these
  measures punish: leaving an item out is scored as a wrong grouping. `clustered` is the
  share of items taken in; `ari_clustered` and `nmi_clustered` compare only those.
* `dup_precision`, `dup_recall`: the unordered pairs `Index.duplicate_pairs` flags in an
  index without labels, against all pairs of items with the same `dup_group`.

Measured on tests/data/cluster_corpus.jsonl (345 items, 15 themes, 6 languages, 72 pairs of
near-duplicates). The thresholds were tuned on this same corpus, so expect somewhat less on
new data:

    suggest_top1 0.661  suggest_top3 0.820  (0.693 and 0.849 with the themes' one-line
                                              descriptions as theme_texts)
    ari 0.126  nmi 0.570  (60 proposals take in 86% of the items; over those, ari 0.164)
    dup_precision 0.860  dup_recall 0.681  (57 pairs flagged)

What each idea did, against the engine without it (top1/top3, ari/nmi, dup precision/recall):

* IDF squared instead of plain: .626/.812 -> .661/.820, nmi .502 -> .570, dups .63/.72 ->
  .86/.68.
* Stop words per language: without them .632/.812, ari .081, dups .68/.71.
* Character n-grams 3-5: the best top1, ari and duplicate precision; 3-4, 4-5 and 3-6 reach
  top3 .83 but lose on ari (.08 to .12) and duplicates (precision .76 to .84); 2-4 loses on
  every figure.
* Fragments 0.7 and words 0.3: fragments alone .667/.835 but ari .099 and dups .66/.72;
  words alone .554/.725.
* Anchors kept out of theme and cluster similarity: in it, with a weight of 0.1 to 0.2,
  top1 fell 1 to 4 points (a street says where, not what).
* Theme centroid: best alone. A k-NN vote of the nearest labelled documents, in any mix,
  cost 1 to 5 points of top1; the mean similarity of a theme's closest members,
  per-language centroids, per-language or per-script IDF and a linear SVM (.649 to .658,
  20-fold) gained nothing. Not kept. Theme titles and summaries: +3 points when written.
  A theme scoring under 0.01, or sharing no word to show as the reason, is not suggested;
  that costs top3 .826 -> .820.
* Near-duplicates: topic similarity alone (same threshold) .88/.40. Adding the shared
  anchors, each by its rarity: .86/.54; also counting as names the words that are written
  with a capital elsewhere in the index: .86/.68. A lower bar for pairs in two languages
  reached recall .71 to .81 but precision .71 to .39: not kept. Different numbers for the
  same word (bus 12, bus 14) veto a pair; no pair in this corpus needed it.
* Proposals: average linkage on a nearest-neighbour graph. Complete linkage, LSA, HDBSCAN,
  Louvain, shared-neighbour and neighbour-smoothed similarities all stayed at ari <= 0.13.
  The threshold trades the two measures: 0.03 gives ari .133 / nmi .538, 0.04 .126 / .570,
  0.05 .092 / .575, 0.08 .059 / .605. Texts in different languages share almost nothing,
  and even a perfect clustering that keeps languages apart (theme x language) scores only
  ari .508 / nmi .819 here.
"""

import itertools
import json
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from portal.domain.clustering import Document, Index, propose_clusters


def read_jsonl(path: str | Path) -> list[dict]:
    """The records of a JSON Lines file; blank lines are skipped."""
    with open(path, encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def evaluate(records: Iterable[Mapping], theme_texts: Mapping | None = None) -> dict:
    """Figures for suggestions, proposals and duplicates on labelled records, rounded to 3
    decimals. `theme_texts` (title and summary per theme) are passed on to the index that
    suggests themes, as the app does."""
    started = time.perf_counter()
    records = list(records)
    unlabelled = [
        Document(record["id"], record["text"], record.get("language")) for record in records
    ]
    labelled = [
        Document(record["id"], record["text"], record.get("language"), frozenset({record["theme"]}))
        for record in records
    ]
    theme_of = {record["id"]: record["theme"] for record in records}
    figures = {"items": len(records), "themes": len(set(theme_of.values()))}
    figures.update(_suggestions(labelled, theme_of, theme_texts))
    figures.update(_proposals(unlabelled, theme_of))
    figures.update(_duplicates(unlabelled, records))
    figures["seconds"] = time.perf_counter() - started
    return {
        key: round(value, 3) if isinstance(value, float) else value
        for key, value in figures.items()
    }


def _suggestions(
    documents: list[Document], theme_of: Mapping, theme_texts: Mapping | None
) -> dict[str, float]:
    index = Index(documents, theme_texts=theme_texts)
    first = within_three = 0
    for document in documents:
        suggested = [suggestion.theme for suggestion in index.suggest_themes(document.id, 3)]
        first += suggested[:1] == [theme_of[document.id]]
        within_three += theme_of[document.id] in suggested
    count = max(len(documents), 1)
    return {"suggest_top1": first / count, "suggest_top3": within_three / count}


def _proposals(documents: list[Document], theme_of: Mapping) -> dict[str, float]:
    cluster_of = {}
    proposals = propose_clusters(documents)
    for number, proposal in enumerate(proposals):
        for member in proposal.members:
            cluster_of[member] = number
    ids = [document.id for document in documents]
    truth = [theme_of[document_id] for document_id in ids]
    # An item no proposal takes in is a singleton: its own label, unlike any other.
    found = [cluster_of.get(document_id, f"alone:{document_id}") for document_id in ids]
    taken = [position for position, document_id in enumerate(ids) if document_id in cluster_of]
    taken_truth = [truth[position] for position in taken]
    taken_found = [found[position] for position in taken]
    return {
        "ari": adjusted_rand_score(truth, found),
        "nmi": normalized_mutual_info_score(truth, found),
        "proposals": len(proposals),
        "clustered": len(taken) / max(len(ids), 1),
        "ari_clustered": adjusted_rand_score(taken_truth, taken_found) if taken else 0.0,
        "nmi_clustered": normalized_mutual_info_score(taken_truth, taken_found) if taken else 0.0,
    }


def _duplicates(documents: list[Document], records: list[Mapping]) -> dict[str, float]:
    groups: dict[object, list] = {}
    for record in records:
        if record.get("dup_group") is not None:
            groups.setdefault(record["dup_group"], []).append(record["id"])
    expected = {
        frozenset(pair)
        for members in groups.values()
        for pair in itertools.combinations(members, 2)
    }
    flagged = {
        frozenset((first, second)) for first, second, _ in Index(documents).duplicate_pairs()
    }
    hits = len(flagged & expected)
    return {
        "dup_precision": hits / len(flagged) if flagged else 0.0,
        "dup_recall": hits / len(expected) if expected else 0.0,
        "dup_pairs_flagged": len(flagged),
        "dup_pairs_expected": len(expected),
    }
