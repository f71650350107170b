"""The compiled fast path never lets through what jsonschema, the authority, rejects."""

import copy

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from rmkit.loader import Document
from rmkit.schema import FAST_PATH_MIN_DOCUMENTS, _fast_validator, check_schema, check_schemas, validator

from .helpers import STARTER

MODULE = yaml.safe_load((STARTER / "curriculum/modules/getting-started.yml").read_text())


def document(data, name="m.yml"):
    node = yaml.compose(yaml.safe_dump(data))
    return Document(path=None, file=name, data=data, node=node)


def test_a_large_project_reports_exactly_what_jsonschema_reports():
    documents = [document(copy.deepcopy(MODULE), f"m{i}.yml") for i in range(FAST_PATH_MIN_DOCUMENTS + 6)]
    documents[3].data["sessions"][0]["minutes"] = True
    documents[7].data["exercises"][0]["kind"] = "lecture"
    documents[9].data["objectivs"] = []
    documents[11].data["exercises"][1]["minutes"] = 1.5
    expected = [f for d in documents for f in check_schema("module", d)]
    assert {f.file for f in expected} == {"m3.yml", "m7.yml", "m9.yml", "m11.yml"}
    assert check_schemas("module", documents) == expected


mutations = st.lists(st.tuples(
    st.sampled_from(["id", "level", "objectives", "sessions", "exercises", "takeaways", "glossary", "extra"]),
    st.one_of(st.none(), st.booleans(), st.integers(-2, 2), st.floats(allow_nan=False), st.text(max_size=5),
              st.lists(st.integers(0, 3), max_size=2), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))),
    max_size=3)


@settings(max_examples=200, deadline=None)
@given(mutations)
def test_fast_and_full_validators_agree(changes):
    data = copy.deepcopy(MODULE)
    for key, value in changes:
        data[key] = value
    fast, invalid = _fast_validator("module")
    try:
        fast(data)
        fast_valid = True
    except invalid:
        fast_valid = False
    assert fast_valid == validator("module").is_valid(data)
