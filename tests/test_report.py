"""`rmkit report`: the evaluation template, reading responses, the figures, privacy, the page.

Figures are checked on a small fixture of the bundled program's questions (usefulness,
format-fit: 1 to 5; objectives-met, continue-pair: yes/no; one-change: text), with six
pairs (m1, e1) … (m6, e6).
"""

from __future__ import annotations

import datetime
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from rmkit.cli import main
from rmkit.evaluation import template_csv
from rmkit.findings import CODES
from rmkit.report import Cell, analyse, follow_up, make_report, suppress
from rmkit.responses import Response, load_responses
from rmkit.validate import validate_project

from .helpers import replace_once, starter_project

ROOT = Path(__file__).resolve().parents[1]
HEADER = "respondent_id,pair_id,role,module,session_date,usefulness,format-fit,objectives-met,continue-pair,one-change"
K, PN = "kickoff-and-pair-agreement", "professional-networks"
PARTICIPANTS = """\
id,name,role,country,languages,function,topics,site,tenure_years,learner_profile
m1,Ana,mentor,FR,fr;en,Finance,professional-networks,Paris,1,experiential
m2,Ben,mentor,FR,fr;en,Finance,professional-networks,Paris,2,experiential
m3,Chloé,mentor,FR,fr;en,Marketing,professional-networks,Lyon,1.5,theoretical
m4,Dan,mentor,GB,en,Finance,professional-networks,London,3,experiential
m5,Eve,mentor,GB,en,Finance,professional-networks,London,0.5,
m6,Fay,mentor,JP,ja;en,Sales,professional-networks,Tokyo,2,theoretical
e1,Gil,mentee,FR,fr;en,Finance,professional-networks,Paris,22,experiential
e2,Hana,mentee,FR,fr;en,Finance,professional-networks,Paris,15,experiential
e3,Ivo,mentee,FR,fr;en,Marketing,professional-networks,Lyon,12,theoretical
e4,Jun,mentee,GB,en,Finance,professional-networks,London,25,experiential
e5,Kim,mentee,GB,en,Finance,professional-networks,London,18,
e6,Lea,mentee,JP,ja;en,Sales,professional-networks,Tokyo,8,theoretical
"""
PAIRS = "mentor_id,mentee_id\n" + "".join(f"m{i},e{i}\n" for i in range(1, 7))
# usefulness, format-fit, objectives-met, continue-pair, one-change
KICKOFF = {
    "m1": (5, 4, "yes", "yes", "More examples"), "m2": (4, 4, "yes", "yes", ""),
    "m3": (4, 3, "no", "yes", ""), "m4": (3, 3, "yes", "yes", ""),
    "m5": (5, 5, "yes", "yes", ""), "m6": (5, 4, "yes", "yes", ""),
    "e1": (2, 2, "no", "no", "Too fast for me"), "e2": (3, 4, "yes", "yes", "Shorter agenda"),
    "e3": (4, 4, "yes", "yes", "A printed summary"), "e4": (4, 5, "yes", "yes", ""),
    "e5": (5, 5, "yes", "yes", "Nothing"), "e6": (5, 4, "yes", "yes", ""),
}
NETWORKS = {
    "m1": (4, 4, "yes", "yes", ""), "m2": (4, 3, "yes", "yes", ""), "m3": (5, 5, "yes", "yes", ""),
    "m4": (3, 4, "no", "yes", ""), "m5": (4, 4, "yes", "yes", ""),
    "e1": (1, 2, "no", "yes", ""), "e2": (4, 4, "yes", "yes", ""), "e3": (5, 4, "yes", "yes", ""),
    "e4": (4, 3, "yes", "yes", ""),
}


def rows_of(module: str, day: str, answers: dict) -> list[str]:
    out = []
    for person, (useful, fit, objectives, keep, text) in answers.items():
        role = "mentor" if person.startswith("m") else "mentee"
        out.append(f"{person},,{role},{module},{day},{useful},{fit},{objectives},{keep},{text}")
    return out


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def responses_file(tmp_path) -> Path:
    return write(tmp_path / "responses.csv",
                 [HEADER] + rows_of(K, "2027-02-09", KICKOFF) + rows_of(PN, "2027-03-09", NETWORKS))


@pytest.fixture
def people(tmp_path) -> tuple[Path, Path]:
    participants = tmp_path / "participants.csv"
    participants.write_text(PARTICIPANTS, encoding="utf-8")
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(PAIRS, encoding="utf-8")
    return participants, pairs


@pytest.fixture(scope="module")
def program(bundled_project):
    project, findings = validate_project(bundled_project)
    assert not [f for f in findings if f.is_error]
    return project


def figures(program, path: Path, min_group: int = 1, **people):
    from rmkit.participants import load_pairs, load_participants
    from rmkit.report import report_language

    participants = pairs = None
    if "participants" in people:
        loaded, found = load_participants(people["participants"], program.program.data)
        assert not found, found
        participants = {p.id: p for p in loaded}
    if "pairs" in people:
        pairs, found = load_pairs(people["pairs"])
        assert not found, found
    responses = load_responses([(path, path.name)], program.program.data, participants=participants, pairs=pairs)
    edition, _ = report_language(program, "en")
    return analyse(responses, edition.program, edition.modules, min_group=min_group,
                   participants=participants, pairs=pairs)


def cell(table, key):
    return next(c for c in table.rows if c.key == key)


def question(tables, qid):
    return next(t for t in tables if t.question["id"] == qid)


# -- collect ------------------------------------------------------------------------------------

def test_the_template_has_the_fixed_columns_then_one_per_question(program):
    assert template_csv(program.program.data) == HEADER + "\n"


@pytest.mark.slow
def test_each_dated_edition_offers_the_template_and_the_mentor_guide_links_to_its_copy(tmp_path):
    from rmkit.build import build

    root = starter_project(tmp_path)
    (root / "curriculum" / "program.yml").write_text(
        (root / "curriculum" / "program.yml").read_text(encoding="utf-8")
        + "evaluation:\n  questions:\n    - {id: usefulness, text: How useful was it?, scale: rating-5}\n"
          "    - {id: keep-going, text: Keep going?, scale: yes-no}\n", encoding="utf-8")
    replace_once(root / "locales" / "editions.yml", "country: GB", "country: GB\n    start_date: 2027-01-11")
    result = build(root, out=tmp_path / "site", jobs=1)
    assert not result.findings, result.findings
    template = tmp_path / "site" / "en-GB" / "evaluation-template.csv"
    assert template.read_bytes() == (b"respondent_id,pair_id,role,module,session_date,usefulness,keep-going\n")
    page = (tmp_path / "site" / "en-GB" / "mentor" / "evaluation.html").read_text(encoding="utf-8")
    assert 'href="evaluation-template.csv"' in page
    assert (tmp_path / "site" / "en-GB" / "mentor" / "evaluation-template.csv").read_bytes() == template.read_bytes()
    assert not list((tmp_path / "site" / "en-GB" / "mentee").rglob("evaluation-template.csv"))
    # An edition without a date offers no template, and its evaluation page does not link to one.
    replace_once(root / "locales" / "editions.yml", "\n    start_date: 2027-01-11", "")
    assert not build(root, out=tmp_path / "undated", jobs=1).findings
    assert not list((tmp_path / "undated").rglob("evaluation-template.csv"))
    assert "evaluation-template.csv" not in (tmp_path / "undated" / "en-GB" / "mentor" / "evaluation.html").read_text()


# -- the figures --------------------------------------------------------------------------------

def test_means_distributions_and_shares_per_module_and_role(program, responses_file):
    report = figures(program, responses_file)
    useful = question(report.by_module, "usefulness")
    kickoff = cell(useful, K)
    assert (kickoff.people, kickoff.answers) == (12, 12)
    assert kickoff.mean == pytest.approx(49 / 12)
    assert kickoff.distribution() == pytest.approx([0, 1 / 12, 2 / 12, 4 / 12, 5 / 12])
    networks = cell(useful, PN)
    assert networks.mean == pytest.approx(34 / 9)
    assert useful.total.mean == pytest.approx(83 / 21) and useful.total.people == 12
    by_role = question(report.by_role, "usefulness")
    assert cell(by_role, "mentor").mean == pytest.approx((26 + 20) / 11)
    assert cell(by_role, "mentee").mean == pytest.approx((23 + 14) / 10)
    objectives = question(report.by_module, "objectives-met")
    assert cell(objectives, K).share(True) == pytest.approx(10 / 12)
    assert cell(objectives, PN).share(True) == pytest.approx(7 / 9)
    assert [m["id"] for m in report.modules] == [K, PN]
    assert (report.first_date, report.last_date) == (datetime.date(2027, 2, 9), datetime.date(2027, 3, 9))


def test_response_rates_per_module_and_role_come_from_the_pairs(program, responses_file, people):
    report = figures(program, responses_file, pairs=people[1])
    assert [(r.module["id"], r.role, r.received, r.expected) for r in report.rates] == [
        (K, "mentor", 6, 6), (K, "mentee", 6, 6), (PN, "mentor", 5, 6), (PN, "mentee", 4, 6)]
    assert report.rates[3].share == pytest.approx(4 / 6)


def test_breakdowns_by_segment(program, responses_file, people):
    report = figures(program, responses_file, participants=people[0])
    tenure = question(report.segments["tenure"], "usefulness")
    assert [c.key for c in tenure.rows] == ["0-2", "2-5", "5-10", "10-20", "20-"]
    # Under 2 years: m1, m3, m5 (5+4+5 at kickoff, 4+5+4 after networks).
    assert cell(tenure, "0-2").mean == pytest.approx(27 / 6) and cell(tenure, "0-2").people == 3
    country = question(report.segments["country"], "objectives-met")
    assert [c.key for c in country.rows] == ["FR", "GB", "JP"]
    profile = question(report.segments["learner_profile"], "usefulness")
    assert [c.key for c in profile.rows] == ["experiential", "theoretical", ""]  # "" is not stated
    assert cell(profile, "").people == 2  # m5 and e5


# -- privacy ------------------------------------------------------------------------------------

def people_cell(key: str, n: int) -> Cell:
    c = Cell(key)
    for i in range(n):
        c.values.append(3)
        c.respondents.add(f"{key}{i}")
    return c


def total_of(cells) -> Cell:
    t = Cell("")
    for c in cells:
        t.values += c.values
        t.respondents |= c.respondents
    return t


def test_a_cell_of_k_minus_1_people_is_hidden_and_one_of_k_is_shown():
    cells = [people_cell("a", 4), people_cell("b", 5), people_cell("c", 6), people_cell("d", 5)]
    suppress(cells, None, 5)  # no total shown: nothing to subtract from
    assert [(c.shown, c.reason) for c in cells] == [(False, "small"), (True, ""), (True, ""), (True, "")]


def test_a_second_cell_is_hidden_so_that_the_first_cannot_be_worked_out_from_the_total():
    cells = [people_cell("a", 4), people_cell("b", 7), people_cell("c", 5), people_cell("d", 6)]
    total = total_of(cells)
    suppress(cells, total, 5)
    assert [(c.key, c.shown, c.reason) for c in cells] == [
        ("a", False, "small"), ("b", True, ""), ("c", False, "secondary"), ("d", True, "")]
    assert total.shown


def test_hidden_cells_that_together_hold_fewer_than_k_people_hide_one_more():
    cells = [people_cell("a", 1), people_cell("b", 2), people_cell("c", 9), people_cell("d", 8)]
    total = total_of(cells)
    suppress(cells, total, 5)
    assert [c.shown for c in cells] == [False, False, True, False]  # 1 + 2 < 5: d, the smaller, goes too
    two_small = [people_cell("a", 3), people_cell("b", 3), people_cell("c", 9)]
    suppress(two_small, total_of(two_small), 5)
    assert [c.shown for c in two_small] == [False, False, True]  # 3 + 3 ≥ 5: enough


def test_a_total_of_fewer_than_k_people_is_hidden_with_all_its_cells():
    cells = [people_cell("a", 2), people_cell("b", 2)]
    total = total_of(cells)
    suppress(cells, total, 5)
    assert not total.shown and not any(c.shown for c in cells)


def test_the_report_hides_small_cells_and_their_complement(program, responses_file):
    report = figures(program, responses_file, min_group=5)
    by_role = question(report.by_role, "usefulness")
    assert [(c.key, c.people, c.shown) for c in by_role.rows] == [("mentor", 6, True), ("mentee", 6, True)]
    # After professional networks alone, 5 mentors (k) and 4 mentees (k - 1) answered.
    from rmkit.report import _table
    networks = [r for r in report.responses.kept if r.module == PN]
    table = _table(networks, by_role.question, "role", lambda r: r.role, ["mentor", "mentee"], {}, 5)
    assert [(c.key, c.people, c.shown, c.reason) for c in table.rows] == [
        ("mentor", 5, False, "secondary"), ("mentee", 4, False, "small")]


def test_the_page_never_shows_respondent_ids_and_states_the_threshold(bundled_project, responses_file, people,
                                                                        tmp_path):
    outcome = make_report(bundled_project, [responses_file], participants=people[0], pairs=people[1],
                          out=tmp_path / "report", pdf=False)
    html = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", " ", html)
    for person in list(KICKOFF) + ["Ana", "Gil"]:
        assert not re.search(rf"\b{person}\b", text), person
    assert "fewer than 5 people" in html
    # Segments of fewer than 5 people are hidden; the free text of kickoff (5 writers) is shown.
    assert "Too fast for me" in html and "A printed summary" in html
    assert outcome.report.free_texts[0].shown


def test_free_text_is_not_shown_below_the_threshold(program, responses_file):
    report = figures(program, responses_file, min_group=6)  # five people wrote after the kickoff
    assert [(t.module["id"], t.people, t.shown, t.answers) for t in report.free_texts] == [(K, 5, False, [])]
    report = figures(program, responses_file, min_group=5)
    assert report.free_texts[0].answers == ["A printed summary", "More examples", "Nothing", "Shorter agenda",
                                            "Too fast for me"]


# -- pairs to follow up -------------------------------------------------------------------------

def answer(person, pair, module, day, **answers) -> Response:
    role = "mentor" if person.startswith("m") else "mentee"
    return Response("r.csv", 1, person, pair, role, module, datetime.date.fromisoformat(day), answers)


QUESTIONS = [{"id": "usefulness", "scale": "rating-5"}, {"id": "format-fit", "scale": "rating-5"},
             {"id": "continue-pair", "scale": "yes-no"}]


def test_a_pair_is_followed_up_when_either_side_would_not_continue():
    found, without = follow_up([answer("m1", "1", K, "2027-02-09", **{"continue-pair": True}),
                                answer("e1", "1", K, "2027-02-09", **{"continue-pair": False}),
                                answer("e2", "2", K, "2027-02-09", **{"continue-pair": True})], QUESTIONS)
    assert [(f.pair, [(r["kind"], r["role"], r["modules"]) for r in f.reasons]) for f in found] == [
        ("1", [("said-no", "mentee", [K])])]
    assert without == 0


def test_a_pair_is_followed_up_after_two_low_ratings_in_a_row_only():
    responses = [
        # m2: 2, then 1 on usefulness: two in a row.
        answer("m2", "2", K, "2027-02-09", usefulness=2), answer("m2", "2", PN, "2027-03-09", usefulness=1),
        # m3: 1, 4, 2: low twice, not in a row. 2 on usefulness then 2 on format-fit: not the same question.
        answer("m3", "3", K, "2027-02-09", usefulness=1, **{"format-fit": 4}),
        answer("m3", "3", PN, "2027-03-09", usefulness=4, **{"format-fit": 2}),
        answer("m3", "3", "collaboration-tools", "2027-04-06", usefulness=2),
        # e4 has no pair id: counted, not listed.
        answer("e4", None, K, "2027-02-09", usefulness=1), answer("e4", None, PN, "2027-03-09", usefulness=2),
    ]
    found, without = follow_up(responses, QUESTIONS)
    assert [(f.pair, [(r["kind"], r["question"], r["modules"]) for r in f.reasons]) for f in found] == [
        ("2", [("low-twice", "usefulness", [K, PN])])]
    assert without == 1


def test_the_page_lists_pairs_to_follow_up_by_pair_id(bundled_project, responses_file, people, tmp_path):
    make_report(bundled_project, [responses_file], pairs=people[1], out=tmp_path / "report", pdf=False)
    html = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    section = html[html.index('id="follow-up"'):html.index('id="free-text"')]
    assert re.findall(r"<dt>(.*?)</dt>", section) == ["Pair 1"]
    assert "Mentor answered no" not in section
    assert "Mentee answered no to continuing, after Kickoff and pair agreement (9 February 2027)." in section
    assert "Mentee rated “How useful was this session for your work?” 1 or 2 twice in a row" in section
    # Each section says which Kirkpatrick level it speaks to; objectives reached are learning.
    levels = re.findall(r'<h[23][^>]*>([^<]*)</h[23]>\s*(?:<p>[^<]*</p>\s*)?<p class="level">Kirkpatrick level (\d)', html)
    assert levels == [("Response rate", "1"), ("Ratings", "1"),
                      ("Did you reach this session&#39;s objectives, as described in the self-assessment?", "2"),
                      ("Do you want to continue with this pair?", "1"), ("By segment", "1"),
                      ("Pairs to follow up", "1"), ("In their own words", "1")]


# -- bad input ----------------------------------------------------------------------------------

BAD = [
    HEADER + ",mood",
    "m1,,mentor,kickoff-and-pair-agreement,2027-02-09,5,4,yes,yes,,happy",
    "m2,,mentor,kickof-and-pair-agreement,2027-02-09,5,4,yes,yes,,",
    "m3,,mentor,kickoff-and-pair-agreement,2027-02-09,7,4,yes,yes,,",
    "m1,,mentor,kickoff-and-pair-agreement,2027-02-09,4,4,yes,yes,,",
    "m4,,mentor,kickoff-and-pair-agreement,2027-02-09,5,4,yes",
    "m5,,mentor,kickoff-and-pair-agreement,2027-02-09,5,4,maybe,yes,,",
    "m6,,mentor,kickoff-and-pair-agreement,9 Feb 2027,5,4,yes,yes,,",
    ",,mentor,kickoff-and-pair-agreement,2027-02-09,5,4,yes,yes,,",
    "e1,,mentee,kickoff-and-pair-agreement,2027-02-09,3,3,oui,はい,\"Plus de temps, s'il vous plaît\",",
]


def test_bad_rows_are_located_findings_and_the_report_is_made_from_the_rest(bundled_project, tmp_path, capsys,
                                                                             monkeypatch):
    write(tmp_path / "responses.csv", BAD)
    monkeypatch.chdir(tmp_path)
    code = main(["-C", str(bundled_project), "report", "responses.csv", "--out", "report", "--no-pdf"])
    out = capsys.readouterr().out
    assert code == 1
    assert out.splitlines()[:-1] == [
        "responses.csv:1:110: error[unknown-question]: column 'mood' is neither a template column nor a question "
        "of the program: its answers are left out",
        "  hint: Template columns: respondent_id, pair_id, role, module, session_date; questions: usefulness, "
        "format-fit, objectives-met, continue-pair, one-change. Name it in the --map file (~ leaves it out on "
        "purpose).",
        "responses.csv:3:12: error[unknown-module]: module 'kickof-and-pair-agreement' is not a module of the "
        "program",
        "  hint: Modules of the program: mentor-preparation, kickoff-and-pair-agreement, professional-networks, "
        "collaboration-tools, generative-ai-at-work, security-hygiene, online-reputation-and-closing.",
        "responses.csv:4:50: error[answer-out-of-scale]: '7' is not a rating from 1 to 5 (question 'usefulness')",
        "responses.csv:5:1: error[duplicate-response]: a second response from the same respondent for module "
        "'kickoff-and-pair-agreement' on 2027-02-09; the first is at responses.csv:2",
        "  hint: Keep one row per person, module and session.",
        "responses.csv:6:1: error[csv-fields]: this row has 8 cells; the header has 11",
        "  hint: Quote values that hold the delimiter, or add the missing empty values.",
        "responses.csv:7:54: error[answer-out-of-scale]: 'maybe' is not yes or no (question 'objectives-met')",
        "responses.csv:8:39: error[invalid-date]: '9 Feb 2027' is not a date",
        "  hint: Write the session date as YYYY-MM-DD, e.g. 2027-03-08.",
        "responses.csv:9:1: error[missing-value]: this row has no respondent_id: it is left out",
        "8 errors, 0 warnings",
    ]
    assert out.splitlines()[-1] == ("wrote report/index.html: 2 of 9 response row(s) reported, 7 left out")
    html = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    assert "7 rows of the response files were left out." in html
    for reason, rows in [("Answer outside its scale", 2), ("Unknown module", 1), ("Row cannot be read", 1),
                         ("Second response for the same session", 1), ("Session date is not a date", 1),
                         ("Respondent, module, date or role missing", 1)]:
        assert f'<tr><th scope="row">{reason}</th><td>{rows}</td></tr>' in html
    # "oui" and "はい" are yes in the French and Japanese interface.
    assert "Plus de temps" not in html  # one writer: below the threshold


@pytest.mark.parametrize("output", ["json", "github"])
def test_every_reporter_carries_the_located_findings(bundled_project, tmp_path, capsys, monkeypatch, output):
    write(tmp_path / "responses.csv", BAD[:4])
    monkeypatch.chdir(tmp_path)
    assert main(["-C", str(bundled_project), "report", "responses.csv", "--no-pdf", "--out", "r",
                 "--format", output]) == 1
    out = capsys.readouterr().out
    if output == "json":
        records = json.loads(out)
        assert [(r["code"], r["file"], r["line"], r["column"]) for r in records] == [
            ("unknown-question", "responses.csv", 1, 110), ("unknown-module", "responses.csv", 3, 12),
            ("answer-out-of-scale", "responses.csv", 4, 50)]
    else:
        assert out.splitlines()[1].startswith(
            "::error file=responses.csv,line=3,col=12,title=unknown-module::module 'kickof-and-pair-agreement'")


def test_a_survey_export_is_read_through_the_map_file(bundled_project, tmp_path):
    export = tmp_path / "forms.csv"
    export.write_text(
        "\ufeffID;Start time;Email;Employee id;Role;Session;Date;How useful?;Objectives reached?;Keep the pair?\n"
        "1;2027-02-09 10:00;a@x.org;m1;mentor;kickoff-and-pair-agreement;2027-02-09;4;Yes;Yes\n"
        "2;2027-02-09 11:00;b@x.org;e1;mentee;kickoff-and-pair-agreement;2027-02-09 10:55:00;2;No;No\n",
        encoding="utf-8")
    mapping = tmp_path / "map.yml"
    mapping.write_text("ID: ~\nStart time: ~\nEmail: ~\nEmployee id: respondent_id\nRole: role\nSession: module\n"
                       "Date: session_date\nHow useful?: usefulness\nObjectives reached?: objectives-met\n"
                       "Keep the pair?: continue-pair\n", encoding="utf-8")
    outcome = make_report(bundled_project, [export], map_file=mapping, out=tmp_path / "r", pdf=False, min_group=1)
    assert outcome.findings == []
    kept = outcome.report.responses.kept
    assert [(r.respondent, r.role, r.module, r.session_date.isoformat(), r.answers) for r in kept] == [
        ("m1", "mentor", K, "2027-02-09", {"usefulness": 4, "objectives-met": True, "continue-pair": True}),
        ("e1", "mentee", K, "2027-02-09", {"usefulness": 2, "objectives-met": False, "continue-pair": False})]


def test_a_map_to_an_unknown_question_is_located_in_the_map(bundled_project, tmp_path, responses_file):
    mapping = tmp_path / "map.yml"
    mapping.write_text("Date: session_date\nHow useful?: usefullness\n", encoding="utf-8")
    outcome = make_report(bundled_project, [responses_file], map_file=mapping, out=tmp_path / "r", pdf=False)
    assert [(f.code, f.line, f.column) for f in outcome.findings] == [("unknown-question", 2, 14)]


def test_the_new_codes_are_catalogued():
    for code in ("unknown-question", "answer-out-of-scale", "duplicate-response", "unknown-pair", "csv-fields"):
        assert code in CODES


# -- the page -----------------------------------------------------------------------------------

def test_same_input_gives_the_same_bytes_in_another_process(bundled_project, responses_file, people, tmp_path):
    make_report(bundled_project, [responses_file], participants=people[0], pairs=people[1],
                out=tmp_path / "one", pdf=False, min_group=3)
    result = subprocess.run([sys.executable, "-m", "rmkit", "-C", str(bundled_project), "report",
                             str(responses_file), "--participants", str(people[0]), "--pairs", str(people[1]),
                             "--min-group", "3", "--out", str(tmp_path / "two"), "--no-pdf"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    one = (tmp_path / "one" / "index.html").read_bytes()
    assert one == (tmp_path / "two" / "index.html").read_bytes()
    svgs = re.findall(rb"<svg .*?</svg>", one, re.S)
    assert len(svgs) == 4  # two rating questions, two yes/no questions
    assert all(b"<dc:date>" not in svg and b"<script" not in svg for svg in svgs)
    assert b"<script" not in one and b"<metadata" not in one
    # Nothing to fetch: no link, image or style from anywhere (namespaces are names, not requests).
    assert re.findall(rb'(?:src|href|url)\s*[=(]\s*["\']?[^"\'#)]', one) == []


def test_each_chart_is_an_image_followed_by_its_table(bundled_project, responses_file, tmp_path):
    make_report(bundled_project, [responses_file], out=tmp_path / "r", pdf=False)
    html = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    for figure in re.findall(r"<figure>.*?</figure>\s*<table>", html, re.S):
        assert re.search(r'<svg role="img" aria-label="[^"]+"', figure)
    assert len(re.findall(r"</figure>\s*<table>", html)) == 4


def test_a_report_in_french(bundled_project, responses_file, people, tmp_path):
    make_report(bundled_project, [responses_file], pairs=people[1], language="fr", out=tmp_path / "fr", pdf=False)
    html = (tmp_path / "fr" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="fr" dir="ltr">' in html
    assert "<h1>Rapport d’évaluation</h1>" in html
    assert "9 févr.\u2009–\u20099 mars 2027" in html  # a range of dates, as Babel writes it in French
    assert "<td><strong>4,1</strong></td>" in html  # 49 / 12, with a decimal comma
    assert "83\u00a0%" in html  # objectives met at kickoff: 10 of 12
    assert "Binôme 1" in html


def test_a_report_in_arabic_reads_right_to_left(bundled_project, responses_file, people, tmp_path):
    make_report(bundled_project, [responses_file], pairs=people[1], language="ar", out=tmp_path / "ar", pdf=False)
    html = (tmp_path / "ar" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in html
    assert "<h1>تقرير التقييم</h1>" in html
    assert "فبراير" in html  # Babel's month names
    assert "الثنائي 1" in html


def test_an_unknown_language_is_a_usage_error(bundled_project, responses_file, capsys):
    assert main(["-C", str(bundled_project), "report", str(responses_file), "--language", "de", "--no-pdf"]) == 2
    assert "no edition is in language 'de'" in capsys.readouterr().err


@pytest.mark.slow
def test_the_pdf_is_written_and_fetches_nothing(bundled_project, responses_file, tmp_path):
    from pypdf import PdfReader

    outcome = make_report(bundled_project, [responses_file], out=tmp_path / "r", min_group=1)
    assert [p.name for p in outcome.written] == ["index.html", "report.pdf"]
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "r" / "report.pdf").pages)
    assert "Evaluation report" in text and "Pairs to follow up" in text


def test_the_pdf_fetches_no_url(tmp_path):
    """Even a page that names a URL (a project's own template could) makes no request."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from rmkit.report import _write_pdf

    requests = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        pdf = _write_pdf(f'<link rel="stylesheet" href="{url}/style.css"><p>x</p><img src="{url}/pixel.png" alt="">',
                         tmp_path)
    finally:
        server.shutdown()
        server.server_close()
    assert pdf.startswith(b"%PDF") and requests == []


# -- the bundled example ------------------------------------------------------------------------

@pytest.mark.slow
def test_the_bundled_example_reports_without_finding_and_hides_small_segments(bundled_project, tmp_path):
    example = ROOT / "examples"
    outcome = make_report(bundled_project, [example / "evaluation" / "responses.csv"],
                          participants=example / "pairing" / "participants.csv",
                          pairs=example / "evaluation" / "pairs.csv", out=tmp_path / "report")
    assert outcome.findings == [] and outcome.report.responses.left_out_rows == 0
    assert [p.name for p in outcome.written] == ["index.html", "report.pdf"]
    cells = [c for tables in outcome.report.segments.values() for t in tables for c in t.rows if c.answers]
    assert any(c.shown for c in cells) and any(c.reason == "small" for c in cells)
    assert all(c.people >= 5 for c in cells if c.shown)
    assert [f.pair for f in outcome.report.follow_ups]  # the example has pairs to talk to
    forms = make_report(bundled_project, [example / "evaluation" / "forms-export.csv"],
                        map_file=example / "evaluation" / "forms-map.yml", out=tmp_path / "forms", pdf=False)
    assert forms.findings == [] and len(forms.report.responses.kept) == 14


def test_a_participants_file_with_errors_stops_the_report(bundled_project, responses_file, tmp_path, capsys):
    participants = tmp_path / "participants.csv"
    participants.write_text(PARTICIPANTS.replace("m2,Ben,mentor", "m2,Ben,leader"), encoding="utf-8")
    assert main(["-C", str(bundled_project), "report", str(responses_file), "--participants", str(participants),
                 "--out", str(tmp_path / "r"), "--no-pdf"]) == 1
    assert f"{participants.as_posix()}:3:8: error[unknown-role]" in capsys.readouterr().out
    assert not (tmp_path / "r").exists()


def test_a_quote_left_open_keeps_the_rows_before_it(program, tmp_path):
    path = write(tmp_path / "responses.csv", [HEADER] + rows_of(K, "2027-02-09", {"m1": KICKOFF["m1"]})
                 + ['m2,,mentor,kickoff-and-pair-agreement,2027-02-09,4,4,yes,yes,"Longer, please',
                    "m3,,mentor,kickoff-and-pair-agreement,2027-02-09,4,3,no,yes,"])
    responses = load_responses([(path, "responses.csv")], program.program.data)
    assert [(f.code, f.line) for f in responses.findings] == [("csv-syntax", 3)]
    assert [r.respondent for r in responses.kept] == ["m1"]
    assert (responses.rows, dict(responses.left_out)) == (3, {"csv-syntax": 2})


def test_pair_ids_are_rows_of_the_pairs_file_and_must_hold_the_respondent(program, tmp_path, people):
    from rmkit.participants import load_pairs

    pairs, _ = load_pairs(people[1])
    path = write(tmp_path / "responses.csv", [
        HEADER,
        "m1,,mentor,kickoff-and-pair-agreement,2027-02-09,4,4,yes,yes,",   # pair 1, found from m1
        "e2,2,mentee,kickoff-and-pair-agreement,2027-02-09,4,4,yes,yes,",  # pair 2, as written
        "e3,9,mentee,kickoff-and-pair-agreement,2027-02-09,4,4,yes,yes,",  # no ninth pair
        "m4,5,mentor,kickoff-and-pair-agreement,2027-02-09,4,4,yes,yes,",  # m4 is not in pair 5
    ])
    responses = load_responses([(path, "responses.csv")], program.program.data, pairs=pairs)
    assert [(r.respondent, r.pair) for r in responses.kept] == [("m1", "1"), ("e2", "2")]
    assert [(f.code, f.line, f.column, f.message) for f in responses.findings] == [
        ("unknown-pair", 4, 4, "pair '9' is not a row of the pairs file, which holds 6 pair(s)"),
        ("unknown-pair", 5, 4, "the respondent is not the mentor of pair 5")]


def test_a_file_without_a_needed_column_leaves_its_rows_out_with_one_finding(program, tmp_path):
    path = write(tmp_path / "responses.csv", ["respondent_id,role,session_date,usefulness",
                                              "m1,mentor,2027-02-09,4", "m2,mentor,2027-02-09,5"])
    responses = load_responses([(path, "responses.csv")], program.program.data)
    assert [(f.code, f.line, f.message) for f in responses.findings] == [
        ("missing-column", 1, "the file has no column 'module': its 2 row(s) are left out")]
    assert (responses.kept, responses.rows, dict(responses.left_out)) == ([], 2, {"missing-column": 2})


def test_free_text_reaches_the_page_as_text(bundled_project, tmp_path):
    lines = [HEADER] + [f"m{i},,mentor,kickoff-and-pair-agreement,2027-02-09,4,4,yes,yes,"
                        f"\"<script>alert({i})</script> & <b>more</b>\"" for i in range(1, 6)]
    make_report(bundled_project, [write(tmp_path / "responses.csv", lines)], out=tmp_path / "r", pdf=False)
    html = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    assert "<li dir=\"auto\">&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;more&lt;/b&gt;</li>" in html
    assert "<script" not in html and "<b>" not in html
