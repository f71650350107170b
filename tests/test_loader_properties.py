"""Property tests: whatever bytes or YAML a designer saves, rmkit reports findings, never a traceback."""

import time

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rmkit.loader import parse_yaml
from rmkit.validate import validate_project

from .helpers import starter_project

MODULE = "curriculum/modules/getting-started.yml"

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                    st.text(max_size=30), st.dates().map(str))
yaml_values = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.text(max_size=12), children, max_size=4)),
    max_leaves=25,
)
yaml_fragments = st.lists(st.sampled_from(
    ["id: x\n", "  - ", "- ", ": ", "[", "]", "{", "}", "&a ", "*a ", "\t", "'", '"', "|\n", ">\n",
     "? ", "!!binary ", "!!python/object:os.system ", "%YAML 1.1\n", "---\n", "...\n", "\ufeff",
     "\x00", "\x85", "  ", "\n", "objectives:\n", "minutes: 10\n", "{{x}}", "<b>", "#"]), max_size=40)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_give_findings_or_a_document(data):
    document, findings = parse_yaml(data, "x.yml")
    assert (document is None) == bool(findings)
    for f in findings:
        assert f.file == "x.yml" and f.message


@settings(max_examples=300, deadline=None)
@given(yaml_fragments)
def test_arbitrary_yaml_text_never_raises(parts):
    document, findings = parse_yaml("".join(parts).encode("utf-8", "surrogatepass"), "x.yml")
    assert (document is None) == bool(findings)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=yaml_values)
def test_arbitrary_yaml_in_a_module_gives_located_findings(tmp_path_factory, value):
    """Any well-formed YAML in place of a module runs the whole validator without a traceback."""
    root = starter_project(tmp_path_factory.mktemp("p"))
    (root / MODULE).write_text(yaml.safe_dump({"id": "getting-started", "objectives": value}), encoding="utf-8")
    _, findings = validate_project(root)
    assert findings
    for f in findings:
        assert f.file and f.code and f.message


def test_alias_bomb_ends_fast():
    levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 12):
        prev, cur = chr(96 + i), chr(97 + i)
        levels.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    start = time.perf_counter()
    document, findings = parse_yaml("\n".join(levels).encode(), "bomb.yml")
    assert time.perf_counter() - start < 0.5
    assert document is None and findings[0].code == "yaml-alias" and findings[0].line == 2


def test_deep_nesting_is_refused_without_crashing():
    for data in (b"a: " + b"[" * 300_000 + b"]" * 300_000, b"a:\n" + b"- " * 300_000 + b"x"):
        document, findings = parse_yaml(data, "deep.yml")
        assert document is None and findings[0].code == "yaml-syntax"
        assert "nested" in findings[0].message


def test_python_tags_are_never_constructed():
    document, findings = parse_yaml(b"a: !!python/object/apply:os.system ['true']\n", "x.yml")
    # Safe loading: the tag is unknown to the safe resolver, so composing refuses or keeps text.
    assert document is None or document.data["a"] != 0
