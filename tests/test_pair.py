"""`rmkit pair`: the rules are never broken, the pairing is optimal, every pair and every
unpaired person is explained, and bad pair files are located findings.

The hard rules and the score are re-implemented here, plainly, person by person, so that the
array code of rmkit/pair.py is checked against something it does not share.
"""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import json
import zoneinfo
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rmkit.cli import main
from rmkit.pair import DEFAULT_WEIGHTS, PairingRules, Population, propose, solve
from rmkit.participants import Participant, PairRow, load_participants

YEAR = 2026
ZONES = ["", "Europe/London", "Europe/Paris", "Asia/Dubai", "Asia/Kolkata", "Asia/Tokyo", "America/New_York"]
SLOTS = ["Mon-AM", "Tue-PM", "Thu-AM"]
LANGUAGES = ["en", "fr", "ja"]
TOPICS = ["collaboration-tools", "security-hygiene", "excel"]


# -- the rules and the score, written out plainly ----------------------------------------------

def chain_above(person: Participant, by_id: dict[str, Participant]) -> set[str]:
    above, current = set(), person.manager_id
    while current and current not in above:
        above.add(current)
        current = by_id[current].manager_id if current in by_id else ""
    return above


def offset_hours(zone: str, month: int) -> float:
    instant = datetime.datetime(YEAR, month, 15, 12, tzinfo=datetime.timezone.utc)
    return instant.astimezone(zoneinfo.ZoneInfo(zone)).utcoffset().total_seconds() / 3600


def allowed(mentor: Participant, mentee: Participant, by_id, previous, max_hours=4) -> bool:
    if not set(mentor.languages) & set(mentee.languages):
        return False
    if mentor.id in chain_above(mentee, by_id) or mentee.id in chain_above(mentor, by_id):
        return False
    if mentor.timezone and mentee.timezone:
        gap = max(abs(offset_hours(mentor.timezone, m) - offset_hours(mentee.timezone, m)) for m in (1, 7))
        if gap > max_hours:
            return False
    if mentor.availability and mentee.availability and not set(mentor.availability) & set(mentee.availability):
        return False
    return (mentor.id, mentee.id) not in set(previous)


def plain_score(mentor: Participant, mentee: Participant, weights=DEFAULT_WEIGHTS) -> float:
    wanted = set(mentee.topics)
    criteria = {
        "topics": len(wanted & set(mentor.topics)) / len(wanted) if wanted else 0.0,
        "function": float(bool(mentee.function) and mentee.function.casefold() == mentor.function.casefold()),
        "requests": ((mentor.id in mentee.requests) + (mentee.id in mentor.requests)) / 2,
        "site": float(bool(mentee.site) and mentee.site.casefold() == mentor.site.casefold()),
        "learner_profile": float(bool(mentee.learner_profile) and mentee.learner_profile == mentor.learner_profile),
    }
    return sum(weights[c] * v for c, v in criteria.items()) / sum(weights.values())


def best_by_brute_force(people: list[Participant], previous) -> tuple[int, float]:
    """The most pairs, then the highest total score, over every possible pairing."""
    by_id = {p.id: p for p in people}
    mentees = [p for p in people if p.role == "mentee"]
    mentors = [p for p in people if p.role == "mentor"]
    options = [[None] + [m for m in mentors if allowed(m, e, by_id, previous)] for e in mentees]
    best = (0, 0.0)
    for choice in itertools.product(*options):
        load: dict[str, int] = {}
        for mentor in choice:
            if mentor is not None:
                load[mentor.id] = load.get(mentor.id, 0) + 1
        if any(load[m.id] > m.capacity for m in mentors if m.id in load):
            continue
        pairs = [(m, e) for m, e in zip(choice, mentees) if m is not None]
        value = (len(pairs), sum(plain_score(m, e) for m, e in pairs))
        if value[0] > best[0] or (value[0] == best[0] and value[1] > best[1] + 1e-9):
            best = value
    return best


# -- random populations ------------------------------------------------------------------------

@st.composite
def populations(draw, max_mentees=5, max_mentors=4):
    n, m = draw(st.integers(0, max_mentees)), draw(st.integers(0, max_mentors))
    ids = [f"e{i}" for i in range(n)] + [f"m{j}" for j in range(m)]
    draw(st.randoms()).shuffle(ids)  # managers come from earlier ids: no cycle, any role
    people = []
    for index, person_id in enumerate(ids):
        role = "mentee" if person_id[0] == "e" else "mentor"
        others = [i for i in ids if i[0] != person_id[0]]
        people.append(Participant(
            id=person_id, name=person_id.upper(), role=role, country="GB",
            languages=tuple(draw(st.lists(st.sampled_from(LANGUAGES), min_size=1, max_size=2, unique=True))),
            function=draw(st.sampled_from(["Finance", "Sales"])),
            manager_id=draw(st.sampled_from([""] + ids[:index])) if index else "",
            site=draw(st.sampled_from(["", "London", "Paris"])),
            topics=tuple(draw(st.lists(st.sampled_from(TOPICS), max_size=3, unique=True))),
            learner_profile=draw(st.sampled_from(["", "experiential", "theoretical"])),
            availability=tuple(draw(st.lists(st.sampled_from(SLOTS), max_size=2, unique=True))),
            timezone=draw(st.sampled_from(ZONES)),
            capacity=draw(st.integers(0, 2)) if role == "mentor" else 1,
            requests=tuple(draw(st.lists(st.sampled_from(others), max_size=1))) if others else ()))
    mentors = [p.id for p in people if p.role == "mentor"]
    mentees = [p.id for p in people if p.role == "mentee"]
    previous = draw(st.lists(st.tuples(st.sampled_from(mentors), st.sampled_from(mentees)), max_size=3)) \
        if mentors and mentees else []
    return people, previous


def check_rules(proposal, people, previous) -> None:
    by_id = {p.id: p for p in people}
    load: dict[str, int] = {}
    paired_mentees = [pair.mentee.id for pair in proposal.pairs]
    assert len(paired_mentees) == len(set(paired_mentees)), "a mentee has two mentors"
    for pair in proposal.pairs:
        assert allowed(pair.mentor, pair.mentee, by_id, previous), (pair.mentor.id, pair.mentee.id)
        load[pair.mentor.id] = load.get(pair.mentor.id, 0) + 1
        assert pair.score == pytest.approx(plain_score(pair.mentor, pair.mentee))
    for mentor_id, count in load.items():
        assert count <= by_id[mentor_id].capacity
    unpaired = {u.person.id for u in proposal.unpaired_mentees}
    assert unpaired | set(paired_mentees) == {p.id for p in people if p.role == "mentee"}
    assert {u.person.id for u in proposal.unpaired_mentors} == {
        p.id for p in people if p.role == "mentor" and p.id not in load}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(populations())
def test_the_pairing_breaks_no_rule_and_is_optimal(population):
    people, previous = population
    proposal, findings = propose(people, PairingRules(), previous=previous, year=YEAR)
    assert findings == []
    check_rules(proposal, people, previous)
    count, total = best_by_brute_force(people, previous)
    assert len(proposal.pairs) == count
    assert sum(p.score for p in proposal.pairs) == pytest.approx(total, abs=1e-9)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(populations(max_mentees=8, max_mentors=6), st.randoms())
def test_row_order_does_not_change_the_pairs(tmp_path_factory, population, rng):
    people, previous = population
    rows = [participant_row(p) for p in people]
    results = []
    for attempt in range(2):
        rng.shuffle(rows)
        path = tmp_path_factory.mktemp("order") / "participants.csv"
        write_rows(path, rows)
        loaded, findings = load_participants(path)
        assert not any(f.is_error for f in findings), findings
        proposal, _ = propose(loaded, PairingRules(), previous=previous, year=YEAR)
        results.append([(p.mentor.id, p.mentee.id) for p in proposal.pairs])
    assert results[0] == results[1]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(populations(max_mentees=6, max_mentors=5), st.data())
def test_pins_and_kept_pairs_stay_and_the_rules_hold(population, data):
    people, previous = population
    by_id = {p.id: p for p in people}
    possible = [(m.id, e.id) for m in people if m.role == "mentor" and m.capacity
                for e in people if e.role == "mentee" and allowed(m, e, by_id, previous)]
    pins = data.draw(st.lists(st.sampled_from(possible), max_size=1)) if possible else []
    taken = {mentee for _, mentee in pins}
    free = [p for p in possible if p[1] not in taken and p[0] not in {m for m, _ in pins}]
    kept = data.draw(st.lists(st.sampled_from(free), max_size=1)) if free else []
    proposal, findings = propose(people, PairingRules(), previous=previous, pins=pins, keep=kept, year=YEAR)
    assert not any(f.is_error for f in findings), findings
    origins = {(p.mentor.id, p.mentee.id): p.origin for p in proposal.pairs}
    for pin in pins:
        assert origins[pin] == "pinned"
    for pair in kept:
        assert origins[pair] == "kept"
    check_rules(proposal, people, previous)
    for pair in proposal.pairs:
        assert (pair.mentor.id, pair.mentee.id) not in set(previous)


def test_the_order_is_lexicographic_one_more_pair_beats_any_score():
    """e1 fits m1 perfectly, but taking m1 would leave e2 alone: two weak pairs win."""
    m1 = Participant("m1", "M1", "mentor", "GB", ("en", "fr"), "Finance", topics=("a", "b"), site="London")
    m2 = Participant("m2", "M2", "mentor", "GB", ("en",), "Sales")
    e1 = Participant("e1", "E1", "mentee", "GB", ("en",), "Finance", topics=("a", "b"), site="London")
    e2 = Participant("e2", "E2", "mentee", "FR", ("fr",), "Sales")
    proposal, _ = propose([m1, m2, e1, e2], PairingRules(), year=YEAR)
    assert [(p.mentor.id, p.mentee.id) for p in proposal.pairs] == [("m1", "e2"), ("m2", "e1")]


def test_solve_prefers_the_count_then_the_score():
    import numpy as np

    feasible = np.array([[True, True], [True, False]])
    score = np.array([[1.0, 0.0], [0.0, 0.0]])
    assert solve(feasible, score, np.array([1, 1])) == [(0, 1), (1, 0)]
    assert solve(feasible, score, np.array([2, 0])) == [(0, 0), (1, 0)]
    assert solve(feasible[:, :0], score[:, :0], np.array([], dtype=int)) == []


# -- reasons ----------------------------------------------------------------------------------

def person(person_id, role, languages=("en",), **fields):
    return Participant(person_id, person_id.upper(), role, fields.pop("country", "GB"), tuple(languages),
                       fields.pop("function", "Finance"), **fields)


@pytest.mark.parametrize("mentee, mentors, previous, reason", [
    (person("e1", "mentee", ["ja"]), [person("m1", "mentor")], [], "language"),
    (person("e1", "mentee"), [person("m1", "mentor", manager_id="e1")], [], "management"),
    (person("e1", "mentee", manager_id="m1"), [person("m1", "mentor")], [], "management"),
    (person("e1", "mentee", timezone="Asia/Tokyo"), [person("m1", "mentor", timezone="Europe/London")], [],
     "timezone"),
    (person("e1", "mentee", availability=("Mon-AM",)), [person("m1", "mentor", availability=("Tue-PM",))], [],
     "availability"),
    (person("e1", "mentee"), [person("m1", "mentor")], [("m1", "e1")], "previous"),
    (person("e1", "mentee"), [person("m1", "mentor", capacity=0)], [], "no-mentors"),
])
def test_why_a_mentee_is_unpaired(mentee, mentors, previous, reason):
    proposal, _ = propose([mentee, *mentors], PairingRules(), previous=previous, year=YEAR)
    assert [(u.person.id, u.reason) for u in proposal.unpaired_mentees] == [("e1", reason)]


def test_why_mentors_and_the_last_mentee_are_unpaired():
    people = [person("e1", "mentee"), person("e2", "mentee"), person("m1", "mentor"),
              person("m2", "mentor", ["ja"]), person("m3", "mentor", capacity=0), person("m4", "mentor")]
    proposal, _ = propose(people, PairingRules(), year=YEAR)
    assert {(u.person.id, u.reason, u.candidates) for u in proposal.unpaired_mentors} == {
        ("m2", "language", 0), ("m3", "capacity-zero", 0)}
    proposal, _ = propose(people + [person("e3", "mentee")], PairingRules(), year=YEAR)
    assert [(u.person.id, u.reason, u.candidates) for u in proposal.unpaired_mentees] == [("e3", "capacity", 2)]
    proposal, _ = propose(people[:1] + people[2:], PairingRules(), year=YEAR)
    assert ("m4", "paired", 1) in {(u.person.id, u.reason, u.candidates) for u in proposal.unpaired_mentors}


def test_a_pair_carries_its_reasons():
    mentor = person("m1", "mentor", ["ja", "en"], topics=("a", "b", "c"), site="Tokyo", requests=("e1",),
                    learner_profile="experiential")
    mentee = person("e1", "mentee", ["en", "ja"], topics=("a", "b", "d", "e"), site="Tokyo", requests=("m1",),
                    learner_profile="experiential")
    pair = Population([mentor, mentee], PairingRules(), year=YEAR).pair(0, 0)
    assert [(r.kind, r.values) for r in pair.reasons] == [
        ("languages", ("en", "ja")), ("topics", (2, 4)), ("function", ("Finance",)), ("request", ("mutual",)),
        ("site", ("Tokyo",)), ("learner_profile", ("experiential",))]
    assert pair.criteria == {"topics": 0.5, "function": 1.0, "requests": 1.0, "site": 1.0, "learner_profile": 1.0}
    assert pair.score == pytest.approx(1 - 0.35 / 2)


def test_weights_come_from_the_program():
    rules = PairingRules.from_program({"pairing": {"max_timezone_hours": 2, "weights": {"site": 0}}})
    assert rules.max_timezone_hours == 2 and rules.weights == dict(DEFAULT_WEIGHTS, site=0)
    assert PairingRules.from_program(None) == PairingRules()


# -- pin and keep files -------------------------------------------------------------------------

PEOPLE = [person("e1", "mentee"), person("e2", "mentee", ["fr"]), person("m1", "mentor"),
          person("m2", "mentor", ["fr", "en"], capacity=1)]


def test_a_pinned_pair_that_breaks_a_hard_rule_is_an_error():
    pins = [PairRow("m1", "e2", "pins.csv", 2)]
    proposal, findings = propose(PEOPLE, PairingRules(), pins=pins, year=YEAR)
    assert proposal is None
    assert [(f.code, f.file, f.line, f.message) for f in findings] == [
        ("pin-breaks-rule", "pins.csv", 2, "the pinned pair m1–e2 breaks the rule: no shared language")]
    pins = [PairRow("m1", "e2", "pins.csv", 2)]
    proposal, findings = propose(PEOPLE, PairingRules(), pins=pins, previous=[("m1", "e2")], year=YEAR)
    assert findings[0].message == ("the pinned pair m1–e2 breaks the rules: no shared language, "
                                   "they were paired before (--previous)")


def test_a_running_pair_above_capacity_is_kept_a_pinned_one_is_not():
    people = PEOPLE[:2] + [person("m1", "mentor", capacity=0)]
    proposal, findings = propose(people, PairingRules(), keep=[PairRow("m1", "e1", "running.csv", 2)], year=YEAR)
    assert [(f.code, f.message) for f in findings] == [
        ("kept-breaks-rule", "the running pair m1–e1 breaks the rule: the mentor's capacity (0) is exceeded; "
                             "it is kept")]
    assert [(p.mentor.id, p.mentee.id, p.origin) for p in proposal.pairs] == [("m1", "e1", "kept")]
    proposal, findings = propose(people, PairingRules(), pins=[PairRow("m1", "e1", "pins.csv", 2)], year=YEAR)
    assert proposal is None and [f.code for f in findings] == ["pair-conflict"]


def test_a_kept_pair_that_breaks_a_rule_is_kept_with_a_warning():
    keep = [PairRow("m1", "e2", "running.csv", 3)]
    proposal, findings = propose(PEOPLE, PairingRules(), keep=keep, previous=[("m1", "e2")], year=YEAR)
    assert [(f.code, f.severity.value, f.line) for f in findings] == [("kept-breaks-rule", "warning", 3)]
    assert [(p.mentor.id, p.mentee.id, p.origin) for p in proposal.pairs] == [("m1", "e2", "kept"),
                                                                              ("m2", "e1", "proposed")]
    assert [r.kind for r in proposal.pairs[0].reasons][:3] == ["kept", "breaks", "breaks"]


@pytest.mark.parametrize("pins, code, message", [
    ([("m9", "e1")], "unknown-person", "mentor_id 'm9' names nobody in the participants file"),
    ([("e1", "m1")], "unknown-person", "mentor_id 'e1' is a mentee; mentee_id 'm1' is a mentor"),
    ([("m1", "e1"), ("m2", "e1")], "pair-conflict", "mentee 'e1' is already paired with 'm1' (pins.csv:2)"),
    ([("m2", "e1"), ("m2", "e2")], "pair-conflict", "mentor 'm2' would have more than 1 mentee(s), their capacity"),
])
def test_pin_file_findings(pins, code, message):
    rows = [PairRow(*pair, "pins.csv", line) for line, pair in enumerate(pins, start=2)]
    proposal, findings = propose(PEOPLE, PairingRules(), pins=rows, year=YEAR)
    assert proposal is None and [(f.code, f.message) for f in findings] == [(code, message)]


# -- the command ------------------------------------------------------------------------------

HEADER = "id,name,role,country,languages,function,topics,manager_id,site,capacity,requests,timezone,availability"
CSV = f"""{HEADER}
m1,Aiko Tanaka,mentor,JP,ja;en,Finance,collaboration-tools;security-hygiene,,Tokyo,2,e1,Asia/Tokyo,
m2,Bruno Petit,mentor,FR,fr;en,Sales,collaboration-tools,,Paris,1,,Europe/Paris,Mon-AM
m3,Chen Wei,mentor,SG,en;zh,Legal,security-hygiene,,Singapore,0,,Asia/Singapore,
e1,Daichi Mori,mentee,JP,ja,Finance,collaboration-tools;security-hygiene;excel,,Tokyo,,m1,Asia/Tokyo,
e2,Emma Laurent,mentee,FR,fr,Sales,collaboration-tools,m2,Paris,,,Europe/Paris,
e3,Farah Aziz,mentee,AE,ar,Sales,professional-networks,,Dubai,,,Asia/Dubai,
e4,Gilles Roy,mentee,FR,fr;en,Legal,security-hygiene,,Paris,,,Europe/Paris,Mon-AM;Tue-AM
"""


def write_rows(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, ["id", "name", "role", "country", "languages", "function", "manager_id", "site",
                                    "topics", "learner_profile", "availability", "timezone", "capacity",
                                    "requests"])
        writer.writeheader()
        writer.writerows(rows)


def participant_row(p: Participant) -> dict:
    return {"id": p.id, "name": p.name, "role": p.role, "country": p.country, "languages": ";".join(p.languages),
            "function": p.function, "manager_id": p.manager_id, "site": p.site, "topics": ";".join(p.topics),
            "learner_profile": p.learner_profile, "availability": ";".join(p.availability),
            "timezone": p.timezone, "capacity": str(p.capacity) if p.role == "mentor" else "",
            "requests": ";".join(p.requests)}


@pytest.fixture
def project(tmp_path) -> Path:
    (tmp_path / "curriculum").mkdir()
    (tmp_path / "curriculum/program.yml").write_text(
        "id: p\ntitle: Digital reverse mentoring\nmodules: [collaboration-tools, security-hygiene, "
        "professional-networks]\nlearner_profiles:\n  - {id: experiential, title: Learns by doing, "
        "description: x}\n", encoding="utf-8")
    (tmp_path / "participants.csv").write_text(CSV, encoding="utf-8")
    return tmp_path


def rmkit(capsys, *args) -> tuple[int, str, str]:
    code = main([*args])
    out, err = capsys.readouterr()
    return code, out, err


def test_text_report(project, capsys):
    code, out, err = rmkit(capsys, "-C", str(project), "pair", "participants.csv")
    assert code == 0 and err == ""
    assert out == """\
Pairing proposal: Digital reverse mentoring

This is a proposal, not a decision: a person confirms each pair with the mentor and the mentee.

Pairs (2)
- Aiko Tanaka (m1) + Daichi Mori (e1) — score 0.83
  both speak Japanese; teaches 2 of the 3 topics the mentee wants; both in Finance; they asked for each other; \
both at Tokyo
- Bruno Petit (m2) + Gilles Roy (e4) — score 0.10
  both speak French and English; does not teach the topic the mentee wants; both at Paris

Unpaired mentees (2)
- Emma Laurent (e2): every mentor who shares a language is in their management chain
- Farah Aziz (e3): no mentor shares a language

Mentors without a mentee (1)
- Chen Wei (m3): capacity 0: takes no mentee in this round

Summary: 2 pairs; 2 mentees unpaired; 1 mentor without a mentee; mean score 0.47
Hard rules: a shared language; neither in the other's management chain; at most 4 hours apart; a shared \
availability slot when both give slots; never a previous pair; mentors within capacity.
"""


def test_json_csv_and_passing_the_csv_back(project, capsys):
    code, out, _ = rmkit(capsys, "-C", str(project), "pair", "participants.csv", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["note"].startswith("A proposal, not a decision")
    assert data["totals"] == {"mentees": 4, "mentors": 3, "pairs": 2, "proposed": 2, "pinned": 0, "kept": 0,
                              "unpaired_mentees": 2, "unpaired_mentors": 1, "total_score": 0.9333,
                              "mean_score": 0.4667}
    assert data["pairs"][0]["criteria"] == {"topics": 0.6667, "function": 1.0, "requests": 1.0, "site": 1.0,
                                            "learner_profile": 0.0}
    assert [(u["id"], u["reason"]) for u in data["unpaired"]] == [("e2", "management"), ("e3", "language"),
                                                                  ("m3", "capacity-zero")]
    code, out, _ = rmkit(capsys, "-C", str(project), "pair", "participants.csv", "--format", "csv",
                         "--out", "round1.csv")
    assert code == 0 and out == ""
    round1 = (project / "round1.csv").read_text(encoding="utf-8")
    assert round1.splitlines()[:2] == [
        "mentor_id,mentee_id,score,reasons",
        "m1,e1,0.8333,both speak Japanese; teaches 2 of the 3 topics the mentee wants; both in Finance; "
        "they asked for each other; both at Tokyo"]
    code, out, _ = rmkit(capsys, "-C", str(project), "pair", "participants.csv", "--format", "json",
                         "--previous", "round1.csv")
    data = json.loads(out)
    # Neither mentee has another possible mentor: unpaired rather than paired again.
    assert code == 0 and data["pairs"] == []
    assert [(u["id"], u["reason"], u["explanation"]) for u in data["unpaired"][:3]] == [
        ("e1", "previous", "only previous mentors were possible"),
        ("e2", "management", "every mentor who shares a language is in their management chain"),
        ("e3", "language", "no mentor shares a language")]
    assert data["unpaired"][3]["id"] == "e4" and data["unpaired"][3]["reason"] == "previous"


def test_pin_and_keep_files(project, capsys):
    (project / "pins.csv").write_text("mentor_id,mentee_id\nm1,e1\n", encoding="utf-8")
    code, out, _ = rmkit(capsys, "-C", str(project), "pair", "participants.csv", "--pin", "pins.csv",
                         "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert [(p["mentor_id"], p["mentee_id"], p["origin"]) for p in data["pairs"]] == [
        ("m1", "e1", "pinned"), ("m2", "e4", "proposed")]
    assert data["pairs"][0]["reasons"].startswith("pinned (--pin); both speak Japanese")
    (project / "pins.csv").write_text("mentor_id,mentee_id\nm1,e3\n", encoding="utf-8")
    code, out, _ = rmkit(capsys, "-C", str(project), "pair", "participants.csv", "--pin", "pins.csv")
    assert code == 1
    assert out.splitlines()[0] == ("pins.csv:2:1: error[pin-breaks-rule]: the pinned pair m1–e3 breaks the rules: "
                                   "no shared language, time zones too far apart")
    (project / "running.csv").write_text("mentor_id,mentee_id,score\nm2,e2,0.5\n", encoding="utf-8")
    code, out, err = rmkit(capsys, "-C", str(project), "pair", "participants.csv", "--keep", "running.csv",
                           "--format", "csv")
    assert code == 0 and "warning[kept-breaks-rule]" in err
    assert list(csv.reader(io.StringIO(out)))[1:] == [
        ["m1", "e1", "0.8333", "both speak Japanese; teaches 2 of the 3 topics the mentee wants; both in Finance; "
         "they asked for each other; both at Tokyo"],
        ["m2", "e2", "0.7000", "running pair, kept (--keep); breaks a hard rule: one is in the other's management "
         "chain; both speak French; teaches the topic the mentee wants; both in Sales; both at Paris"]]


def test_html_report_in_arabic_is_right_to_left_and_escaped(project, capsys):
    (project / "participants.csv").write_text(CSV.replace("Daichi Mori", "Daichi <b>Mori</b>"), encoding="utf-8")
    code, out, _ = rmkit(capsys, "-C", str(project), "pair", "participants.csv", "--format", "html",
                         "--language", "ar")
    assert code == 0
    assert '<html lang="ar" dir="rtl">' in out
    assert "Daichi &lt;b&gt;Mori&lt;/b&gt;" in out and "<b>" not in out
    assert "هذا مقترح وليس قرارًا" in out and "كلاهما يتحدث اليابانية" in out


def test_reports_in_french_and_japanese(project, capsys):
    _, out, _ = rmkit(capsys, "-C", str(project), "pair", "participants.csv", "--language", "fr")
    assert "Proposition de binômes : Digital reverse mentoring" in out
    assert "parlent tous deux japonais ; " in out and "score 0,83" in out
    _, out, _ = rmkit(capsys, "-C", str(project), "pair", "participants.csv", "--language", "ja")
    assert "ペアリング案：Digital reverse mentoring" in out
    assert "メンティーが希望する3件のテーマのうち2件を教えられる" in out
    assert "言語が共通するメンターがいない" in out


def test_bad_input_is_a_located_finding_in_every_reporter(project, capsys):
    (project / "participants.csv").write_text(CSV + "e5,Hana,boss,JP,ja,Finance,,,,,,,\n", encoding="utf-8")
    code, out, _ = rmkit(capsys, "-C", str(project), "pair", "participants.csv")
    assert code == 1
    assert out.splitlines()[0] == ("participants.csv:9:9: error[unknown-role]: role 'boss' is neither 'mentor' "
                                   "nor 'mentee'")
    code, out, _ = rmkit(capsys, "-C", str(project), "pair", "participants.csv", "--format", "json")
    assert code == 1 and json.loads(out)[0]["code"] == "unknown-role"
    code, out, _ = rmkit(capsys, "-C", str(project), "pair", "missing.csv")
    assert code == 1 and out.startswith("missing.csv: error[file-missing]")


def test_pairing_rules_of_the_program_are_checked_and_used(project, capsys):
    program = project / "curriculum/program.yml"
    program.write_text(program.read_text() + "pairing:\n  max_timezone_hours: -1\n", encoding="utf-8")
    code, out, _ = rmkit(capsys, "-C", str(project), "pair", "participants.csv")
    assert code == 1 and out.startswith("curriculum/program.yml:7:23: error[out-of-range]")
    program.write_text(program.read_text().replace("-1", "12\n  weights: {site: 1, topics: 0, function: 0, "
                                                         "requests: 0, learner_profile: 0}"), encoding="utf-8")
    code, out, _ = rmkit(capsys, "-C", str(project), "pair", "participants.csv", "--format", "json")
    data = json.loads(out)
    assert data["rules"]["max_timezone_hours"] == 12
    assert all(p["score"] == p["criteria"]["site"] for p in data["pairs"])


def test_an_unknown_language_is_a_usage_error(project, capsys):
    code, _, err = rmkit(capsys, "-C", str(project), "pair", "participants.csv", "--language", "xx-yy-zz")
    assert code == 2 and "not a language code" in err


def test_every_pairing_string_is_in_the_ui_catalogs_and_translated():
    import shutil
    import subprocess

    from babel.messages.pofile import read_po

    from rmkit.ui_catalogs import PACKAGED_LOCALES, PACKAGED_TEMPLATES, extract_ui

    wanted = {(m.context, m.id) for m in extract_ui(PACKAGED_TEMPLATES)
              if m.id and any("pairing" in path for path, _ in m.locations)}
    assert len(wanted) > 40
    with (PACKAGED_LOCALES / "ui.pot").open("rb") as f:
        assert wanted <= {(m.context, m.id) for m in read_po(f) if m.id}
    for language in ("fr", "ja", "ar"):
        path = PACKAGED_LOCALES / language / "LC_MESSAGES" / "ui.po"
        with path.open("rb") as f:
            messages = {(m.context, m.id): m for m in read_po(f) if m.id}
        for key in wanted:
            strings = messages[key].string
            strings = [strings] if isinstance(strings, str) else [s for s in strings if s is not None]
            assert strings and all(strings) and not messages[key].fuzzy, (language, key)
        checked = subprocess.run([shutil.which("msgfmt") or "msgfmt", "--check", "-o", "/dev/null", str(path)],
                                 capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
