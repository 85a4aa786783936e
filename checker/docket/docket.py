"""A docket as read from a file: dated acts, each naming an actor, a rule or an article, values."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from dsl.model import Value


class DocketError(Exception):
    """A malformed docket: the message names the entry (1-based; 0: the docket as a whole) and
    the field, so the user can find it."""

    def __init__(self, path: str, entry: int, field: str, message: str) -> None:
        where = f"entry {entry}, field '{field}'" if entry else f"field '{field}'"
        super().__init__(f"{path}: {where}: {message}")
        self.path = path
        self.entry = entry
        self.field = field
        self.message = message  # without the path and the place: `--format json` gives them apart


@dataclass(frozen=True, slots=True)
class Entry:
    index: int  # 1-based, as the user counts entries
    date: datetime.date
    actor: str
    act: str  # a declared rule or a rule instance (`pay_back(c1)`); "" when `article` says
    article: str = ""  # a source the act relies on (`cpl_244`); checked against the rule's cites
    args: tuple[str, ...] = ()  # the rule's parameters, in order
    values: tuple[tuple[str, Value], ...] = ()  # what the docket records after the act
    note: str = ""


@dataclass(frozen=True, slots=True)
class Docket:
    path: str
    initial: tuple[tuple[str, Value], ...]  # facts about the state before the first entry
    entries: tuple[Entry, ...]
