"""The order of search results: by relevance, and the same on SQLite and PostgreSQL.

Candidates are ranked in Python from the words the search index holds for each of them,
so both databases give one order (their own scores, FTS5's bm25 and ts_rank, differ).
The order, as DESIGN.md's "Search" asks:

1. how many of the query's words the title holds as typed (not only a stem or prefix);
2. a bm25-like weight: title > description > category and area words, an exact word
   more than a stem or prefix, a rarer word among the candidates more than a common one;
3. shorter titles first;
4. newest, then the highest id.
"""
import math

from app.directory.search import Indexed, indexed_terms, query_words, stem

FIELD_WEIGHTS = {"title": 3.0, "description": 2.0, "context": 1.0}  # context: category, area
LOOSE = 0.6  # a stem or prefix match counts for this much of an exact word
K1, B = 1.2, 0.75  # bm25's usual constants


def _strength(word: str, loose: set, terms: set, outside: set = frozenset()) -> float:
    """1 if `terms` hold the word itself, LOOSE if only a stem or prefix form, else 0
    (words also in `outside` do not count)."""
    if word in terms and word not in outside:
        return 1.0
    hits = terms & loose
    return LOOSE if hits and not hits <= outside else 0.0


def _loose_forms(word: str, prefix: bool, known: set) -> set:
    """The index words that match `word` by its stem, or as its prefix (the last word)."""
    forms = {stem(word)}
    if prefix:
        forms |= {t for t in known if t.startswith(word)}
    forms.discard(word)
    return forms


class _Candidate:
    """A listing's index words by field: title; description (the body words its
    description holds); context, the rest of the body (category words, area, price).
    Only words the index holds, so nothing the public may not see."""
    __slots__ = ("body", "description", "lengths", "title", "title_words")

    def __init__(self, indexed: Indexed):
        self.title, self.body = set(indexed.title), set(indexed.body)
        self.description = self.body.intersection(indexed.description)
        self.title_words = indexed.title_words  # as written, in order
        self.lengths = (len(self.title), len(self.description),
                        len(self.body) - len(self.description))

    def strengths(self, word: str, loose: set) -> tuple[float, float, float]:
        return (_strength(word, loose, self.title), _strength(word, loose, self.description),
                _strength(word, loose, self.body, self.description))


NOT_INDEXED = _Candidate(Indexed([], [], [], []))


def _by_relevance(ids: list[int], query: list[str], found: dict) -> list[int]:
    """Order one tier (`ids`, newest first) by the bm25-like score, then shorter titles.
    How rare a word is and the average field lengths are the tier's own."""
    tier = {i: found[i] for i in ids}
    known = set()  # the tier's words: the last query word's prefix forms come from them
    for candidate in tier.values():
        known |= candidate.title
        known |= candidate.body
    loose = [_loose_forms(w, n == len(query) - 1, known) for n, w in enumerate(query)]
    strength = {i: [c.strengths(w, loose[n]) for n, w in enumerate(query)]
                for i, c in tier.items()}
    count = len(tier)
    average = [sum(c.lengths[f] for c in tier.values()) / count or 1.0 for f in range(3)]
    weights = list(FIELD_WEIGHTS.values())
    idf = []
    for n in range(len(query)):  # how rare each word is in the candidates' own text
        df = sum(1 for i in tier if strength[i][n][0] or strength[i][n][1])
        idf.append(math.log(1 + (count - df + 0.5) / (df + 0.5)))

    def score(i) -> float:
        lengths, total = tier[i].lengths, 0.0
        for n, by_field in enumerate(strength[i]):
            for f, value in enumerate(by_field):
                if value:
                    norm = 1 - B + B * lengths[f] / average[f]
                    total += idf[n] * weights[f] * value * (K1 + 1) / (1 + K1 * norm)
        return round(total, 9)

    return sorted(ids, key=lambda i: (-score(i), len(tier[i].title_words)))


def rank(ids, text: str, upto: int | None = None) -> list[int]:
    """Return `ids` (listings in the search index, newest first) in relevance order for the
    query `text`; with no words (filters alone, a category page), as they are.

    Tiers by how many query words the title holds as typed; each tier ordered by
    _by_relevance. With `upto`, only the tiers holding the first `upto` places are scored
    (the rest stay newest first): a page needs no more, and the places it shows are the
    same as in the full order. Everything comes from the index (search.Indexed).
    """
    query, ids = query_words(text), list(ids)
    if not query or not ids:
        return ids
    found = indexed_terms(ids)
    found = {i: _Candidate(found[i]) if i in found else NOT_INDEXED for i in ids}
    wanted = set(query)
    tiers = {}
    for i in ids:
        tiers.setdefault(len(wanted.intersection(found[i].title_words)), []).append(i)
    ranked = []
    for typed in sorted(tiers, reverse=True):
        tier = tiers[typed]
        ranked += tier if upto is not None and len(ranked) >= upto else (
            _by_relevance(tier, query, found))
    return ranked
