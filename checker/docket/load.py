"""Reading dockets: JSON (an object with `initial` and `entries`, or a bare list of entries)
and CSV (columns date, actor, act, article, args, values, note; a first row whose act is
`initial` gives the initial facts). Every problem is a `DocketError` naming entry and field."""

from __future__ import annotations

import csv
import datetime
import io
import json
import os
import sys
from pathlib import Path
from typing import Any

from checker.docket.docket import Docket, DocketError, Entry
from dsl.model import Value
from dsl.source import SourceError, read_regular

MAX_DOCKET_BYTES = 64 * 1024 * 1024
FIELDS = ("date", "actor", "act", "article", "args", "values", "note")


def load_docket(path: str) -> Docket:
    p = Path(path)
    if not os.path.lexists(path):
        raise DocketError(path, 0, "file", "no such file")
    try:  # a regular file only, within the size limit (a FIFO would block, /dev/zero never end)
        text = read_regular(path, MAX_DOCKET_BYTES).decode("utf-8")
    except SourceError as exc:
        raise DocketError(path, 0, "file", str(exc)) from None
    except UnicodeDecodeError as exc:
        raise DocketError(path, 0, "file", f"cannot read it as UTF-8 text ({exc})") from None
    if p.suffix.lower() == ".csv":
        return parse_csv(text, path)
    return parse_json(text, path)


def parse_json(text: str, path: str = "<docket>") -> Docket:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DocketError(
            path, 0, "json", f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    except RecursionError:  # `[[[[…` 10,000 deep
        raise DocketError(path, 0, "json", "not valid JSON: nested too deep") from None
    except ValueError:  # Python refuses to convert a number of more than 4,300 digits
        raise DocketError(
            path,
            0,
            "json",
            f"not valid JSON: a number of more than {sys.get_int_max_str_digits():,} digits",
        ) from None
    initial: Any = {}
    if isinstance(data, dict):
        unknown = sorted(set(data) - {"case", "initial", "entries", "title"})
        if unknown:
            raise DocketError(
                path, 0, unknown[0], "unknown field (a docket has case, title, initial, entries)"
            )
        initial = data.get("initial", {})
        data = data.get("entries")
    if not isinstance(data, list):
        raise DocketError(path, 0, "entries", "expected a list of entries")
    if not isinstance(initial, dict):
        raise DocketError(path, 0, "initial", "expected an object of variable: value")
    facts = tuple((str(k), _json_value(path, 0, "initial", v)) for k, v in initial.items())
    entries = []
    for i, raw in enumerate(data, start=1):
        if not isinstance(raw, dict):
            raise DocketError(path, i, "entry", "expected an object with date, actor and act")
        unknown = sorted(set(raw) - set(FIELDS))
        if unknown:
            raise DocketError(
                path, i, unknown[0], f"unknown field (an entry has {', '.join(FIELDS)})"
            )
        args = raw.get("args", [])
        if isinstance(args, str):
            args = [args]
        if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
            raise DocketError(path, i, "args", "expected a list of names")
        values = raw.get("values", {})
        if not isinstance(values, dict):
            raise DocketError(path, i, "values", "expected an object of variable: value")
        entries.append(
            _entry(
                path,
                i,
                raw,
                tuple(args),
                tuple((str(k), _json_value(path, i, "values", v)) for k, v in values.items()),
            )
        )
    return Docket(path, facts, tuple(entries))


def _json_value(path: str, i: int, field: str, v: object) -> Value:
    if isinstance(v, bool | int | str):
        return v
    raise DocketError(
        path, i, field, f"{json.dumps(v)} is not a value (a name, a whole number, true or false)"
    )


def _text(path: str, i: int, raw: dict[str, Any], field: str, required: bool) -> str:
    v = raw.get(field, "")
    if v is None:
        v = ""
    if not isinstance(v, str):
        raise DocketError(path, i, field, "expected a text")
    v = v.strip()
    if required and not v:
        raise DocketError(path, i, field, "missing")
    return v


def _entry(
    path: str,
    i: int,
    raw: dict[str, Any],
    args: tuple[str, ...],
    values: tuple[tuple[str, Value], ...],
) -> Entry:
    date_text = _text(path, i, raw, "date", True)
    try:
        date = datetime.date.fromisoformat(date_text)
    except ValueError:
        raise DocketError(
            path, i, "date", f"'{date_text}' is not a calendar date (YYYY-MM-DD)"
        ) from None
    act = _text(path, i, raw, "act", False)
    article = _text(path, i, raw, "article", False)
    if not act and not article:
        raise DocketError(
            path, i, "act", "missing (name the rule, or give the article the act relies on)"
        )
    return Entry(
        i,
        date,
        _text(path, i, raw, "actor", True),
        act,
        article,
        args,
        values,
        _text(path, i, raw, "note", False),
    )


def _csv_value(text: str) -> Value:
    t = text.strip()
    if t in ("true", "false"):
        return t == "true"
    if t.lstrip("-").isdigit():
        return int(t)
    return t


def _pairs(path: str, i: int, field: str, text: str) -> tuple[tuple[str, Value], ...]:
    out = []
    for part in (p for p in text.split(";") if p.strip()):
        if "=" not in part:
            raise DocketError(path, i, field, f"'{part.strip()}' is not variable=value")
        k, v = part.split("=", 1)
        out.append((k.strip(), _csv_value(v)))
    return tuple(out)


def parse_csv(text: str, path: str = "<docket>") -> Docket:
    try:
        return _parse_csv(text, path)
    except csv.Error as exc:  # a cell longer than csv's field limit (131,072 characters)
        raise DocketError(path, 0, "csv", f"not valid CSV: {exc}") from None


def _parse_csv(text: str, path: str) -> Docket:
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [f for f in ("date", "actor", "act") if f not in header]
    if missing:
        raise DocketError(
            path, 0, missing[0], f"the CSV header lacks the column (columns: {', '.join(FIELDS)})"
        )
    unknown = [f for f in header if f not in FIELDS]
    if unknown:
        raise DocketError(path, 0, unknown[0], f"unknown column (columns: {', '.join(FIELDS)})")
    initial: tuple[tuple[str, Value], ...] = ()
    entries: list[Entry] = []
    for row in reader:
        raw = {k: (v or "") for k, v in row.items() if k is not None}
        if None in row:
            raise DocketError(path, len(entries) + 1, "row", "more cells than columns")
        if raw.get("act", "").strip() == "initial" and not entries and not initial:
            initial = _pairs(path, 0, "initial", raw.get("values", ""))
            continue
        i = len(entries) + 1
        args = tuple(a.strip() for a in raw.get("args", "").split(";") if a.strip())
        entries.append(_entry(path, i, raw, args, _pairs(path, i, "values", raw.get("values", ""))))
    return Docket(path, initial, tuple(entries))
