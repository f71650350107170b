"""The participants and pair files of the program tools: every field, every located finding."""

from __future__ import annotations

import json
import os

import pytest

from rmkit.participants import COLUMNS, Participant, PairRow, load_pairs, load_participants
from rmkit.reporters import report_github, report_json, report_text

PROGRAM = {
    "modules": ["professional-networks", "collaboration-tools", "security-hygiene"],
    "learner_profiles": [{"id": "experiential"}, {"id": "theoretical"}],
}
HEADER = ("id,name,role,email,country,languages,function,manager_id,site,tenure_years,topics,"
          "learner_profile,availability,timezone,capacity,requests")
ROWS = [
    "m1,Aiko Tanaka,mentor,aiko@example.com,JP,ja;en,Finance,,Tokyo,2,collaboration-tools;excel,"
    "experiential,Mon-AM;thu-pm,Asia/Tokyo,2,e1",
    "e1,Claire Martin,mentee,,fr,fr;en-GB,Finance,e2,Paris,24.5,collaboration-tools;Excel,,Mon-AM,"
    "Europe/Paris,,m1",
    "e2,Rahul Mehta,mentee,,IN,hi;en,Sales,,Mumbai,,security-hygiene,theoretical,,Asia/Kolkata,,",
]


def write(tmp_path, text: str, name: str = "participants.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load(tmp_path, rows, header=HEADER, program=PROGRAM):
    path = write(tmp_path, "\n".join([header, *rows]) + "\n")
    return load_participants(path, program, file="participants.csv")


def located(findings) -> list[str]:
    return [f"{f.file}:{f.line}:{f.column}: {f.severity.value}[{f.code}]" for f in findings]


def test_a_full_file_loads_every_field(tmp_path):
    people, findings = load(tmp_path, ROWS)
    assert findings == []
    assert [p.id for p in people] == ["e1", "e2", "m1"]  # sorted by id
    aiko = people[2]
    assert aiko == Participant(
        id="m1", name="Aiko Tanaka", role="mentor", country="JP", languages=("ja", "en"), function="Finance",
        email="aiko@example.com", site="Tokyo", tenure_years=2.0, topics=("collaboration-tools", "excel"),
        learner_profile="experiential", availability=("Mon-AM", "Thu-PM"), timezone="Asia/Tokyo", capacity=2,
        requests=("e1",))
    assert (aiko.file, aiko.line) == ("participants.csv", 2)
    claire = people[0]
    assert claire.country == "FR" and claire.languages == ("fr", "en")  # region dropped: en-GB is English
    assert claire.topics == ("collaboration-tools", "excel")  # free tags match whatever their case
    assert claire.capacity == 1 and claire.manager_id == "e2" and claire.tenure_years == 24.5


def test_headers_are_matched_whatever_their_case(tmp_path):
    people, findings = load(tmp_path, ROWS, header=HEADER.replace("id,name,role", "ID,Name,Role"))
    assert findings == [] and [p.name for p in people] == ["Claire Martin", "Rahul Mehta", "Aiko Tanaka"]


def test_optional_columns_may_be_left_out(tmp_path):
    people, findings = load(tmp_path, ["m1,Aiko,mentor,JP,ja,Finance,"], header="id,name,role,country,languages,"
                            "function,topics")
    assert findings == [] and people[0].capacity == 1 and people[0].topics == ()


def test_yaml_file_with_the_same_fields(tmp_path):
    path = write(tmp_path, """\
participants:
  - id: m1
    name: Aiko Tanaka
    role: mentor
    country: JP
    languages: [ja, en]
    function: Finance
    topics: [collaboration-tools]
    capacity: 2
  - id: e1
    name: Claire Martin
    role: mentee
    country: FR
    languages: fr;en
    function: Finance
    topics: collaboration-tools
    timezone: Mars/Olympus
""", "participants.yml")
    people, findings = load_participants(path, PROGRAM, file="participants.yml")
    assert located(findings) == ["participants.yml:17:15: error[unknown-timezone]"]
    assert people == []
    (tmp_path / "participants.yml").write_text(path.read_text().replace("Mars/Olympus", "Europe/Paris"))
    people, findings = load_participants(path, PROGRAM)
    assert findings == [] and [p.languages for p in people] == [("fr", "en"), ("ja", "en")]
    assert people[1].capacity == 2 and people[1].line == 2


def test_a_column_outside_the_list_is_refused_naming_the_allowed_ones(tmp_path):
    _, findings = load(tmp_path, [ROWS[0] + ",F"], header=HEADER + ",gender")
    assert located(findings) == ["participants.csv:1:139: error[unknown-column]"]
    assert "column 'gender' is not one rmkit reads" in findings[0].message
    assert all(name in findings[0].hint for name in COLUMNS)


def test_missing_and_duplicate_columns(tmp_path):
    _, findings = load(tmp_path, ["m1,Aiko,mentor,JP,ja,ja"], header="id,name,role,country,languages,languages")
    assert located(findings) == ["participants.csv:1:32: error[duplicate-column]",
                                 "participants.csv:1:1: error[missing-column]"]
    assert "'function', 'topics'" in findings[1].message


@pytest.mark.parametrize("row, change, code", [
    (0, (",mentor,", ",coach,"), "error[unknown-role]"),
    (0, ("aiko@example.com", "aiko-at-example"), "error[invalid-format]"),
    (0, (",JP,", ",XX,"), "error[invalid-country]"),
    (0, ("ja;en", "ja;klingon"), "error[invalid-language]"),
    (0, (",Finance,", ",,"), "error[missing-value]"),
    (0, ("collaboration-tools;excel", "colaboration-tools"), "warning[unknown-topic]"),
    (0, (",collaboration-tools;excel,", ",collaboration-tools;excel;power-bi;security-hygene,"),
     "warning[unknown-topic]"),  # free tags pass; a near-miss of a module does not
    (0, ("experiential", "visual"), "error[unknown-learner-profile]"),
    (0, ("Mon-AM;thu-pm", "Mon-AM;Thursday"), "error[invalid-slot]"),
    (0, (",Asia/Tokyo", ",Tokyo"), "error[unknown-timezone]"),
    (0, (",2,e1", ",-1,e1"), "error[invalid-capacity]"),
    (0, (",2,e1", ",1.5,e1"), "error[invalid-capacity]"),
    (0, (",2,collab", ",-2,collab"), "error[invalid-number]"),
    (0, (",e1", ",e9"), "error[unknown-person]"),
    (0, (",e1", ",m1"), "warning[request-ignored]"),
    (2, ("Kolkata,,", "Kolkata,,e1"), "warning[request-ignored]"),
    (1, (",e2,", ",nobody,"), "error[unknown-person]"),
])
def test_each_bad_value_is_a_located_finding(tmp_path, row, change, code):
    rows = list(ROWS)
    old, new = change
    assert rows[row].count(old) == 1
    rows[row] = rows[row].replace(old, new)
    people, findings = load(tmp_path, rows)
    # Located where the changed cell starts: after the commas the old and new text share.
    column = ROWS[row].index(old) + 1 + os.path.commonprefix([old, new]).rfind(",") + 1
    assert located(findings) == [f"participants.csv:{row + 2}:{column}: {code}"]
    assert (people == []) == findings[0].is_error


def test_ids_are_unique_and_plain(tmp_path):
    _, findings = load(tmp_path, ROWS + [ROWS[2].replace("Rahul Mehta", "Rahul M.")])
    assert located(findings) == ["participants.csv:5:1: error[duplicate-id]"]
    assert findings[0].message == "id 'e2' is already used on line 4"
    _, findings = load(tmp_path, [ROWS[0], ROWS[1].replace("e1,Claire", "e 1,Claire"), ROWS[2]])
    # Those who name `e1` now name nobody: said too, at their own place.
    assert located(findings) == ["participants.csv:3:1: error[invalid-id]",
                                 "participants.csv:2:132: error[unknown-person]"]


def test_an_unknown_topic_is_reported_once_and_suggests_the_module(tmp_path):
    rows = [r.replace("collaboration-tools", "colaboration-tools") for r in ROWS]
    people, findings = load(tmp_path, rows)
    assert located(findings) == ["participants.csv:2:66: warning[unknown-topic]"]
    assert "(did you mean 'collaboration-tools'?)" in findings[0].message
    assert people[0].topics == ("colaboration-tools", "excel")


def test_a_manager_cycle_is_found_once(tmp_path):
    rows = [ROWS[0], ROWS[1], ROWS[2].replace("Sales,,", "Sales,e1,")]
    _, findings = load(tmp_path, rows)
    assert located(findings) == ["participants.csv:3:46: error[manager-cycle]"]
    assert findings[0].message == "managers form a cycle: e1 → e2 → e1"
    _, findings = load(tmp_path, [ROWS[0].replace("Finance,,", "Finance,m1,"), ROWS[1], ROWS[2]])
    assert [f.message for f in findings] == ["managers form a cycle: m1 → m1"]


def test_csv_structure_problems(tmp_path):
    _, findings = load(tmp_path, [ROWS[0], ROWS[1] + ",extra"])
    assert located(findings) == ["participants.csv:3:1: error[csv-fields]"]
    _, findings = load(tmp_path, [ROWS[0].replace("Aiko Tanaka", '"Aiko Tanaka')])
    assert located(findings) == ["participants.csv:2:4: error[csv-syntax]"]
    path = write(tmp_path, "")
    assert located(load_participants(path, file="participants.csv")[1]) == [
        "participants.csv:1:1: error[file-empty]"]
    path.write_bytes(HEADER.encode() + b"\nm1,A\xe9\n")
    assert located(load_participants(path, file="participants.csv")[1]) == [
        "participants.csv:2:5: error[file-not-utf8]"]
    assert located(load_participants(tmp_path / "absent.csv", file="absent.csv")[1]) == [
        "absent.csv:None:None: error[file-missing]"]


def test_spreadsheet_exports_load_quoted_multiline_semicolons_and_bom(tmp_path):
    semicolons = HEADER.replace(",", ";") + "\r\n" + (
        'm1;"Tanaka; Aiko";mentor;;JP;"ja;en";"Finance\r\nand risk";;;;;;;;;\r\n'
        'e1;"Martin ""Claire""";mentee;;FR;fr;Finance;;;;;;;;;\r\n')
    path = tmp_path / "participants.csv"
    path.write_bytes(b"\xef\xbb\xbf" + semicolons.encode())
    people, findings = load_participants(path, PROGRAM)
    assert findings == []
    assert [(p.name, p.function, p.languages, p.line) for p in people] == [
        ('Martin "Claire"', "Finance", ("fr",), 4), ("Tanaka; Aiko", "Finance\r\nand risk", ("ja", "en"), 2)]
    rows = list(ROWS)
    rows[1] = '"e1",Claire,"mentee",,FR,fr,Finance,,,,,,,,,bad'
    _, findings = load(tmp_path, rows + ["", ""])
    assert located(findings) == [f"participants.csv:3:{rows[1].index('bad') + 1}: error[unknown-person]"]


def test_without_a_program_topics_and_profiles_are_not_checked(tmp_path):
    rows = [ROWS[0].replace("experiential", "visual"), ROWS[1], ROWS[2]]
    people, findings = load(tmp_path, rows, program=None)
    assert findings == [] and people[2].learner_profile == "visual"


def test_findings_go_through_every_reporter(tmp_path):
    _, findings = load(tmp_path, [ROWS[0].replace(",mentor,", ",boss,")])
    assert report_text(findings).splitlines()[0] == (
        "participants.csv:2:16: error[unknown-role]: role 'boss' is neither 'mentor' nor 'mentee'")
    assert json.loads(report_json(findings))[0] == findings[0].to_dict()
    assert report_github(findings) == ("::error file=participants.csv,line=2,col=16,title=unknown-role::"
                                       "role 'boss' is neither 'mentor' nor 'mentee'\n")


def test_pair_files_read_mentor_and_mentee_ids_and_ignore_other_columns(tmp_path):
    path = write(tmp_path, "mentor_id,mentee_id,score,reasons\nm1,e1,0.8,\"both speak Japanese; both in Finance\"\n"
                           "m2,e2,0.5,\nm1,e1,0.8,\n", "pairs.csv")
    pairs, findings = load_pairs(path, file="pairs.csv")
    assert findings == [] and pairs == [("m1", "e1"), ("m2", "e2")]
    assert isinstance(pairs[0], PairRow) and (pairs[1].mentor_id, pairs[1].line, pairs[1].file) == ("m2", 3, "pairs.csv")


def test_pair_file_findings(tmp_path):
    path = write(tmp_path, "mentee_id,mentor\ne1,m1\n", "pairs.csv")
    assert located(load_pairs(path, file="pairs.csv")[1]) == ["pairs.csv:1:1: error[missing-column]"]
    path.write_text("mentor_id,mentee_id\nm1,\n,e2\n")
    pairs, findings = load_pairs(path, file="pairs.csv")
    assert pairs == [] and located(findings) == ["pairs.csv:2:4: error[missing-value]",
                                                 "pairs.csv:3:1: error[missing-value]"]
