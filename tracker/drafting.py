"""Pure: candidate contact events proposed from an article's text.

No Flask, no database. ``draft_contacts`` takes the text, its publication date and a plain
"who's who" snapshot (``WhosWho``: officials and their aliases, posts and their wordings,
tenures, context events) and returns ``Candidate`` contacts, each with the sentence it came
from, the phrase its date was read from and the words that decided each field. Rules, not a
model: sides from names, titles and "his Russian counterpart" (through tenures on the date);
channel and status from cue words; dates resolved against the publication date
(``resolve_date``); planned contacts, vague totals and contacts with third parties are left
out of the candidates (third-party ones are returned apart).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from tracker.countries import FAMILY_NAME_FIRST

#: The rival states of the tracker: a candidate pairs the home country with one of these.
HOME = "United States"
RIVALS = ("Russia", "China")

# Snapshot ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KnownPerson:
    """An official as the snapshot knows them."""

    name: str
    country: str
    aliases: tuple[str, ...] = ()
    kind: str = "person"


@dataclass(frozen=True)
class KnownPost:
    """A post, with the wordings sources use for it."""

    id: int
    title: str
    country: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class KnownTenure:
    """Who held a post when (open ends are ``None``)."""

    official: str
    post_id: int
    start: dt.date | None = None
    end: dt.date | None = None

    def covers(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class KnownContext:
    """A context event (an invasion, an incident) that dates can be counted from."""

    date: dt.date
    title: str
    description: str = ""


@dataclass
class WhosWho:
    """The plain snapshot the extractor reads: people, posts, tenures, context events."""

    people: list[KnownPerson] = field(default_factory=list)
    posts: list[KnownPost] = field(default_factory=list)
    tenures: list[KnownTenure] = field(default_factory=list)
    context: list[KnownContext] = field(default_factory=list)

    def person(self, name: str) -> KnownPerson | None:
        for p in self.people:
            if p.name == name:
                return p
        return None

    def posts_of(self, name: str, day: dt.date) -> list[KnownPost]:
        """The posts ``name`` held on ``day``."""
        ids = {t.post_id for t in self.tenures if t.official == name and t.covers(day)}
        return [p for p in self.posts if p.id in ids]

    def holders(self, post_id: int, day: dt.date) -> list[str]:
        """Who held the post on ``day``."""
        return [t.official for t in self.tenures if t.post_id == post_id and t.covers(day)]


# Dates -------------------------------------------------------------------------------------------

MONTHS = {
    name.casefold(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
}
MONTHS["sept"] = 9
WEEKDAYS = {calendar.day_name[i].casefold(): i for i in range(7)}
NUMBERS = {
    "one": 1, "a": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip

_MONTH = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_NUM = r"(?:\d+|one|a|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"


@dataclass(frozen=True)
class DateGuess:
    """A date read from a phrase: the stored date and precision, and the days the phrase allows."""

    date: dt.date
    precision: str
    earliest: dt.date
    latest: dt.date
    phrase: str
    date_end: dt.date | None = None


def _month_start(year: int, month: int) -> dt.date:
    return dt.date(year, month, 1)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _latest_month(month: int, published: dt.date, *, strictly: bool = False) -> int:
    """The year of the latest ``month`` on or before (or strictly before) the publication month."""
    year = published.year
    if month > published.month or (strictly and month == published.month):
        year -= 1
    return year


def _number(word: str) -> int:
    return int(word) if word.isdigit() else NUMBERS[word.casefold()]


def _weekday(name: str, published: dt.date, *, strictly: bool) -> dt.date:
    back = (published.weekday() - WEEKDAYS[name.casefold()]) % 7
    if strictly and back == 0:
        back = 7
    return published - dt.timedelta(days=back)


def _day(day: dt.date, phrase: str) -> DateGuess:
    return DateGuess(day, "day", day, day, phrase)


def _month(year: int, month: int, phrase: str, published: dt.date) -> DateGuess:
    end = min(_month_end(year, month), published)
    return DateGuess(_month_start(year, month), "month", _month_start(year, month), end, phrase)


def _window(first: dt.date, last: dt.date, precision: str, phrase: str) -> DateGuess:
    return DateGuess(first, precision, first, last, phrase)


#: (pattern, resolver) pairs; the resolver gets the match, the publication date and the context events.
DatePattern = tuple[re.Pattern[str], str]

DATE_PATTERNS: list[DatePattern] = [
    (
        re.compile(rf"\b(?:on )?{_WEEKDAY},? (?P<m>{_MONTH}) (?P<d>\d{{1,2}})(?:,? (?P<y>\d{{4}}))?", re.I),
        "explicit",
    ),
    (
        re.compile(rf"\b(?:on |since )?(?P<m>{_MONTH}) (?P<d>\d{{1,2}})(?:,? (?P<y>\d{{4}}))?\b", re.I),
        "explicit",
    ),
    (re.compile(r"\b(?:in )?the past 24 hours\b", re.I), "past24"),
    (re.compile(r"\bover the past month\b", re.I), "pastmonth"),
    (re.compile(rf"\bless than (?P<n>{_NUM}) weeks? ago\b", re.I), "lessweeks"),
    (re.compile(rf"\b(?P<n>{_NUM}) days? ago\b", re.I), "daysago"),
    (re.compile(r"\b(?:until |since )?last week\b", re.I), "lastweek"),
    (re.compile(r"\bearlier this week\b", re.I), "thisweek"),
    (re.compile(r"\bearlier this month\b", re.I), "thismonth"),
    (re.compile(r"\blate last month\b", re.I), "latelastmonth"),
    (re.compile(r"\blast month\b", re.I), "lastmonth"),
    (re.compile(r"\bearlier this year\b", re.I), "thisyear"),
    (
        re.compile(rf"\b(?:in )?(?P<part>early|mid|late)[- ](?P<m>{_MONTH})(?: (?P<y>\d{{4}}))?\b", re.I),
        "part",
    ),
    (re.compile(rf"\blast (?P<m>{_MONTH})\b", re.I), "lastmonthname"),
    (re.compile(rf"\b(?:(?:later )?on |last )?(?P<w>{_WEEKDAY})\b(?:'s)?", re.I), "weekday"),
    (re.compile(rf"\b(?:in|since|during) (?P<m>{_MONTH})(?: (?P<y>\d{{4}}))?\b", re.I), "monthname"),
    (re.compile(r"\byesterday\b", re.I), "yesterday"),
    (re.compile(r"\btoday\b", re.I), "today"),
]

_BEFORE_CONTEXT = re.compile(
    rf"\b(?P<n>{_NUM}) (?P<unit>days?|weeks?) (?P<rel>before|after) (?P<what>[^,.;]+)", re.I
)


def _context_date(what: str, context: Sequence[KnownContext]) -> dt.date | None:
    """The date of the context event ``what`` names ("Russia first attacked Ukraine" -> the invasion)."""
    words = {w for w in re.findall(r"[a-z]{4,}", what.casefold())}
    stems = {w[:5] for w in words}
    best: tuple[int, dt.date] | None = None
    for event in context:
        theirs = {w[:5] for w in re.findall(r"[a-z]{4,}", f"{event.title} {event.description}".casefold())}
        score = len(stems & theirs)
        if "attack" in what.casefold() and "invad" in theirs | {"invad"} and "invas" in theirs | stems:
            score += 1
        if score >= 2 and (best is None or score > best[0]):
            best = (score, event.date)
    return best[1] if best else None


def resolve_date(phrase: str, published: dt.date, context: Sequence[KnownContext] = ()) -> DateGuess | None:
    """The date a phrase gives, read against the publication date (None when it gives none)."""
    for pattern, kind in DATE_PATTERNS:
        m = pattern.search(phrase)
        if m is not None:
            return _resolve(kind, m, published, context, phrase)
    m = _BEFORE_CONTEXT.search(phrase)
    if m is not None:
        return _relative_to_context(m, published, context)
    return None


def _relative_to_context(
    m: re.Match[str], published: dt.date, context: Sequence[KnownContext]
) -> DateGuess | None:
    anchor = _context_date(m["what"], context)
    if anchor is None:
        return None
    days = _number(m["n"]) * (7 if m["unit"].startswith("week") else 1)
    day = anchor - dt.timedelta(days=days) if m["rel"] == "before" else anchor + dt.timedelta(days=days)
    return _day(day, m.group(0)) if day <= published else None


def _resolve(
    kind: str, m: re.Match[str], published: dt.date, context: Sequence[KnownContext], text: str
) -> DateGuess | None:
    phrase = m.group(0).strip()
    if kind == "explicit":
        month = MONTHS[m["m"].rstrip(".").casefold()]
        year = int(m["y"]) if m["y"] else _latest_month(month, published)
        try:
            day = dt.date(year, month, int(m["d"]))
        except ValueError:
            return None
        if day > published and not m["y"]:
            day = day.replace(year=year - 1)
        return _day(day, phrase)
    if kind == "past24":
        return _window(published - dt.timedelta(days=1), published, "approximate", phrase)
    if kind == "pastmonth":
        return _window(published - dt.timedelta(days=30), published, "reported", phrase)
    if kind == "lessweeks":
        days = 7 * _number(m["n"])
        return _window(
            published - dt.timedelta(days=days - 1), published - dt.timedelta(days=1), "week", phrase
        )
    if kind == "daysago":
        return _day(published - dt.timedelta(days=_number(m["n"])), phrase)
    if kind == "lastweek":
        monday = published - dt.timedelta(days=published.weekday() + 7)
        return _window(monday, monday + dt.timedelta(days=6), "week", phrase)
    if kind == "thisweek":
        monday = published - dt.timedelta(days=published.weekday())
        return _window(monday, max(monday, published - dt.timedelta(days=1)), "week", phrase)
    if kind == "thismonth":
        first = published.replace(day=1)
        return _window(first, max(first, published - dt.timedelta(days=1)), "month", phrase)
    if kind in ("lastmonth", "latelastmonth"):
        last = published.replace(day=1) - dt.timedelta(days=1)
        if kind == "lastmonth":
            return _month(last.year, last.month, phrase, published)
        return _window(last.replace(day=21), last, "approximate", phrase)
    if kind == "thisyear":
        return _window(dt.date(published.year, 1, 1), published, "approximate", phrase)
    if kind == "part":
        month = MONTHS[m["m"].rstrip(".").casefold()]
        year = int(m["y"]) if m["y"] else _latest_month(month, published)
        low, high = {"early": (1, 10), "mid": (11, 20), "late": (21, 31)}[m["part"].casefold()]
        high = min(high, calendar.monthrange(year, month)[1])
        return _window(
            dt.date(year, month, low), min(dt.date(year, month, high), published), "approximate", phrase
        )
    if kind == "lastmonthname":
        month = MONTHS[m["m"].rstrip(".").casefold()]
        return _month(_latest_month(month, published, strictly=True), month, phrase, published)
    if kind == "weekday":
        strictly = phrase.casefold().startswith("last ")
        return _day(_weekday(m["w"], published, strictly=strictly), phrase)
    if kind == "monthname":
        month = MONTHS[m["m"].rstrip(".").casefold()]
        year = int(m["y"]) if m["y"] else _latest_month(month, published)
        return _month(year, month, phrase, published)
    if kind == "yesterday":
        return _day(published - dt.timedelta(days=1), phrase)
    if kind == "today":
        return _day(published, phrase)
    return None


def find_dates(
    sentence: str, published: dt.date, context: Sequence[KnownContext] = ()
) -> list[tuple[int, DateGuess]]:
    """Every date phrase of a sentence, by position, without overlaps (longer, earlier patterns win)."""
    found: list[tuple[int, int, DateGuess]] = []
    taken: list[tuple[int, int]] = []
    for pattern, kind in DATE_PATTERNS:
        for m in pattern.finditer(sentence):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            guess = _resolve(kind, m, published, context, sentence)
            if guess is None or guess.earliest > published:
                continue
            tail = (
                _BEFORE_CONTEXT.match(sentence, m.end() + 2)
                if sentence[m.end() : m.end() + 2] == ", "
                else None
            )
            taken.append((m.start(), m.end()))
            if tail is not None and kind == "explicit":
                phrase = sentence[m.start() : tail.end()].strip()
                guess = DateGuess(guess.date, guess.precision, guess.earliest, guess.latest, phrase)
                taken.append((tail.start(), tail.end()))
            found.append((m.start(), m.end(), guess))
    for m in _BEFORE_CONTEXT.finditer(sentence):
        if any(m.start() < e and s < m.end() for s, e in taken):
            continue
        guess = _relative_to_context(m, published, tuple(context))
        if guess is not None:
            found.append((m.start(), m.end(), guess))
    return [(start, guess) for start, _, guess in sorted(found, key=lambda f: f[0])]


# Sentences ---------------------------------------------------------------------------------------

_ABBREVIATIONS = (
    "Gen", "Lt", "Col", "Adm", "Maj", "Brig", "Sgt", "Capt", "Cmdr", "Dr", "Mr", "Mrs", "Ms", "Jr", "Sr",
    "St", "No", "U.S", "U.K", "U.N", "Gov", "Sen", "Rep", "Prof", "Gens", "Vs", "Corp", "Inc", "Co",
    "Jan", "Feb", "Mar", "Apr", "Aug", "Sept", "Sep", "Oct", "Nov", "Dec",
)  # fmt: skip
_SPLIT = re.compile(r"(?<=[.!?])[\"”’']?\s+(?=[\"“‘A-Z0-9])")


def split_sentences(text: str) -> list[str]:
    """The sentences of a text, paragraph by paragraph, keeping abbreviations ("Gen.", "Feb. 18") inside."""
    sentences: list[str] = []
    for paragraph in re.split(r"\n\s*\n|\n", text):
        paragraph = " ".join(paragraph.split())
        if not paragraph:
            continue
        start = 0
        for m in _SPLIT.finditer(paragraph):
            before = paragraph[start : m.start()].rstrip("\"”’'")
            word = before.rsplit(" ", 1)[-1].rstrip(".")
            if (
                word in _ABBREVIATIONS
                or re.fullmatch(r"[A-Z]", word)
                or re.fullmatch(r"(?:[A-Z]\.)+[A-Z]", word)
            ):
                continue
            sentences.append(paragraph[start : m.start()].strip())
            start = m.end()
        sentences.append(paragraph[start:].strip())
    return [s for s in sentences if s]


# Cues --------------------------------------------------------------------------------------------

CHANNEL_CUES: list[tuple[str, re.Pattern[str]]] = [
    ("video", re.compile(r"\b(?:video(?:[- ]?(?:call|conference|link|teleconference))?|videoconference|VTC|virtual(?:ly)?)\b", re.I)),
    ("hotline", re.compile(r"\b(?:hotline|deconfliction (?:line|channel))\b", re.I)),
    ("letter", re.compile(r"\b(?:letter|wrote to)\b", re.I)),
    ("phone", re.compile(r"\b(?:phone[ds]?|telephone|by phone|calls?|called|calling|secure call)\b", re.I)),
    ("in_person", re.compile(r"\b(?:met|meet|meeting|meetings|hosted|hosts|host|in person|face-to-face|talks in|visit(?:ed)?|welcomed|traveled to|travelled to|came to|received(?!\s+(?:a|the|his|her)\s+(?:\w+\s+)?(?:call|phone))|sat down|held talks|sidelines|on the margins)\b", re.I)),
    ("phone", re.compile(r"\b(?:spoke|speak|speaks|talked|conversation|talks|spoken)\b", re.I)),
]  # fmt: skip

#: Words that make a sentence a report of a contact (or an attempt at one).
CONTACT_CUE = re.compile(
    r"\b(?:spoke|speak|speaks|spoken|talked|talks|conversation|phoned|call|calls|called|met|meet|meeting|"
    r"hosted|hosts|host|received|video|VTC|videoconference|hotline|letter|reach|reached|outreach|"
    r"sat down|contacts?|spent\b[^.;]{0,30}\bwith)\b",
    re.I,
)
STATUS_CUES: list[tuple[str, re.Pattern[str]]] = [
    ("refused", re.compile(r"\b(?:declined|declines|rebuffed|rebuff|refused|refuse|turned down|rejected (?:a |the |our )?(?:request|invitation|call))\b", re.I)),
    ("attempted", re.compile(r"\b(?:did not return|didn'?t return|not return|unanswered|could not get through|unable to get through|waiting to hear|have not responded|has not responded|trying to reach|tried to reach|tried\b[^.;]{0,25}?\bto (?:reach|call|contact|speak)|sought|seeking|requests? for (?:a )?(?:\w+ )?(?:call|contacts?)|failed to respond|reach out|reached out|no answer)\b", re.I)),
]  # fmt: skip
#: Cues that a sentence speaks of a planned, expected, offered or absent contact, or a vague total.
NOT_HELD = re.compile(
    r"\b(?:is expected to|are expected to|expected to (?:meet|call|speak|hold)|will (?:meet|call|speak|hold|travel|visit)|"
    r"plans? to|planned|planning to|would (?:meet|call|speak)|to meet (?:next|later)|invitation to visit|"
    r"has yet to|have yet to|did not hold|had not held|has not (?:spoken|met)|have not (?:spoken|met)|never (?:spoke|met)|"
    r"canceled|cancelled|canceling|postponed|available for a call|willing to talk|at any time|"
    r"(?:five|four|three|six|several|many|other|dozen) (?:other )?times|more than a dozen|a flurry of|"
    r"shook hands|joint statement|summoned|suspend(?:ed|ing)|set up on|no substantive|regularly|"
    r"would keep trying|keep trying|next (?:week|month)|upcoming|ahead of|periodically|routinely|"
    r"could (?:meet|speak|call|talk)|no (?:call|meeting|contact)s? between|is scheduled to|are scheduled to|"
    r"try to call|will not be whether|should)\b",
    re.I,
)
#: "for the first time since May": the contact before this one, between the same posts.
PRIOR = re.compile(
    r"\b(?:first\b[^;]{0,80}?\bsince|"
    r"(?:the )?(?:last|previous) (?:time[^;]{0,60}?(?:spoke|met|talked)[^;]{0,40}?was|conversation[^;]{0,60}?took place|"
    r"held [^;]{0,60}?(?:conversation|call|talks)|spoke|met|talked))",
    re.I,
)
#: Words between "first ... since" and a date that make the date one of an event, not of a contact.
_EVENT_BETWEEN = re.compile(
    r"\b(?:began|begun|invasion|took office|took over|started|war|crisis|replaced|appointed|named|sworn in|became)\b",
    re.I,
)
PAIR_ANAPHORA = re.compile(
    r"\b(?:the two(?: (?:men|military officials|generals|defen[cs]e chiefs|ministers|sides|officials|diplomats|defen[cs]e establishments|chiefs))?(?! (?:leaders|militaries|countries|governments|nations|powers|capitals|presidents)\b)|the generals|the ministers|both men|(?:the|those|these|both) (?:calls|conversations|meetings))\b",
    re.I,
)
THIRD_COUNTRY = re.compile(
    r"\b(?:British|Britain's|French|France's|Turkish|Turkey's|Ukrainian|Ukraine's|German|NATO|Polish|Japanese|"
    r"Australian|Indian|Swiss|Italian|Canadian|South Korean|Israeli|Philippine|allied)\b"
)

COUNTRY_WORDS: dict[str, tuple[str, ...]] = {
    "United States": ("U.S.", "US", "American", "America's", "United States", "Washington's", "Pentagon"),
    "Russia": ("Russian", "Russia's", "Moscow's", "Russia"),
    "China": ("Chinese", "China's", "Beijing's", "PRC", "PLA", "People's Liberation Army", "China"),
}

ORGANIZATIONS: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(r"\bU\.?S\.? European Command\b"), "U.S. European Command", "United States"),
    (re.compile(r"\bU\.?S\.? Indo-Pacific Command\b"), "U.S. Indo-Pacific Command", "United States"),
    (re.compile(r"\b(?:Russian|Russia's) (?:Ministry of Defen[cs]e|Defen[cs]e Ministry|defen[cs]e officials|military(?: leadership)?)\b|\bthe Russians\b", re.I), "Russian Ministry of Defence", "Russia"),
    (re.compile(r"\b(?:the Pentagon|Department of Defense|U\.S\. outreach|Pentagon)\b"), "U.S. Department of Defense", "United States"),
]  # fmt: skip


# Mentions ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mention:
    """An official named, titled or referred to in a sentence."""

    name: str
    country: str
    start: int
    end: int
    words: str
    known: bool = True
    post_id: int | None = None
    possessive: bool = False


def _word_pattern(text: str, *, case: bool) -> re.Pattern[str]:
    escaped = re.escape(text).replace(r"\ ", r"\s+")
    return re.compile(rf"(?<![\w.]){escaped}(?![\w])", 0 if case else re.I)


def _surname(person: KnownPerson) -> str:
    words = [w for w in person.name.split() if w.rstrip(".,").casefold() not in {"jr", "sr", "ii", "iii"}]
    if not words:
        return ""
    return words[0] if person.country in FAMILY_NAME_FIRST else words[-1]


#: Capitalised words that may stand right before a surname without being a given name.
#: A name right after "counterpart," ("his British counterpart, Ben Wallace").
_NAMED_AFTER = re.compile(r"\bcounterparts?,?\s+(?:[a-z]+\s+){0,3}?([A-Z][a-z]+(?:\s[A-Z][a-z]+){1,2})\b")
_TITLE_NOUNS = frozenset(
    "General Admiral Minister Secretary Chairman Commander Marshal Ambassador Defense Defence Foreign "
    "Army Navy Colonel Captain Senator President Premier Chief Counterpart State Staff Vice Deputy".split()
)
_TITLE_WORDS = r"(?:Gen\.|General|Adm\.|Admiral|Army Gen\.|Marine Gen\.|Air Force Gen\.|Col\.|Lt\. Gen\.|Vice Adm\.|Secretary|Minister|Defense Minister|Defence Minister|Foreign Minister)"
_UNKNOWN_NAME = re.compile(rf"\b{_TITLE_WORDS}\s+((?:[A-Z][a-z]+(?:-[A-Z][a-z]+)?\s){{1,2}}[A-Z][a-z]+)\b")


class Lexicon:
    """The snapshot turned into patterns: names, aliases, surnames and post wordings."""

    def __init__(self, who: WhosWho) -> None:
        self.who = who
        self.names: list[tuple[re.Pattern[str], KnownPerson]] = []
        self.surnames: list[tuple[re.Pattern[str], KnownPerson]] = []
        for person in who.people:
            for spelling in {person.name, *person.aliases}:
                if len(spelling) > 3:
                    self.names.append((_word_pattern(spelling, case=True), person))
            surname = _surname(person)
            if surname and len(surname) > 1 and person.kind == "person":
                self.surnames.append((_word_pattern(surname, case=True), person))
        self.titles: list[tuple[re.Pattern[str], KnownPost]] = []
        for post in who.posts:
            wordings = {post.title, *post.aliases}
            wordings |= {re.sub(r"\bUS\b", "U.S.", w) for w in wordings}
            for wording in wordings:
                if len(wording) > 4:
                    self.titles.append((_word_pattern(wording, case=False), post))
        self.titles.sort(key=lambda t: -len(t[0].pattern))

    def country_before(self, sentence: str, start: int) -> str:
        """The country an adjective right before a title names ("Russia's", "Chinese", "U.S."), or ""."""
        before = sentence[max(0, start - 30) : start]
        for country, words in COUNTRY_WORDS.items():
            for word in words:
                if re.search(rf"(?<![\w.]){re.escape(word)}\s*$", before):
                    return country
        if THIRD_COUNTRY.search(before.rsplit(" ", 3)[-1] if before.strip() else ""):
            return "other"
        m = re.search(r"(\w+(?:'s)?)\s*$", before)
        if m and THIRD_COUNTRY.fullmatch(m.group(1)):
            return "other"
        return ""


def _overlaps(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def find_mentions(
    sentence: str, lexicon: Lexicon, day: dt.date, seen: set[str]
) -> tuple[list[Mention], list[Mention]]:
    """The known officials a sentence mentions (by name, alias, surname once named, or title) and unknown names."""
    found: list[Mention] = []
    spans: list[tuple[int, int]] = []
    for pattern, person in lexicon.names:
        for m in pattern.finditer(sentence):
            if not _overlaps(m.start(), m.end(), spans):
                found.append(Mention(person.name, person.country, m.start(), m.end(), m.group(0)))
                spans.append((m.start(), m.end()))
    for pattern, person in lexicon.surnames:
        for m in pattern.finditer(sentence):
            if _overlaps(m.start(), m.end(), spans):
                continue
            given = re.search(r"([A-Z][a-z]+)\s+$", sentence[max(0, m.start() - 20) : m.start()])
            if given is not None and given.group(1) not in _TITLE_NOUNS:
                continue  # "Vasily Gerasimov" is not Valery Gerasimov: another given name
            same = [p for _, p in lexicon.surnames if _surname(p) == _surname(person)]
            if person.name not in seen:
                if len(same) > 1 or not lexicon.who.posts_of(person.name, day):
                    continue
            elif any(p.name in seen and p.name != person.name for p in same):
                continue
            found.append(Mention(person.name, person.country, m.start(), m.end(), m.group(0)))
            spans.append((m.start(), m.end()))
    for pattern, post in lexicon.titles:
        for m in pattern.finditer(sentence):
            if _overlaps(m.start(), m.end(), spans):
                continue
            country = lexicon.country_before(sentence, m.start())
            if country == "other" or (country and country != post.country):
                continue
            if not country and post.country != HOME:
                continue
            holders = lexicon.who.holders(post.id, day)
            spans.append((m.start(), m.end()))
            if len(holders) != 1:
                continue
            found.append(Mention(holders[0], post.country, m.start(), m.end(), m.group(0), post_id=post.id))
    unknown: list[Mention] = []
    for m in _UNKNOWN_NAME.finditer(sentence):
        if _overlaps(m.start(1), m.end(1), spans):
            continue
        name = m.group(1)
        if any(c in name for c in ("Staff", "Command", "Ministry", "Department")):
            continue
        if _HEAD_OF_STATE.search(sentence[max(0, m.start() - 40) : m.start(1)]):
            continue
        country = lexicon.country_before(sentence, m.start()) or _appositive_country(sentence, m.end(1))
        unknown.append(
            Mention(name, country if country != "other" else "", m.start(1), m.end(1), name, known=False)
        )
    # a title right next to the name of its holder is the same mention
    named = {f.name for f in found if f.post_id is None}
    found = [f for f in found if f.post_id is None or f.name not in named]
    # heads of state and government are not a tracked side
    found = [f for f in found if not _HEAD_OF_STATE.search(sentence[max(0, f.start - 40) : f.start])]
    found = [
        Mention(f.name, f.country, f.start, f.end, f.words, f.known, f.post_id, _possessive(sentence, f.end))
        for f in found
    ]
    found.sort(key=lambda f: f.start)
    return found, unknown


_HEAD_OF_STATE = re.compile(
    r"\b(?:President|Prime Minister|Premier|King|Chairman Xi)\s+(?:[A-Z][\w.]*\s+){0,3}$"
)


def _possessive(sentence: str, end: int) -> bool:
    return sentence[end : end + 2] in ("'s", "’s")


def _appositive_country(sentence: str, end: int) -> str:
    """The country an appositive after a name gives (", commander of the Chinese navy"), or ""."""
    m = re.match(r",\s*([^,;]{0,80})", sentence[end:])
    if m is None:
        return ""
    for country, words in COUNTRY_WORDS.items():
        if any(re.search(rf"(?<![\w.]){re.escape(w)}(?![\w])", m.group(1)) for w in words):
            return country
    return "other" if THIRD_COUNTRY.search(m.group(1)) else ""


# Candidates --------------------------------------------------------------------------------------

POST_FAMILIES = (
    ("defense", re.compile(r"defen[cs]e|war\b", re.I)),
    ("military", re.compile(r"general staff|joint staff|joint chiefs|military commission", re.I)),
    ("diplomacy", re.compile(r"foreign|secretary of state|state\b", re.I)),
    ("security", re.compile(r"security", re.I)),
    ("command", re.compile(r"command|theater|fleet|navy|naval", re.I)),
)


def post_family(title: str) -> str:
    """The family a post belongs to (defense ministers, military chiefs, diplomats...), for counterparts."""
    for family, pattern in POST_FAMILIES:
        if pattern.search(title):
            return family
    return ""


@dataclass
class Candidate:
    """A contact the text seems to report, as the event form would take it, with its evidence."""

    official_a: str
    country_a: str
    official_b: str
    country_b: str
    date: dt.date
    date_precision: str
    channel: str
    status: str
    evidence: str
    date_phrase: str
    earliest: dt.date
    latest: dt.date
    date_end: dt.date | None = None
    role_a: str = ""
    role_b: str = ""
    new_officials: list[str] = field(default_factory=list)
    #: field -> the words of the evidence that decided it
    cues: dict[str, str] = field(default_factory=dict)

    def fields(self) -> dict[str, object]:
        """The event fields, as ``POST /api/events`` takes them."""
        return {
            "date": self.date.isoformat(),
            "date_end": self.date_end.isoformat() if self.date_end else None,
            "date_precision": self.date_precision,
            "official_a": self.official_a,
            "role_a": self.role_a,
            "country_a": self.country_a,
            "official_b": self.official_b,
            "role_b": self.role_b,
            "country_b": self.country_b,
            "channel": self.channel,
            "status": self.status,
        }


@dataclass(frozen=True)
class ThirdParty:
    """A contact with a third party (an ally, a host): shown apart, never proposed."""

    a: str
    b: str
    evidence: str


@dataclass
class Draft:
    """What an article yields: candidate contacts and contacts with third parties."""

    candidates: list[Candidate] = field(default_factory=list)
    third_party: list[ThirdParty] = field(default_factory=list)


def _cue(patterns: list[tuple[str, re.Pattern[str]]], text: str, default: str) -> tuple[str, str]:
    for value, pattern in patterns:
        m = pattern.search(text)
        if m is not None:
            return value, m.group(0)
    return default, ""


def _pairs(mentions: list[Mention], who: WhosWho, day: dt.date) -> list[tuple[Mention, Mention]]:
    """The home–rival pairs of a sentence's mentions, matched by post family where there are several."""
    home = [m for m in mentions if m.country == HOME]
    rival = [m for m in mentions if m.country in RIVALS]
    home = [m for m in home if not m.possessive] or home
    rival = [m for m in rival if not m.possessive] or rival
    home = list({m.name: m for m in home}.values())
    rival = list({m.name: m for m in rival}.values())
    if not home or not rival:
        return []
    if len(home) == 1 and len(rival) == 1:
        return [(home[0], rival[0])]

    def family(m: Mention) -> str:
        return next((post_family(p.title) for p in who.posts_of(m.name, day)), "")

    pairs: list[tuple[Mention, Mention]] = []
    used: set[str] = set()
    for h in home:
        match = [r for r in rival if r.name not in used and family(r) == family(h) and family(h)]
        if match:
            pairs.append((h, match[0]))
            used.add(match[0].name)
    if not pairs:
        pairs.append((home[0], rival[0]))
    return pairs


def counterpart(who: WhosWho, name: str, country: str, day: dt.date) -> str:
    """The holder on ``day`` of the post in ``country`` that matches one ``name`` held (Austin -> Shoigu)."""
    for post in who.posts_of(name, day):
        family = post_family(post.title)
        if not family:
            continue
        for other in who.posts:
            if other.country == country and post_family(other.title) == family:
                holders = who.holders(other.id, day)
                if len(holders) == 1:
                    return holders[0]
    return ""


def holder_then(who: WhosWho, name: str, now: dt.date, then: dt.date) -> str:
    """Who held, on ``then``, the post ``name`` held on ``now`` (the same line, earlier)."""
    for post in who.posts_of(name, now):
        holders = who.holders(post.id, then)
        if len(holders) == 1:
            return holders[0]
    return name


_RIVAL_SIDE = re.compile(r"\b(?:Beijing|Moscow|China|Russia|the Chinese|the Russians|the PRC|PLA)\b", re.I)
_COUNTERPART = re.compile(
    r"\b(?:his|her|their)\s+(?:(?P<adj>Russian|Chinese|new|U\.S\.|American)\s+)?counterparts?\b"
)


_CLAUSE_BREAK = re.compile(
    r";\s+|,?\s+while\s+|,?\s+and\s+(?:(?:have|has|had|then|later|also|the two|they)\s+)?(?=(?:spoke|met|spoken|talked|held|phoned|called)\b)|,\s+(?=(?:insisting|saying|adding|arguing|noting)\b)"
)


def _clauses(sentence: str) -> list[tuple[int, str]]:
    """A sentence split where a second contact starts ("..., while X spoke", "; X met")."""
    parts: list[tuple[int, str]] = []
    start = 0
    for m in re.finditer(_CLAUSE_BREAK, sentence):
        parts.append((start, sentence[start : m.start()]))
        start = m.end()
    parts.append((start, sentence[start:]))
    return [(s, p) for s, p in parts if p.strip()]


def draft_contacts(text: str, published: dt.date, who: WhosWho) -> Draft:
    """Candidate contact events found in ``text`` (published on ``published``), read with ``who``."""
    lexicon = Lexicon(who)
    draft = Draft()
    seen: set[str] = set()
    last_pair: tuple[Mention, Mention] | None = None
    last_subject: Mention | None = None
    last_org_pair: tuple[str, str] | None = None
    org_channel = ""
    keys: set[tuple[str, str, dt.date, dt.date | None]] = set()

    def add(c: Candidate) -> None:
        key = (c.official_a, c.official_b, c.date, c.date_end)
        same_pair = [o for o in draft.candidates if (o.official_a, o.official_b) == key[:2]]
        if c.date_precision == "reported" and not c.date_phrase and same_pair:
            return
        for o in same_pair:
            if o.date_precision == "reported" and not o.date_phrase:
                draft.candidates.remove(o)
                keys.discard((o.official_a, o.official_b, o.date, o.date_end))
        if key in keys:
            return
        same_pair = [o for o in draft.candidates if (o.official_a, o.official_b) == key[:2]]
        for o in same_pair:
            if o.status != c.status:
                continue
            if (
                o.earliest <= c.earliest
                and c.latest <= o.latest
                and (o.latest - o.earliest) > (c.latest - c.earliest)
            ):
                if o.date_precision != "day" and o.date_end is None:
                    draft.candidates[draft.candidates.index(o)] = c
                    keys.discard((o.official_a, o.official_b, o.date, o.date_end))
                    keys.add(key)
                    return
            if (
                c.earliest <= o.earliest
                and o.latest <= c.latest
                and c.date_precision != "day"
                and c.date_end is None
            ):
                return
        keys.add(key)
        draft.candidates.append(c)

    previous: list[Candidate] = []
    previous_date: DateGuess | None = None
    for sentence in split_sentences(text):
        here_dates = find_dates(sentence, published, who.context)
        since_date, previous_date = previous_date, (here_dates[-1][1] if here_dates else previous_date)
        mentions, unknown = find_mentions(sentence, lexicon, published, seen)
        for m in mentions:
            seen.add(m.name)
        answer = _REQUEST_ANSWERED.search(sentence)
        if (
            answer is not None
            and not mentions
            and previous
            and all(c.status == "attempted" for c in previous)
        ):
            # "... submitted a request for a call. Unfortunately, the PRC has declined our request."
            for c in previous:
                c.status = "refused"
                c.cues["status"] = ""
                c.evidence = f"{c.evidence} {sentence}"
                c.cues["status"] = answer.group(0)
            previous = []
            continue
        before = len(draft.candidates)
        if not CONTACT_CUE.search(sentence) and not STATUS_CUES[0][1].search(sentence):
            if mentions:
                last_subject = mentions[0]
                named_pairs = _pairs(mentions, who, published)
                if named_pairs:
                    last_pair = named_pairs[0]
            continue
        # "The two have spoken ..., and they met in May": later clauses are the same pair
        anaphoric = PAIR_ANAPHORA.match(sentence) or re.match(r"They\b", sentence)
        carried: tuple[Mention, Mention] | None = last_pair if anaphoric else None
        for clause_start, clause in _clauses(sentence):
            here = [
                Mention(
                    m.name,
                    m.country,
                    m.start - clause_start,
                    m.end - clause_start,
                    m.words,
                    m.known,
                    m.post_id,
                    m.possessive,
                )
                for m in mentions
                if clause_start <= m.start < clause_start + len(clause)
            ]
            if clause_start > 0 and carried is not None:
                homes = [m for m in here if m.country == HOME] or [carried[0]]
                rivals = [m for m in here if m.country in RIVALS and who.posts_of(m.name, published)] or [
                    carried[1]
                ]
                here = [homes[0], rivals[0], *[m for m in here if m not in (homes[0], rivals[0])]]
            clause_unknown = [
                Mention(u.name, u.country, u.start - clause_start, u.end - clause_start, u.words, False)
                for u in unknown
                if clause_start <= u.start < clause_start + len(clause)
            ]
            extra = _draft_clause(
                org_channel,
                clause,
                sentence,
                here,
                clause_unknown,
                published,
                who,
                last_pair,
                last_subject,
                last_org_pair,
                draft,
                since=since_date,
            )
            for c, pair, orgs in extra:
                add(c)
                if pair is not None:
                    last_pair = carried = pair
                if orgs is not None:
                    last_org_pair = orgs
        previous = draft.candidates[before:]
        if mentions:
            last_subject = mentions[0]
            named_pairs = _pairs(mentions, who, published)
            if named_pairs and not any(c.evidence == sentence for c in draft.candidates):
                last_pair = named_pairs[0]
        named = [(name, country) for pattern, name, country in ORGANIZATIONS if pattern.search(sentence)]
        home_orgs = [n for n, c in named if c == HOME]
        rival_orgs = [n for n, c in named if c in RIVALS]
        if home_orgs and rival_orgs:
            last_org_pair = (home_orgs[0], rival_orgs[0])
            org_channel = "hotline" if CHANNEL_CUES[1][1].search(sentence) else ""
    return draft


def _draft_clause(
    org_channel: str,
    clause: str,
    sentence: str,
    mentions: list[Mention],
    unknown: list[Mention],
    published: dt.date,
    who: WhosWho,
    last_pair: tuple[Mention, Mention] | None,
    last_subject: Mention | None,
    last_org_pair: tuple[str, str] | None,
    draft: Draft,
    since: DateGuess | None = None,
) -> list[tuple[Candidate, tuple[Mention, Mention] | None, tuple[str, str] | None]]:
    out: list[tuple[Candidate, tuple[Mention, Mention] | None, tuple[str, str] | None]] = []
    if not CONTACT_CUE.search(clause) and not STATUS_CUES[0][1].search(clause):
        return out
    lead = _LEADING_SUBORDINATE.match(clause)
    status, status_words = _cue(STATUS_CUES, clause[lead.end() :] if lead else clause, "held")
    dates = [
        d
        for d in find_dates(clause, published, who.context)
        if not _REPORTED_ON.search(clause[max(0, d[0] - 60) : d[0]])
    ]
    if status == "held" and _not_held(clause):
        return out
    channel, channel_words = _channel(clause, dates[0][0] if dates else None)

    pairs = _pairs(mentions, who, published)
    counter = _COUNTERPART.search(clause)
    if not pairs and counter is not None:
        sides = [m for m in mentions if m.country in (HOME, *RIVALS)]
        if not sides and last_subject is not None and re.match(r"\s*(?:He|She)\b", clause):
            sides = [last_subject]
        if sides:
            side = sides[0]
            adj = counter["adj"] or ""
            wanted = "Russia" if adj == "Russian" else "China" if adj == "Chinese" else ""
            if side.country != HOME:
                wanted = HOME
            for country in [wanted] if wanted else list(RIVALS):
                other = counterpart(who, side.name, country, dates[0][1].date if dates else published)
                if other:
                    partner = Mention(other, country, counter.start(), counter.end(), counter.group(0))
                    pairs = [(side, partner) if side.country == HOME else (partner, side)]
                    break
    if not pairs and status != "held":
        sides = [m for m in mentions if m.country == HOME]
        capital = _RIVAL_SIDE.search(clause)
        if sides and capital is not None and not [m for m in mentions if m.country in RIVALS]:
            country = (
                "China"
                if capital.group(0).casefold() in ("beijing", "china", "the chinese", "the prc", "pla")
                else "Russia"
            )
            day = dates[0][1].date if dates else published
            other = counterpart(who, sides[0].name, country, day)
            if other:
                pairs = [
                    (sides[0], Mention(other, country, capital.start(), capital.end(), capital.group(0)))
                ]
    if not pairs and mentions and last_subject is not None and re.match(r"\s*(?:He|She)\b", clause):
        pairs = _pairs([last_subject, *mentions], who, published)
    if not pairs:
        anaphora = PAIR_ANAPHORA.search(clause) or re.match(r"\s*they\b", clause, re.I)
        if anaphora is not None and last_pair is not None:
            pairs = [last_pair]
    third = [m for m in mentions if m.country not in (HOME, *RIVALS)]
    if not pairs:
        rivals_here = [m for m in mentions if m.country in (HOME, *RIVALS)]
        if rivals_here and (third or THIRD_COUNTRY.search(clause)) and status == "held":
            others = [o.name for o in third or unknown]
            if not others:
                named = _NAMED_AFTER.search(clause)
                others = [named.group(1)] if named else []
            for name in others:
                draft.third_party.append(ThirdParty(rivals_here[0].name, name, sentence))
            return out
        new = [u for u in unknown if u.country in (HOME, *RIVALS)]
        sides = [m for m in mentions if m.country in (HOME, *RIVALS)]
        if sides and new and sides[0].country != new[0].country:
            pairs = [(sides[0], new[0]) if sides[0].country == HOME else (new[0], sides[0])]
        elif not sides:
            homes = [u for u in new if u.country == HOME]
            rivals = [u for u in new if u.country in RIVALS]
            if homes and rivals:
                pairs = [(homes[0], rivals[0])]
    orgs = None
    if not pairs:
        if channel == "hotline" or re.search(r"\boutreach\b|\brequests? for contacts\b", clause, re.I):
            org_pair = last_org_pair
            bodies = [(n, c) for pattern, n, c in ORGANIZATIONS if pattern.search(clause)]
            h = [n for n, c in bodies if c == HOME]
            r = [n for n, c in bodies if c in RIVALS]
            if h and r:
                org_pair = (h[0], r[0])
            if org_pair is None:
                return out
            orgs = org_pair
            if org_channel and channel_words == "":
                channel, channel_words = org_channel, ""
        else:
            return out

    prior = PRIOR.search(clause)
    main_dates = list(dates)
    prior_date: tuple[int, DateGuess] | None = None
    if prior is not None:
        later = [d for d in dates if d[0] >= prior.end() - 6]
        after = [d for d in later if not _EVENT_BETWEEN.search(clause[prior.end() : d[0]])]
        # a date after "since the invasion began" dates the event, not a contact
        dates = [d for d in dates if d not in later or d in after]
        main_dates = list(dates)
        if after:
            prior_date = after[0]
            main_dates = [d for d in dates if d is not prior_date]
    is_last = prior is not None and not prior.group(0).casefold().startswith("first")
    if is_last and prior_date is not None:
        main_dates, prior_date = [prior_date], None
    since_then = re.match(r"\s*Since then\b", clause, re.I)
    if not main_dates and since_then is not None and since is not None:
        # "Russia invaded on February 24. Since then, requests went unanswered": from that day to the report
        guess = DateGuess(since.date, "approximate", since.date, published, since_then.group(0).strip())
    elif not main_dates:
        guess = DateGuess(published, "reported", published - dt.timedelta(days=30), published, "")
    else:
        guess = main_dates[0][1]
    if orgs is not None:
        guess = _span_until(guess, clause, published, who)
    second = re.search(rf"\bthe second time in (?P<n>{_NUM}) days\b", clause, re.I)
    targets: list[tuple[str, str, str, str]] = []
    if orgs is not None:
        targets.append((orgs[0], HOME, orgs[1], "Russia" if "Russia" in orgs[1] else "China"))
    for a, b in pairs:
        targets.append((a.name, a.country, b.name, b.country))
    for a_name, a_country, b_name, b_country in targets:
        cues = {"channel": channel_words, "status": status_words, "date": guess.phrase}
        cues["official_a"] = next((m.words for m in mentions if m.name == a_name), "")
        cues["official_b"] = next((m.words for m in mentions if m.name == b_name), "")
        if counter is not None and not cues["official_b"]:
            cues["official_b"] = counter.group(0)
        if counter is not None and not cues["official_a"]:
            cues["official_a"] = counter.group(0)
        new_names = [n for n in (a_name, b_name) if who.person(n) is None and orgs is None]
        c = Candidate(
            a_name, a_country, b_name, b_country, guess.date, guess.precision, channel, status,
            sentence, guess.phrase, guess.earliest, guess.latest, guess.date_end, new_officials=new_names, cues=cues,
        )  # fmt: skip
        out.append((c, _pair_of(a_name, a_country, b_name, b_country), orgs))
        if prior_date is not None:
            then = prior_date[1]
            pa = holder_then(who, a_name, guess.date, then.date)
            pb = holder_then(who, b_name, guess.date, then.date)
            c = Candidate(
                pa, a_country, pb, b_country, then.date, then.precision, channel, "held", sentence,
                then.phrase, then.earliest, then.latest, None, cues={**cues, "date": then.phrase},
            )  # fmt: skip
            out.append((c, None, None))
        if second is not None and guess.precision == "day":
            n = _number(second["n"])
            first = guess.date - dt.timedelta(days=n - 1)
            c = Candidate(
                a_name, a_country, b_name, b_country, first, "approximate", channel, "held", sentence,
                second.group(0), first, guess.date - dt.timedelta(days=1), None, cues={**cues, "date": second.group(0)},
            )  # fmt: skip
            out.append((c, None, None))
        if _PLURAL_CONTACTS.search(clause) and prior_date is None:
            # "the calls, on Oct. 30, 2020, and Jan. 8, 2021": a contact on each day
            for _, more in main_dates[1:]:
                if more.precision == "day" and guess.precision == "day":
                    c = Candidate(
                        a_name, a_country, b_name, b_country, more.date, "day", channel, status, sentence,
                        more.phrase, more.earliest, more.latest, None, cues={**cues, "date": more.phrase},
                    )  # fmt: skip
                    out.append((c, None, None))
    return out


#: A plural contact noun: several dates in its clause are several contacts.
_PLURAL_CONTACTS = re.compile(r"\b(?:calls|conversations|meetings)\b", re.I)


def _channel(clause: str, near: int | None = None) -> tuple[str, str]:
    """The channel a clause names: video, hotline or letter where named; else the call or meeting word
    nearest the date (``near``, its position) or the first; else a talk word ("spoke": phone, "spent the day with": in person)."""
    for value, pattern in CHANNEL_CUES[:3]:
        m = pattern.search(clause)
        if m is not None:
            return value, m.group(0)
    weak = {"spoke", "speak", "speaks", "talked", "conversation", "talks", "spoken"}
    found = [
        (m.start(), value, m.group(0))
        for value, pattern in CHANNEL_CUES[3:]
        for m in pattern.finditer(clause)
        if m.group(0).casefold() not in weak
    ]
    if found:
        if near is not None:
            _, value, words = min(found, key=lambda f: (abs(f[0] - near), f[0]))
        else:
            _, value, words = min(found)
        return value, words
    m = _SPENT_WITH.search(clause)
    if m is not None:
        return "in_person", m.group(0)
    m = CHANNEL_CUES[-1][1].search(clause)
    if m is None and re.search(r"\bcontacts?\b", clause, re.I):
        return "other", ""
    return "phone", m.group(0) if m else ""


_SPENT_WITH = re.compile(r"\bspent\b[^.;]{0,30}\bwith\b", re.I)


#: Words right before a date that make it the day of a statement, not of the contact ("the Pentagon said Friday").
_REPORTED_ON = re.compile(
    r"\b(?:said|says|told (?:reporters|(?:the )?[A-Z][\w.]*(?: [A-Z][\w.]*){0,5})|announced|confirmed|reported|statement)\s+(?:on\s+|late\s+|later\s+)?$"
)


#: A sentence that answers the request of the one before ("the PRC has declined our request").
_REQUEST_ANSWERED = re.compile(
    r"\b(?:declined|refused|rejected|turned down)\s+(?:our|the|this|that)\s+request\b", re.I
)
#: "While Hagel has been unable to get through, Dempsey spoke...": the part before the comma is not the contact.
_LEADING_SUBORDINATE = re.compile(r"\s*(?:While|Although|Though|Whereas)\b[^,]{0,120},")


def _not_held(clause: str) -> bool:
    """Whether a cue of a planned, offered, absent or uncounted contact stands next to the contact's verb."""
    cue = CONTACT_CUE.search(clause)
    if cue is None:
        return False
    for m in NOT_HELD.finditer(clause):
        if cue.start() - 60 <= m.start() <= cue.end() + 40:
            return True
    return False


def _pair_of(a: str, ac: str, b: str, bc: str) -> tuple[Mention, Mention]:
    return Mention(a, ac, 0, 0, a), Mention(b, bc, 0, 0, b)


def _span_until(guess: DateGuess, clause: str, published: dt.date, who: WhosWho) -> DateGuess:
    """Repeated attempts "until last week": a span from the latest context event before to that week."""
    if not re.search(r"\buntil\b", clause, re.I) or not re.search(r"repeatedly|consistently", clause, re.I):
        return guess
    before = [c.date for c in who.context if c.date <= guess.earliest]
    start = (max(before) + dt.timedelta(days=1)) if before else guess.earliest - dt.timedelta(days=30)
    return DateGuess(start, guess.precision, start, guess.latest, guess.phrase, date_end=guess.earliest)
