"""The content model's text fields: which are translatable, Markdown, mentor-only.

One table serves every stage that treats text: validation (raw HTML, placeholders),
extraction into the gettext template, translation when resolving an edition, and the
audience-separation tests.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Iterator

from .loader import join_pointer

ANY_ITEM, ANY_KEY = "*", "?"

# The learner profiles of a program that declares none (content model, `learner_profiles`).
DEFAULT_LEARNER_PROFILES = (
    {"id": "experiential", "title": "Experiential",
     "description": "Learns by trying things first, then naming what happened."},
    {"id": "theoretical", "title": "Theoretical",
     "description": "Learns from the principle and the structure first, then tries."},
)



def prepared_by_mentor(item) -> bool:
    """A material `{text, prepared_by: mentor}` (an rmkit extension) is for the guide only:
    the mentor brings it, and listing it in the workbook could spoil the exercise."""
    return isinstance(item, dict) and item.get("prepared_by") == "mentor"


# (path, markdown, mentor_only). `*` matches every list item, `?` every mapping key.
# mentor_only is True, False, or a test of the mapping that holds the text.
_T, _MD, _M = False, True, True
TEXT_FIELDS: dict[str, list[tuple[tuple[str, ...], bool, bool]]] = {
    "program": [
        (("title",), _T, False),
        (("summary",), _MD, False),
        (("scope", "in", "*"), _T, False),
        (("scope", "out", "*"), _T, False),
        (("roles", "?", "title"), _T, False),
        (("roles", "?", "description"), _T, False),
        (("learner_profiles", "*", "title"), _T, _M),
        (("learner_profiles", "*", "description"), _T, _M),
        (("preparation", "mentor", "*"), _MD, _M),
        (("preparation", "mentee", "*"), _MD, False),
        (("evaluation", "questions", "*", "text"), _T, _M),
    ],
    "module": [
        (("title",), _T, False),
        (("summary",), _MD, False),
        (("objectives", "*", "text"), _T, False),
        (("objectives", "*", "evidence"), _T, False),
        (("sessions", "*", "title"), _T, False),
        (("sessions", "*", "agenda", "*", "activity"), _T, False),
        (("exercises", "*", "title"), _T, False),
        (("exercises", "*", "instructions"), _MD, False),
        (("exercises", "*", "mentor_notes"), _MD, _M),
        (("exercises", "*", "difficulties", "*", "issue"), _T, _M),
        (("exercises", "*", "difficulties", "*", "response"), _MD, _M),
        (("exercises", "*", "variants", "?"), _MD, _M),
        (("exercises", "*", "debrief", "*"), _T, _M),
        (("exercises", "*", "solution"), _MD, _M),
        (("exercises", "*", "materials", "*"), _T, False),
        (("exercises", "*", "materials", "*", "text"), _T, prepared_by_mentor),
        (("takeaways", "*"), _MD, False),
        (("mentor_prep", "key_messages", "*"), _MD, _M),
        (("mentor_prep", "explain"), _MD, _M),
        (("mentor_prep", "check_questions", "*"), _T, _M),
        (("out_of_scope", "*"), _T, False),
        (("country_notes", "?"), _MD, _M),
        (("glossary", "*", "term"), _T, False),
        (("glossary", "*", "definition"), _MD, False),
    ],
    "editions": [
        (("editions", "*", "title"), _T, False),
    ],
    "country": [
        (("culture", "notes", "*"), _MD, _M),
    ],
}


@dataclass(frozen=True)
class TextField:
    tokens: tuple
    text: str
    markdown: bool
    mentor_only: bool

    @property
    def pointer(self) -> str:
        return join_pointer(*self.tokens)


def for_mentors_only(kind: str, data: dict) -> bool:
    """A module with `audience: mentor` (an rmkit extension) is left out of the mentee workbook."""
    return kind == "module" and isinstance(data, dict) and data.get("audience") == "mentor"


def iter_texts(kind: str, data: dict) -> Iterator[TextField]:
    """Every translatable text of a document of `kind`, in document order of the table."""
    whole_document_mentor_only = for_mentors_only(kind, data)
    for path, markdown, mentor_only in TEXT_FIELDS[kind]:
        for tokens, value, parent in _match(data, path, (), None):
            if isinstance(value, str):
                only = mentor_only(parent) if callable(mentor_only) else mentor_only
                yield TextField(tokens, value, markdown, only or whole_document_mentor_only)


def _match(value, path, tokens, parent):
    if not path:
        yield tokens, value, parent
        return
    head, rest = path[0], path[1:]
    if head == ANY_ITEM:
        if isinstance(value, list):
            for i, item in enumerate(value):
                yield from _match(item, rest, tokens + (i,), value)
    elif head == ANY_KEY:
        if isinstance(value, dict):
            for key, item in value.items():
                yield from _match(item, rest, tokens + (key,), value)
    elif isinstance(value, dict) and head in value:
        yield from _match(value[head], rest, tokens + (head,), value)


def map_texts(kind: str, data: dict, change) -> dict:
    """A deep copy of `data` where every translatable text `t` became `change(t, field)`."""
    result = copy.deepcopy(data)
    for field in iter_texts(kind, data):
        *parents, last = field.tokens
        target = result
        for token in parents:
            target = target[token]
        target[last] = change(field.text, field)
    return result
