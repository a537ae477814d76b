"""Atom feeds (RFC 4287) of alert changes and of events, built as XML with ElementTree (text always escaped)."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass

ATOM = "http://www.w3.org/2005/Atom"
#: Entry and feed ids are tag URIs (RFC 4151): stable whatever address the tracker is served at.
TAG = "tag:contact-timeline-tracker,2026:"

ET.register_namespace("", ATOM)


@dataclass(frozen=True)
class Entry:
    """One entry: a stable id, a title, when it was updated, a summary and a link."""

    id: str
    title: str
    updated: dt.datetime
    summary: str
    link: str
    category: str = ""


def _utc(moment: dt.datetime) -> str:
    moment = moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def atom(*, feed_id: str, title: str, self_link: str, alternate: str, entries: Iterable[Entry]) -> bytes:
    """The feed's XML."""
    items = list(entries)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}id").text = TAG + feed_id
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    newest = max((e.updated for e in items), default=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _utc(newest)
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = "Contact Timeline Tracker"
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=self_link, type="application/atom+xml")
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=alternate, type="text/html")
    for item in items:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}id").text = TAG + item.id
        ET.SubElement(entry, f"{{{ATOM}}}title").text = item.title
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _utc(item.updated)
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=item.link, type="text/html")
        if item.category:
            ET.SubElement(entry, f"{{{ATOM}}}category", term=item.category)
        ET.SubElement(entry, f"{{{ATOM}}}summary", type="text").text = item.summary
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8")
