"""Pure: who is who — officials and the other spellings of their names, matched and suggested."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from tracker.countries import canonical_country
from tracker.names import Suggestion, name_key, suggestions


@dataclass(frozen=True, slots=True)
class Person:
    """An official as the directory knows them."""

    id: int
    name: str
    country: str
    kind: str = "person"


@dataclass
class Directory:
    """Every official, found by name or alias (spelling aside), with suggestions for new names."""

    people: dict[int, Person] = field(default_factory=dict)
    by_key: dict[str, int] = field(default_factory=dict)
    spellings: dict[int, list[str]] = field(default_factory=dict)

    @classmethod
    def build(cls, people: Iterable[Person], aliases: Iterable[tuple[int, str]] = ()) -> Directory:
        directory = cls()
        for person in people:
            directory.add(person)
        for official_id, alias in aliases:
            directory.add_alias(official_id, alias)
        return directory

    def add(self, person: Person) -> None:
        self.people[person.id] = person
        self.by_key.setdefault(name_key(person.name), person.id)
        self.spellings.setdefault(person.id, []).append(person.name)

    def add_alias(self, official_id: int, alias: str) -> None:
        if official_id in self.people:
            self.by_key.setdefault(name_key(alias), official_id)
            self.spellings.setdefault(official_id, []).append(alias)

    def find(self, name: str) -> Person | None:
        """The official called ``name`` or known under it as an alias, if recorded."""
        found = self.by_key.get(name_key(name))
        return self.people.get(found) if found is not None else None

    def suggest(self, name: str, country: str = "") -> list[Suggestion]:
        """Recorded officials whose name or alias is close to ``name`` (of ``country``, when given)."""
        wanted = canonical_country(country)
        known = {
            spelling: self.people[official_id].name
            for official_id, names in self.spellings.items()
            if not wanted
            or not self.people[official_id].country
            or self.people[official_id].country == wanted
            for spelling in names
        }
        return suggestions(name, known)
