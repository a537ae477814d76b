"""Matching names as sources write them: people, countries and posts.

Pure functions: two spellings that name one thing share a key.
"""

from __future__ import annotations

import re
import unicodedata


def name_key(name: str) -> str:
    """The key two spellings of one name share: Unicode NFC, single spaces, case folded."""
    return " ".join(unicodedata.normalize("NFC", name).split()).casefold()


#: Ways sources name a country, each list led by the key it is matched by.
COUNTRY_NAMES: tuple[tuple[str, ...], ...] = (
    ("us", "u.s.", "usa", "u.s.a.", "united states", "united states of america", "america", "american"),
    ("russia", "russian federation", "ru", "rus", "russian"),
    ("china", "prc", "people's republic of china", "cn", "chn", "chinese"),
    ("uk", "u.k.", "united kingdom", "great britain", "britain", "gb", "british"),
    ("ukraine", "ua", "ukr", "ukrainian"),
    ("north korea", "dprk", "democratic people's republic of korea", "north korean"),
    ("south korea", "republic of korea", "rok", "south korean"),
    ("iran", "islamic republic of iran", "iranian"),
    ("taiwan", "roc", "republic of china", "taiwanese"),
    ("nato", "north atlantic treaty organization"),
)
_COUNTRY_KEYS = {name: names[0] for names in COUNTRY_NAMES for name in names}
_COUNTRY_WORDS = sorted(_COUNTRY_KEYS, key=len, reverse=True)


def _words(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").casefold().split())


def country_key(country: str) -> str:
    """The key two spellings of one country share ("US", "U.S.", "United States" -> "us")."""
    text = _words(country)
    return _COUNTRY_KEYS.get(text, text)


def country_variants(country: str) -> tuple[str, ...]:
    """Every lower-case spelling of ``country`` that ``country_key`` matches to it."""
    key = country_key(country)
    names = next((n for n in COUNTRY_NAMES if n[0] == key), (key,))
    return tuple(sorted({*names, _words(country)}))


def _without_country(title: str) -> tuple[str, bool]:
    """A title's words without a leading country word ("US", "Russian", "China's"), and whether it had one."""
    text = _words(title).replace("defence", "defense")
    for word in _COUNTRY_WORDS:
        for prefix in (f"{word} ", f"{word}'s "):
            if text.startswith(prefix) and len(text) > len(prefix):
                return text[len(prefix) :], True
    return text, False


def post_key(title: str, country: str) -> tuple[str, str]:
    """The key two spellings of one post share.

    A leading country word is dropped ("US Secretary of Defense" and "Secretary of Defense" of
    the US are one post), "defence" is spelled "defense", and "defense minister" is read as
    "minister of defense".
    """
    text = _without_country(title)[0]
    inverted = re.fullmatch(r"(.+?) (minister|secretary)", text)
    if inverted:
        text = f"{inverted[2]} of {inverted[1]}"
    return text, country_key(country)


def post_label(title: str, country: str) -> str:
    """A post's title, with its country added when the title does not name one."""
    return title if _without_country(title)[1] or not country else f"{title} ({country})"
