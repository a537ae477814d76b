"""Countries under one canonical name, whatever sources call them; their adjectives; dyads.

Pure. The canonical names are pycountry's common names, with the short forms English-language
reporting uses ("Russia", not "Russian Federation"). A name no list knows is kept as given,
tidied (so an organization acting as a side, or a country we do not list, still works).
"""

from __future__ import annotations

import functools
import unicodedata

import pycountry

#: Canonical names that differ from pycountry's (common) name, by ISO alpha-2 code.
_PREFERRED = {
    "RU": "Russia",
    "KP": "North Korea",
    "KR": "South Korea",
    "IR": "Iran",
    "TW": "Taiwan",
    "SY": "Syria",
    "VN": "Vietnam",
    "LA": "Laos",
    "VE": "Venezuela",
    "BO": "Bolivia",
    "MD": "Moldova",
    "TZ": "Tanzania",
    "PS": "Palestine",
    "VA": "Vatican City",
    "FM": "Micronesia",
    "CD": "Democratic Republic of the Congo",
    "CG": "Republic of the Congo",
}

#: Other ways sources write a country (or a body acting as one), by canonical name.
_OTHER_NAMES: dict[str, tuple[str, ...]] = {
    "United States": (
        "us",
        "u.s.",
        "usa",
        "u.s.a.",
        "united states of america",
        "america",
        "american",
        "the us",
    ),
    "Russia": ("russian federation", "rus", "russian", "rf"),
    "China": ("prc", "people's republic of china", "chinese", "mainland china", "p.r.c."),
    "United Kingdom": ("uk", "u.k.", "great britain", "britain", "british", "gb"),
    "Ukraine": ("ukrainian",),
    "North Korea": ("dprk", "democratic people's republic of korea", "north korean"),
    "South Korea": ("rok", "republic of korea", "south korean"),
    "Iran": ("islamic republic of iran", "iranian"),
    "Taiwan": ("roc", "republic of china", "taiwanese", "chinese taipei"),
    "France": ("french",),
    "Germany": ("german",),
    "Japan": ("japanese",),
    "India": ("indian",),
    "Israel": ("israeli",),
    "Türkiye": ("turkey", "turkish"),
    "NATO": ("north atlantic treaty organization", "otan"),
    "European Union": ("eu", "e.u."),
    "United Nations": ("un", "u.n."),
}

#: The adjective a post's title takes before it ("US Secretary of Defense", "Russian Minister of Defence").
ADJECTIVES = {
    "United States": "US",
    "Russia": "Russian",
    "China": "Chinese",
    "United Kingdom": "UK",
    "Ukraine": "Ukrainian",
    "North Korea": "North Korean",
    "South Korea": "South Korean",
    "Iran": "Iranian",
    "Taiwan": "Taiwanese",
    "France": "French",
    "Germany": "German",
    "Japan": "Japanese",
    "India": "Indian",
    "Israel": "Israeli",
    "Türkiye": "Turkish",
    "NATO": "NATO",
    "European Union": "EU",
}

#: Countries whose people are named family name first: a change of holder keeps the whole name.
FAMILY_NAME_FIRST = frozenset(
    {"China", "Taiwan", "North Korea", "South Korea", "Japan", "Vietnam", "Hungary"}
)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").casefold()
    return " ".join(text.replace(".", ". ").split()).replace(". ", ".").strip()


@functools.cache
def _index() -> dict[str, str]:
    """Every spelling we know, folded, to its canonical name."""
    index: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        canonical = _PREFERRED.get(code) or getattr(country, "common_name", None) or country.name
        for name in (
            country.name,
            getattr(country, "official_name", None),
            getattr(country, "common_name", None),
        ):
            if name:
                index.setdefault(_fold(name), canonical)
        index[_fold(canonical)] = canonical
        index.setdefault(_fold(country.alpha_3), canonical)
        index.setdefault(_fold(code), canonical)
    for canonical, names in _OTHER_NAMES.items():
        index[_fold(canonical)] = canonical
        for name in names:
            index[_fold(name)] = canonical
    return index


@functools.lru_cache(maxsize=4096)
def canonical_country(name: str) -> str:
    """The one name a country is stored and shown under ("US", "U.S.", "USA" -> "United States").

    A name no list knows is kept, with its spacing tidied.
    """
    text = " ".join(name.split())
    if not text:
        return ""
    return _index().get(_fold(text), text)


def is_known_country(name: str) -> bool:
    """Whether ``name`` is a spelling of a country (or body) on our lists."""
    return _fold(" ".join(name.split())) in _index()


@functools.cache
def spellings_of(country: str) -> frozenset[str]:
    """Every folded spelling of one country (``canonical_country`` of it)."""
    canonical = canonical_country(country)
    return frozenset(name for name, found in _index().items() if found == canonical)


def country_words() -> list[str]:
    """Every folded spelling of a country, longest first (to strip one from the start of a title)."""
    return sorted(_index(), key=len, reverse=True)


def adjective(country: str) -> str:
    """The word a post's title takes before it for ``country`` ("" when we do not know one)."""
    return ADJECTIVES.get(canonical_country(country), "")


def dyad(country_a: str, country_b: str, home: str = "United States") -> tuple[str, str]:
    """The two countries of a pair in the order every page shows them: ``home`` first, then by name."""
    a, b = canonical_country(country_a), canonical_country(country_b)
    return tuple(sorted((a, b), key=lambda c: (c != home, c)))  # type: ignore[return-value]


def dyad_label(country_a: str, country_b: str, home: str = "United States") -> str:
    """'United States – Russia'; one name when both sides are of one country."""
    first, second = dyad(country_a, country_b, home)
    return first if first == second else f"{first} – {second}"
