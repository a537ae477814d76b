"""Matching names as sources write them: people and posts (countries: ``tracker.countries``).

Pure. Names are cleaned before they are stored (invisible characters removed, direction
controls refused, look-alike letters from another script flagged); two spellings of one name
share a key; a new name close to a recorded one gets suggestions ("did you mean").
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz import distance, fuzz, process

from tracker.countries import FAMILY_NAME_FIRST, adjective, canonical_country, country_words, spellings_of

#: Characters that are invisible in a name and only hide differences: removed.
INVISIBLE = frozenset("\u00ad\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff")
#: Characters that reorder text on screen (a spoofing trick): refused.
DIRECTION_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def clean_name(text: str) -> str:
    """A name as stored: NFC, invisible characters removed, spaces single; ``ValueError`` on direction controls."""
    bad = [c for c in text if c in DIRECTION_CONTROLS]
    if bad:
        raise ValueError(f"must not contain text-direction control characters (U+{ord(bad[0]):04X})")
    text = "".join(c for c in unicodedata.normalize("NFC", text) if c not in INVISIBLE)
    return " ".join(text.split())


@functools.lru_cache(maxsize=4096)
def _script(char: str) -> str:
    try:
        return unicodedata.name(char).split()[0]
    except ValueError:
        return ""


_SCRIPTS = frozenset({"LATIN", "CYRILLIC", "GREEK"})


def mixed_script(text: str) -> str:
    """A description of the first word that mixes Latin, Cyrillic or Greek letters ("" if none).

    "Shоigu" with a Cyrillic о looks like "Shoigu" but is another name to a computer.
    """
    for word in re.findall(r"\w+", text):
        scripts = {_script(c) for c in word if c.isalpha()} & _SCRIPTS
        if len(scripts) > 1:
            main = max(scripts, key=lambda s: sum(_script(c) == s for c in word))
            odd = next(c for c in word if c.isalpha() and _script(c) in scripts - {main})
            return (
                f"“{word}” mixes {' and '.join(sorted(s.title() for s in scripts))} letters "
                f"(“{odd}” is {_script(odd).title()}): retype it in one script"
            )
    return ""


@functools.lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """The key two spellings of one name share: Unicode NFC, invisible characters gone, single spaces, case folded."""
    text = "".join(c for c in unicodedata.normalize("NFC", name) if c not in INVISIBLE)
    return " ".join(text.split()).casefold()


def _fold(text: str) -> str:
    """Letters and digits only, without accents, lower case: what fuzzy matching compares."""
    decomposed = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w\s]", " ", plain).casefold().split())


# Posts -------------------------------------------------------------------------------------------


def _words(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).replace("\u2019", "'").casefold().split())


@functools.cache
def _country_set() -> frozenset[str]:
    return frozenset(country_words())


def _without_country(title: str) -> tuple[str, bool]:
    """A title's words without a leading country word ("US", "Russian", "China's"), and whether it had one."""
    text = _words(title).replace("defence", "defense")
    words = text.split()
    known = _country_set()
    for n in range(min(6, len(words) - 1), 0, -1):
        prefix = " ".join(words[:n])
        bare = prefix[:-2] if prefix.endswith("'s") else prefix
        if bare in known:
            return " ".join(words[n:]), True
    return text, False


@functools.lru_cache(maxsize=65536)
def post_key(title: str, country: str) -> tuple[str, str]:
    """The key two spellings of one post share.

    A leading country word is dropped ("US Secretary of Defense" and "Secretary of Defense" of
    the United States are one post), "defence" is spelled "defense", "defense minister" is read
    as "minister of defense", and the country is its canonical name.
    """
    text = _without_country(title)[0]
    inverted = re.fullmatch(r"(.+?) (minister|secretary)", text)
    if inverted:
        text = f"{inverted[2]} of {inverted[1]}"
    return text, canonical_country(country)


def _names_country(title: str, country: str) -> bool:
    """Whether the title names its country anywhere ("Commander of U.S. Indo-Pacific Command")."""
    words = f" {_words(title)} "
    return any(f" {spelling} " in words for spelling in spellings_of(country) if len(spelling) > 1)


@functools.lru_cache(maxsize=4096)
def post_label(title: str, country: str) -> str:
    """A post's title for lanes, with its country's adjective when the title names none.

    "Secretary of Defense" of the United States is "US Secretary of Defense".
    """
    if _without_country(title)[1] or not country or _names_country(title, country):
        return title
    word = adjective(country)
    return f"{word} {title}" if word else f"{title} ({canonical_country(country)})"


# "Did you mean" -----------------------------------------------------------------------------------

#: Below this score (0-100, see ``_closeness``) a recorded name is not offered as a suggestion.
SUGGEST_SCORE = 85


def _closeness(new: str, known: str, **_: object) -> float:
    """How alike two folded names are (0-100): letter by letter, or word by word where both have two words or more.

    Word by word, "gen mark milley" is "mark milley"; a single word that is a recorded name's
    surname ("austin") is close to it too, but a first name shared with someone is not.
    """
    score = fuzz.ratio(new, known)
    new_words, known_words = new.split(), known.split()
    if min(len(new_words), len(known_words)) >= 2:
        score = max(score, fuzz.token_set_ratio(new, known))
    elif len(new_words) == 1 and len(known_words) >= 2 and len(new) >= 4 and new == known_words[-1]:
        score = max(score, 90.0)
    return float(score)


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A recorded name close to a new one; ``confident`` when it is surely the same name misspelt."""

    name: str
    score: float
    confident: bool


def _one_slip(new: str, known: str) -> bool:
    """Whether two names differ by one typo in one long word (all other words the same).

    "Lloyd Austn" ~ "Lloyd Austin" is a slip; "Wang Qi" ~ "Wang Yi" is not (short words make
    real, different names).
    """
    a, b = _fold(new).split(), _fold(known).split()
    if len(a) != len(b):
        return False
    differing = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    if len(differing) != 1:
        return False
    x, y = differing[0]
    return min(len(x), len(y)) >= 5 and distance.DamerauLevenshtein.distance(x, y) == 1


def suggestions(
    new: str, known: Mapping[str, str] | Iterable[str], *, limit: int = 3, words: bool = True
) -> list[Suggestion]:
    """Recorded names close to ``new``, best first; ``known`` maps a spelling to the name it stands for.

    Several spellings of one name (aliases) give one suggestion, under the name they stand for.
    ``words=False`` compares letter by letter only (for titles, where "Deputy Foreign Minister"
    contains "Foreign Minister" and is another office).
    """
    spellings = dict(known) if isinstance(known, Mapping) else {k: k for k in known}
    if not spellings or not _fold(new):
        return []
    folded = {spelling: _fold(spelling) for spelling in spellings}
    found: dict[str, Suggestion] = {}
    for _, score, spelling in process.extract(
        _fold(new),
        folded,
        scorer=_closeness if words else fuzz.ratio,
        score_cutoff=SUGGEST_SCORE,
        limit=limit * 4,
    ):
        name = spellings[spelling]
        confident = _one_slip(new, spelling)
        best = found.get(name)
        if best is None or (confident, score) > (best.confident, best.score):
            found[name] = Suggestion(name, float(score), confident)
    ordered = sorted(found.values(), key=lambda s: (not s.confident, -s.score, s.name))
    return ordered[:limit]


def short_name(name: str, country: str) -> str:
    """How a change of holder names a person: the surname ("Milley"), or the whole name where the family name comes first."""
    if canonical_country(country) in FAMILY_NAME_FIRST:
        return name
    words = [w for w in name.split() if w.rstrip(".,").casefold() not in {"jr", "sr", "ii", "iii", "iv"}]
    return words[-1].rstrip(",") if words else name
