"""JSON Schemas of the content model: checking documents against them, and exporting them."""

from __future__ import annotations

import difflib
import json
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator

from .findings import Finding
from .loader import Document, join_pointer

SCHEMA_DIR = Path(__file__).parent / "schemas"
KINDS = ("program", "module", "editions", "country")
_SLUG = "^[a-z0-9]+(-[a-z0-9]+)*$"
_TYPE_NAMES = {"string": "text", "integer": "whole number", "number": "number", "array": "list",
               "object": "mapping", "boolean": "true/false", "null": "nothing"}


def schema_file(kind: str) -> Path:
    return SCHEMA_DIR / f"{kind}.schema.json"


@cache
def validator(kind: str) -> Draft202012Validator:
    schema = json.loads(schema_file(kind).read_text(encoding="utf-8"))
    return Draft202012Validator(_inline_refs(schema, schema.get("$defs", {})))


def _inline_refs(schema, defs):
    """The schema with local `#/$defs/…` references replaced by their targets.

    Resolving a `$ref` costs more than checking what it points to; the exported schemas
    keep their references for editors. (No definition here refers to itself.)
    """
    if isinstance(schema, list):
        return [_inline_refs(item, defs) for item in schema]
    if not isinstance(schema, dict):
        return schema
    ref = schema.get("$ref", "")
    if ref.startswith("#/$defs/"):
        merged = dict(_inline_refs(defs[ref[len("#/$defs/"):]], defs))
        merged.update({k: _full_match(k, _inline_refs(v, defs)) for k, v in schema.items() if k != "$ref"})
        return merged
    return {k: _full_match(k, _inline_refs(v, defs)) for k, v in schema.items() if k != "$defs"}


def _full_match(keyword: str, value):
    """Patterns as Python must read them: JSON Schema's `$` (ECMA 262: the end of the text) is
    Python's `\\Z`; Python's `$` also matches before a final newline, and `"en-GB\\n"` is no id.
    The exported schemas keep `$`, which editors read the ECMA way."""
    if keyword == "pattern" and isinstance(value, str):
        return _end_anchor(value)
    if keyword == "patternProperties" and isinstance(value, dict):
        return {_end_anchor(k): v for k, v in value.items()}
    return value


def _end_anchor(pattern: str) -> str:
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        return pattern[:-1] + "\\Z"
    return pattern


def export_schemas(target: Path) -> list[Path]:
    """Write the schemas where editors can find them (yaml-language-server modelines)."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in KINDS:
        out = target / schema_file(kind).name
        out.write_text(schema_file(kind).read_text(encoding="utf-8"), encoding="utf-8")
        written.append(out)
    return written


# Below this many documents of a kind, compiling the fast validator costs more than it saves.
FAST_PATH_MIN_DOCUMENTS = 24


@cache
def _fast_validator(kind: str):
    """The schema compiled to Python by fastjsonschema: an order of magnitude faster.

    It only answers valid or not; jsonschema, which stays the authority, describes what is
    wrong. The inlined schema uses nothing that draft 7 reads differently from 2020-12.
    """
    import fastjsonschema

    schema = dict(validator(kind).schema, **{"$schema": "http://json-schema.org/draft-07/schema#"})
    return fastjsonschema.compile(schema), fastjsonschema.JsonSchemaException


def check_schemas(kind: str, documents: list[Document]) -> list[Finding]:
    """Check every document of one kind; only documents that fail get a full diagnosis."""
    suspects = documents
    if len(documents) >= FAST_PATH_MIN_DOCUMENTS:
        fast, invalid = _fast_validator(kind)
        suspects = []
        for document in documents:
            try:
                fast(document.data)
            except invalid:
                suspects.append(document)
    findings = []
    for document in suspects:
        findings += check_schema(kind, document)
    return findings


def check_schema(kind: str, document: Document) -> list[Finding]:
    findings = []
    for error in validator(kind).iter_errors(document.data):
        findings.extend(_to_findings(error, document))
    return findings


def _describe(value) -> str:
    if isinstance(value, bool):
        return "true/false"
    if value is None:
        return "nothing"
    return {str: "text", int: "whole number", float: "number", list: "list", dict: "mapping"}.get(
        type(value), type(value).__name__)


def _to_findings(error, document: Document) -> list[Finding]:
    path = list(error.absolute_path)
    pointer = join_pointer(*path)
    kind, value, instance = error.validator, error.validator_value, error.instance
    where = f"'{path[-1]}'" if path else "the document"

    if kind == "required":
        missing = [k for k in value if isinstance(instance, dict) and k not in instance]
        return [document.locate("missing-key", pointer, f"{where} is missing the required key '{k}'",
                                key=True) for k in missing]
    if kind == "additionalProperties" and isinstance(instance, dict):
        known = set(error.schema.get("properties", {}))
        if value is False:
            out = []
            for key in instance:
                if key not in known:
                    close = difflib.get_close_matches(key, known, n=1)
                    hint = f"Did you mean '{close[0]}'?" if close else \
                        f"Allowed here: {', '.join(sorted(known))}."
                    out.append(document.locate("unknown-key", join_pointer(*path, key),
                                               f"unknown key '{key}' in {where}", key=True, hint=hint))
            return out
    if kind == "type":
        expected = value if isinstance(value, list) else [value]
        names = " or ".join(_TYPE_NAMES.get(t, t) for t in expected)
        hint = None
        if isinstance(instance, bool) and "string" in expected:
            hint = "YAML reads yes/no/on/off (and NO, the code of Norway) as true/false: quote the value."
        elif instance is None:
            hint = "The value is empty: write it after the colon, or remove the key."
        elif isinstance(instance, int) and path and path[-1] == "session_time":
            hint = 'YAML reads an unquoted 18:30 as a number (base 60): quote the time, e.g. "18:30".'
        return [document.locate("wrong-type", pointer,
                                f"{where} must be {names}, not {_describe(instance)}", hint=hint)]
    if kind == "enum":
        return [document.locate("invalid-value", pointer,
                                f"{where} is {instance!r}; allowed: {', '.join(map(str, value))}")]
    if kind in ("pattern", "maxLength") and error.schema.get("pattern") in (_SLUG, _end_anchor(_SLUG)):
        return [document.locate("invalid-id", pointer,
                                f"{where} is {instance!r}, which is not a slug of at most 64 characters")]
    if kind == "pattern":
        return [document.locate("invalid-format", pointer,
                                f"{where} is {instance!r}, which does not match "
                                f"{value[:-2] + '$' if value.endswith(chr(92) + 'Z') else value}")]
    if kind == "propertyNames" or (error.relative_schema_path and "propertyNames" in error.relative_schema_path):
        return [document.locate("invalid-format", join_pointer(*path, instance) if isinstance(instance, str) else pointer,
                                f"key {instance!r} is not allowed here ({error.message})", key=True)]
    if kind == "minItems":
        return [document.locate("too-few-items", pointer, f"{where} needs at least {value} item(s)")]
    if kind == "minLength":
        return [document.locate("invalid-value", pointer, f"{where} must not be empty")]
    if kind in ("minimum", "exclusiveMinimum", "maximum"):
        return [document.locate("out-of-range", pointer, f"{where} is {instance}; {error.message.split(' is ', 1)[-1]}")]
    if kind == "anyOf":
        records = [i for i, branch in enumerate(value) if "properties" in branch]
        if isinstance(instance, dict) and records:  # e.g. a material {text, prepared_by}: say what is wrong in it
            return [f for sub in error.context if sub.schema_path and sub.schema_path[0] in records
                    for f in _to_findings(sub, document)]
        if records:
            keys = ", ".join(value[records[0]]["properties"])
            return [document.locate("wrong-type", pointer,
                                    f"{where} must be text or a mapping with the keys {keys}, not {_describe(instance)}")]
        return [document.locate("wrong-type", pointer,
                                f"{where} must be text, a number, or a mapping of them (one level deep)")]
    return [document.locate("schema", pointer, f"{where}: {error.message}")]
