"""Tables people keep in spreadsheets, read with the place of every cell: CSV and YAML alike.

The program tools (`rmkit pair`, `rmkit report`) read files that HR or a form service exports:
a UTF-8 CSV with a header (`;`-delimited exports are recognised by their header; a spreadsheet's
byte order mark is dropped), or a `.yml` file holding a list of mappings under one key.

- `read_table(path, file, findings, yaml_key=...)` → a `Table` (its columns, their positions,
  and its rows), or None when the file cannot be read; problems go to `findings`, located.
- `Row.values` maps column names (lower-cased for CSV headers) to text; `Row.locate(column)`
  gives the line and column of a cell (of the row, for None), for findings about it.
- `read_text` and `csv_records` are the two steps of a CSV read, for readers that need the
  records as they are (the evaluation's responses).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .findings import Finding, finding
from .loader import join_pointer, load_yaml

MAX_BYTES = 20 * 1024 * 1024


@dataclass
class Row:
    values: dict[str, str]
    locate: Callable[[str | None], tuple[int | None, int | None]]  # column (None: the row) → line, col
    pointer: Callable[[str | None], str] = lambda column: ""
    broken: bool = False  # already reported (e.g. a CSV row of the wrong length): only its id counts


@dataclass
class Table:
    file: str
    columns: list[str]
    rows: list[Row]
    column_positions: list[tuple[int | None, int | None]]  # of each column, in header order


def read_text(path: Path, file: str, findings: list[Finding]) -> str | None:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            findings.append(finding("file-too-large", file, f"file is {size:,} bytes; the limit is "
                                    f"{MAX_BYTES:,} (20 MiB)", line=1, column=1,
                                    hint="Split the program's participants into several files."))
            return None
        raw = path.read_bytes()
    except OSError as e:
        findings.append(finding("file-missing", file, f"cannot read file: {e.strerror}"))
        return None
    # Spreadsheets save "CSV UTF-8" with a byte order mark: harmless here, so it is dropped.
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        column = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        findings.append(finding("file-not-utf8", file, f"byte 0x{raw[e.start]:02x} is not valid UTF-8",
                                line=line, column=column,
                                hint="Export the sheet as \"CSV UTF-8\", or save the file as UTF-8."))
        return None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        findings.append(finding("file-not-utf8", file, "file holds a NUL character: it is not a text file",
                                line=line, column=1))
        return None
    return text


def csv_records(text: str, file: str, findings: list[Finding]):
    """RFC 4180 records, each a list of (value, line, column); column counts characters from 1.

    Written out rather than `csv.reader`, which does not say where a field starts.
    """
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if "," not in first_line and ";" in first_line else ","
    field_re = re.compile(r'"((?:[^"]|"")*)"|([^%s"\r\n]*)' % re.escape(delimiter))
    records, record = [], []
    position, line, line_start, end = 0, 1, 0, len(text)
    while position < end or record:
        match = field_re.match(text, position)
        column = position - line_start + 1
        if match.group(1) is not None:
            value = match.group(1).replace('""', '"')
            newlines = match.group(0).count("\n")
        else:
            value, newlines = match.group(2), 0
        record.append((value, line, column))
        if newlines:
            line += newlines
            line_start = match.start() + match.group(0).rfind("\n") + 1
        position = match.end()
        following = text[position:position + 1]
        if following == delimiter:
            position += 1
            continue
        if following in ("\r", "\n", ""):
            position += 2 if text.startswith("\r\n", position) else (1 if following else 0)
            if not (len(record) == 1 and record[0][0] == "" and match.group(1) is None):
                records.append(record)  # a blank line is no record
            record = []
            if following:
                line, line_start = line + 1, position
            continue
        message = ("a quote is not closed" if following == '"' and match.group(0) == ""
                   else "text follows a quoted value" if match.group(1) is not None
                   else "a quote inside a value that does not start with a quote")
        findings.append(finding("csv-syntax", file, message, line=line, column=position - line_start + 1))
        return None
    return records


def _csv_table(text: str, file: str, findings: list[Finding]) -> Table | None:
    records = csv_records(text, file, findings)
    if records is None:
        return None
    if not records:
        findings.append(finding("file-empty", file, "file holds no header and no rows", line=1, column=1,
                                hint="Write a header line first, e.g. `id,name,role,...`."))
        return None
    header, *body = records
    # Spreadsheets capitalise headers ("Name", "Role"): column names are matched case-insensitively.
    columns = [value.strip().lower() for value, _, _ in header]
    rows = []
    for record in body:
        broken = len(record) != len(columns)
        if broken:
            line, column = record[0][1], record[0][2]
            findings.append(finding("csv-fields", file, f"this row has {len(record)} values; the header has "
                                    f"{len(columns)} columns", line=line, column=column))
        cells = {name: cell for name, cell in zip(columns, record)}

        def locate(name, cells=cells, record=record):
            cell = cells.get(name, record[0])
            return cell[1], cell[2]

        rows.append(Row({name: value for name, (value, _, _) in cells.items()}, locate, broken=broken))
    return Table(file, columns, rows, [(line, column) for _, line, column in header])


def _yaml_table(path: Path, file: str, findings: list[Finding], *, key: str) -> Table | None:
    document, problems = load_yaml(path, file)
    findings.extend(problems)
    if document is None:
        return None
    for other in document.data:
        if other != key:
            findings.append(document.locate("unknown-key", join_pointer(other), f"unknown key '{other}': "
                                            f"the file holds only `{key}:`, a list of people", key=True))
    items = document.data.get(key)
    if not isinstance(items, list):
        findings.append(document.locate("wrong-type" if key in document.data else "missing-key",
                                        join_pointer(key) if key in document.data else "",
                                        f"`{key}` must be a list of mappings, one per person"))
        return None
    columns: list[str] = []
    rows = []
    first_seen: dict[str, str] = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            findings.append(document.locate("wrong-type", join_pointer(key, index),
                                            "each entry must be a mapping of fields to values"))
            continue
        values = {}
        for name, value in item.items():
            if name not in first_seen:
                first_seen[name] = join_pointer(key, index, name)
                columns.append(name)
            if isinstance(value, list):
                value = ";".join("" if v is None else str(v) for v in value)
            values[name] = "" if value is None else (str(value).lower() if isinstance(value, bool) else str(value))

        def pointer(name, index=index):
            return join_pointer(key, index, name) if name else join_pointer(key, index)

        def locate(name, index=index, item=item):
            return document.position(join_pointer(key, index, name) if name in item else join_pointer(key, index))

        rows.append(Row(values, locate, pointer))
    return Table(file, columns, rows, [document.position(first_seen[name], key=True) for name in columns])


def read_table(path: Path, file: str, findings: list[Finding], *, yaml_key: str) -> Table | None:
    if path.suffix.lower() in (".yml", ".yaml"):
        return _yaml_table(path, file, findings, key=yaml_key)
    text = read_text(path, file, findings)
    return None if text is None else _csv_table(text, file, findings)
