"""Stage 1, load: read YAML files safely, keeping where every value came from.

libyaml composes the node tree in C (every node carries its start mark); one pass in
Python turns nodes into plain values, rejecting duplicate keys and aliases on the way.
The node tree is kept, so a JSON pointer can be turned back into `line:col` only when a
finding needs it: positions cost nothing on the fast path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .files import MAX_BYTES, FileProblem, read_regular_file
from .findings import Finding, finding

# libyaml's composer recurses in C: a few hundred thousand nested brackets crash it.
MAX_DEPTH = 500
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
# Block nesting is bounded by indentation plus compact indicators (`- - -`) on a line.
_DEEP_BLOCK = re.compile(r"^ {400,}|(?:[-?:][ ]+){200,}", re.MULTILINE)

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_constructor = yaml.constructor.SafeConstructor()
_STR = "tag:yaml.org,2002:str"
_SCALAR = {
    "tag:yaml.org,2002:int": _constructor.construct_yaml_int,
    "tag:yaml.org,2002:float": _constructor.construct_yaml_float,
    "tag:yaml.org,2002:bool": _constructor.construct_yaml_bool,
    "tag:yaml.org,2002:null": lambda node: None,
}


@dataclass
class Document:
    """A parsed YAML file: its data, and its node tree for positions."""

    path: Path
    file: str  # relative to the project root, with forward slashes
    data: dict
    node: yaml.Node = field(repr=False)

    def position(self, pointer: str, *, key: bool = False) -> tuple[int, int]:
        """1-based line and column of the value at `pointer` (or of its key).

        Walks as deep as the pointer resolves; a pointer to something absent (a
        missing key) lands on the closest existing parent.
        """
        node, key_node = self.node, None
        for token in split_pointer(pointer):
            if isinstance(node, yaml.MappingNode):
                for k, v in node.value:
                    if k.value == token:
                        node, key_node = v, k
                        break
                else:
                    break
            elif isinstance(node, yaml.SequenceNode) and token.isdigit() and int(token) < len(node.value):
                node, key_node = node.value[int(token)], None
            else:
                break
        mark = (key_node if key and key_node is not None else node).start_mark
        return mark.line + 1, mark.column + 1

    def locate(self, code: str, pointer: str, message: str, *, key: bool = False,
               hint: str | None = None) -> Finding:
        line, column = self.position(pointer, key=key)
        return finding(code, self.file, message, line=line, column=column, pointer=pointer, hint=hint)


def split_pointer(pointer: str) -> list[str]:
    if not pointer:
        return []
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer.lstrip("/").split("/")]


def join_pointer(*tokens) -> str:
    return "".join("/" + str(t).replace("~", "~0").replace("/", "~1") for t in tokens)


class _Rejected(Exception):
    def __init__(self, found: Finding):
        self.finding = found


def load_yaml(path: Path, file: str) -> tuple[Document | None, list[Finding]]:
    """Load one YAML file holding a mapping. Returns the document or the findings that stop it."""

    def fail(code, message, line=None, column=None, hint=None):
        return None, [finding(code, file, message, line=line, column=column, hint=hint)]

    try:
        raw = read_regular_file(path, MAX_BYTES)
    except FileProblem as e:
        return fail(e.code, e.message, *((1, 1) if e.code != "file-missing" else ()))
    return parse_yaml(raw, file, path)


def parse_yaml(raw: bytes, file: str, path: Path | None = None) -> tuple[Document | None, list[Finding]]:
    def fail(code, message, line=None, column=None, hint=None):
        return None, [finding(code, file, message, line=line, column=column, hint=hint)]

    if len(raw) > MAX_BYTES:
        return fail("file-too-large", f"file is {len(raw):,} bytes; the limit is {MAX_BYTES:,} (1 MiB)", 1, 1)
    if raw.startswith(b"\xef\xbb\xbf"):
        return fail("file-has-bom", "file starts with a UTF-8 byte order mark (BOM)", 1, 1)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        column = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        return fail("file-not-utf8", f"byte 0x{raw[e.start]:02x} is not valid UTF-8", line, column)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        return fail("file-not-utf8", "file holds a NUL character: it is not a text file", line, 1)
    too_deep = _nesting_beyond_limit(text)
    if too_deep:
        return fail("yaml-syntax", f"the document is nested more than {MAX_DEPTH} levels deep", *too_deep)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        problem = e.problem or e.context or "invalid YAML"
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        if mark and _char_at(text, mark.line, mark.column) == "\t":
            return fail("yaml-tab", "a tab character is used where YAML needs spaces", line, column)
        return fail("yaml-syntax", f"{problem}" + (f" ({e.context})" if e.context and e.problem else ""), line, column)
    except yaml.YAMLError as e:  # reader errors: control characters and the like
        return fail("yaml-syntax", str(e).splitlines()[0] if str(e) else "invalid YAML", 1, 1)
    except RecursionError:
        return fail("yaml-syntax", "the document is nested too deeply", 1, 1)
    if node is None:
        return fail("file-empty", "file holds no YAML document", 1, 1)
    if not isinstance(node, yaml.MappingNode):
        m = node.start_mark
        return fail("yaml-not-mapping", f"the document is a {_kind(node)}, not a mapping", m.line + 1, m.column + 1)
    try:
        data = _to_data(node, text, file, set())
    except _Rejected as e:
        return None, [e.finding]
    except RecursionError:
        return fail("yaml-syntax", "the document is nested too deeply", 1, 1)
    return Document(path or Path(file), file, data, node), []


def _nesting_beyond_limit(text: str) -> tuple[int, int] | None:
    """Where nesting first goes past MAX_DEPTH, if it does.

    Counting brackets is a cheap over-estimate (brackets inside text count too); only when
    it passes the limit are the parser's events, which nest exactly, counted.
    """
    if not _DEEP_BLOCK.search(text):
        if "[" not in text and "{" not in text:
            return None
        depth = 0
        for ch in _NOT_BRACKET.sub("", text):
            if ch in "[{":
                depth += 1
                if depth > MAX_DEPTH:
                    break
            elif depth:
                depth -= 1
        else:
            return None
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    return event.start_mark.line + 1, event.start_mark.column + 1
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.MarkedYAMLError as e:
        # PyYAML ≥ 6.0.3 has a nesting limit of its own: the same finding, at its position.
        if e.problem and "nesting depth" in e.problem and e.problem_mark:
            return e.problem_mark.line + 1, e.problem_mark.column + 1
    except yaml.YAMLError:
        pass  # the composer reports it, with its position
    return None


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n", line + 1)
    return lines[line][column:column + 1] if line < len(lines) else ""


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "list"
    return "text or number" if isinstance(node, yaml.ScalarNode) else "mapping"


def _to_data(node: yaml.Node, text: str, file: str, seen: set[int]):
    # A node met twice is an alias: refusing it keeps an alias bomb to linear time.
    if id(node) in seen:
        raise _Rejected(_alias_finding(text, file))
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        if node.tag == _STR:
            return node.value
        construct = _SCALAR.get(node.tag)
        if construct is None:  # timestamps and explicit tags stay as written
            return node.value
        try:
            return construct(node)
        except (ValueError, yaml.YAMLError):
            return node.value
    if isinstance(node, yaml.SequenceNode):
        return [_to_data(item, text, file, seen) for item in node.value]
    mapping = {}
    for key_node, value_node in node.value:
        if id(key_node) in seen:
            raise _Rejected(_alias_finding(text, file))
        seen.add(id(key_node))
        if not isinstance(key_node, yaml.ScalarNode):
            m = key_node.start_mark
            raise _Rejected(finding("yaml-syntax", file, "a key must be plain text, not a list or mapping",
                                    line=m.line + 1, column=m.column + 1))
        key = key_node.value
        if key in mapping:
            m = key_node.start_mark
            raise _Rejected(finding("yaml-duplicate-key", file, f"key '{key}' appears twice in this mapping",
                                    line=m.line + 1, column=m.column + 1))
        mapping[key] = _to_data(value_node, text, file, seen)
    return mapping


def _alias_finding(text: str, file: str) -> Finding:
    """Locate the first alias by re-reading the events; only paid on this error path."""
    line = column = None
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent):
                line, column = event.start_mark.line + 1, event.start_mark.column + 1
                break
    except yaml.YAMLError:
        pass
    return finding("yaml-alias", file, "YAML aliases are not allowed", line=line, column=column)
