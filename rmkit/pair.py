"""Pairing mentors and mentees: the program's rules, the scores, the best pairing, its reasons.

`propose(participants, rules, previous=..., pins=..., keep=...)` → (proposal, findings).

- Hard rules decide which pairs are allowed: a shared language; neither in the other's
  management chain (up to the top); UTC offsets at most `max_timezone_hours` apart when both
  give a zone (the larger gap of January and July, so summer time cannot break it); a shared
  availability slot when both give slots; never a pair of `previous`; mentors within capacity.
- Weighted criteria, each 0 to 1, make a pair's score (their weighted mean): topic fit,
  same function, requests, same site, same learner profile.
- Solving: the number of mentees paired first, then the total score. Every mentor becomes
  `capacity` slots; one assignment problem (`scipy.optimize.linear_sum_assignment`) over
  mentees × slots with the cost of an allowed pair `-(BIG + score)` and of a forbidden one 0,
  i.e. "no pair" (scipy rejects infinite costs). BIG is larger than any total score (scores
  are at most 1, so `min(mentees, slots) + 1`): one more pair always outweighs any gain in
  score, which makes the order exact. People are sorted by id first, so the same file in any
  row order gives the same pairs.

Everything is computed on arrays (mentees × mentors), so 2,000 mentees × 1,500 mentors take
about a second of CPU (benchmarks/pairing.py). The words of the reasons are the templates' (`_pairing.j2`), through the ui catalog.
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from scipy.optimize import linear_sum_assignment

from .findings import Finding, finding
from .participants import DAYS, DAY_PARTS, Participant, PairRow

CRITERIA = ("topics", "function", "requests", "site", "learner_profile")
#: Default weights. Topic fit and the shared professional language lead; requests (the
#: participants' own input) count a lot; learning-style matching has no good evidence, so
#: the learner profile only breaks near-ties. See docs/content-model.md, `pairing`.
DEFAULT_WEIGHTS = {"topics": 0.35, "function": 0.25, "requests": 0.25, "site": 0.1, "learner_profile": 0.05}
DEFAULT_MAX_TIMEZONE_HOURS = 4
#: The hard rules, in the order an unpaired person's reason is looked for.
HARD_RULES = ("language", "management", "timezone", "availability", "previous")


@dataclass(frozen=True)
class PairingRules:
    max_timezone_hours: float = DEFAULT_MAX_TIMEZONE_HOURS
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))

    @classmethod
    def from_program(cls, program: dict | None) -> "PairingRules":
        """The `pairing:` mapping of program.yml (already checked by the schema), over the defaults."""
        pairing = (program or {}).get("pairing") or {}
        weights = dict(DEFAULT_WEIGHTS)
        weights.update(pairing.get("weights") or {})
        return cls(float(pairing.get("max_timezone_hours", DEFAULT_MAX_TIMEZONE_HOURS)), weights)

    def to_dict(self) -> dict:
        return {"max_timezone_hours": self.max_timezone_hours, "weights": dict(self.weights)}


@dataclass(frozen=True)
class Reason:
    """Why a pair fits (or what it carries), as data; `_pairing.j2` says it in words."""

    kind: str  # languages, topics, function, request, site, learner_profile, pinned, kept, breaks
    values: tuple = ()


@dataclass
class Pair:
    mentor: Participant
    mentee: Participant
    score: float
    criteria: dict[str, float]
    reasons: list[Reason]
    origin: str = "proposed"  # proposed, pinned (--pin) or kept (--keep)

    def to_dict(self) -> dict:
        return {"mentor_id": self.mentor.id, "mentee_id": self.mentee.id, "mentor": self.mentor.name,
                "mentee": self.mentee.name, "origin": self.origin, "score": round(self.score, 4),
                "criteria": {k: round(v, 4) for k, v in self.criteria.items()}}


@dataclass
class Unpaired:
    person: Participant
    reason: str  # capacity-zero, language, management, timezone, availability, previous, capacity, paired
    candidates: int = 0  # allowed people who were all taken (reason capacity / paired)

    def to_dict(self) -> dict:
        return {"id": self.person.id, "name": self.person.name, "role": self.person.role, "reason": self.reason}


@dataclass
class Proposal:
    """A proposal, not a decision: a person confirms each pair."""

    pairs: list[Pair]
    unpaired_mentees: list[Unpaired]
    unpaired_mentors: list[Unpaired]
    rules: PairingRules
    mentees: int
    mentors: int

    @property
    def mean_score(self) -> float:
        return sum(p.score for p in self.pairs) / len(self.pairs) if self.pairs else 0.0

    def totals(self) -> dict:
        origins = {o: sum(p.origin == o for p in self.pairs) for o in ("proposed", "pinned", "kept")}
        return {"mentees": self.mentees, "mentors": self.mentors, "pairs": len(self.pairs), **origins,
                "unpaired_mentees": len(self.unpaired_mentees), "unpaired_mentors": len(self.unpaired_mentors),
                "total_score": round(sum(p.score for p in self.pairs), 4), "mean_score": round(self.mean_score, 4)}


# -- the arrays: every rule and criterion for every mentee × mentor -----------------------------

@lru_cache(maxsize=1024)
def utc_offsets(zone: str, year: int) -> tuple[float, float]:
    """UTC offset in hours in mid-January and mid-July of `year`."""
    tz = zoneinfo.ZoneInfo(zone)
    return tuple(datetime.datetime(year, month, 15, 12, tzinfo=datetime.timezone.utc).astimezone(tz)
                 .utcoffset().total_seconds() / 3600 for month in (1, 7))


_SLOT_BITS = {f"{day}-{part}": 1 << i for i, (day, part) in
              enumerate((d, p) for d in DAYS for p in DAY_PARTS)}


def _codes(values: list[str]) -> np.ndarray:
    """Equal texts get equal codes (case-insensitive); empty ones get -1, equal to nothing."""
    table: dict[str, int] = {}
    return np.array([table.setdefault(v.casefold(), len(table)) if v else -1 for v in values], dtype=np.int64)


def _bitsets(rows: list[tuple], index: dict[str, int]) -> np.ndarray:
    """Each row's items as a set of bits: one uint64 word per 64 distinct items."""
    words = np.zeros((len(rows), max(1, -(-len(index) // 64))), dtype=np.uint64)
    for r, items in enumerate(rows):
        for item in items:
            k = index[item]
            words[r, k // 64] |= np.uint64(1 << (k % 64))
    return words


def _shared_counts(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """How many items each row of `a` shares with each row of `b` (popcount of the AND).

    Element-wise, without BLAS: a matrix product would start threads on a shared machine.
    """
    counts = np.zeros((a.shape[0], b.shape[0]), dtype=np.uint16)
    for word in range(a.shape[1]):
        counts += np.bitwise_count(a[:, word, None] & b[None, :, word])
    return counts


class Population:
    """Mentees and mentors sorted by id, and every mentee × mentor array the pairing needs."""

    def __init__(self, participants: list[Participant], rules: PairingRules, previous=(), year: int | None = None):
        people = sorted(participants, key=lambda p: p.id)
        self.mentees = [p for p in people if p.role == "mentee"]
        self.mentors = [p for p in people if p.role == "mentor"]
        self.mentee_index = {p.id: i for i, p in enumerate(self.mentees)}
        self.mentor_index = {p.id: j for j, p in enumerate(self.mentors)}
        self.rules = rules
        year = year or datetime.date.today().year
        n, m = len(self.mentees), len(self.mentors)
        self.capacity = np.array([p.capacity for p in self.mentors], dtype=np.int64)

        # Hard rules, each a boolean n × m array: True where the rule allows the pair.
        languages = {code: k for k, code in enumerate(sorted({c for p in people for c in p.languages}))}
        shared = _shared_counts(_bitsets([p.languages for p in self.mentees], languages),
                                _bitsets([p.languages for p in self.mentors], languages))
        self.allowed = {"language": shared > 0}
        self.allowed["management"] = ~self._management_chains(people)
        # Time zones and slots take few distinct values: decide the rule once per pair of values,
        # then look each person's value up (a gather, no n × m arithmetic).
        zones = sorted({p.timezone for p in people})
        zone_code = {zone: k for k, zone in enumerate(zones)}
        offsets = np.array([utc_offsets(z, year) if z else (np.nan, np.nan) for z in zones],
                           dtype=np.float64).reshape(len(zones), 2)
        gap = np.abs(offsets[:, None, :] - offsets[None, :, :]).max(axis=2)
        zones_ok = ~(gap > rules.max_timezone_hours + 1e-9)  # NaN (a zone missing) allows
        self.allowed["timezone"] = zones_ok[np.ix_([zone_code[p.timezone] for p in self.mentees],
                                                   [zone_code[p.timezone] for p in self.mentors])]
        masks = [np.array([sum(_SLOT_BITS[s] for s in p.availability) for p in group], dtype=np.int64)
                 for group in (self.mentees, self.mentors)]
        values = np.unique(np.concatenate(masks))
        values_ok = ((values[:, None] & values[None, :]) != 0) | (values[:, None] == 0) | (values[None, :] == 0)
        self.allowed["availability"] = values_ok[np.ix_(np.searchsorted(values, masks[0]),
                                                        np.searchsorted(values, masks[1]))]
        repeated = np.zeros((n, m), dtype=bool)
        for mentor_id, mentee_id in previous:
            if mentee_id in self.mentee_index and mentor_id in self.mentor_index:
                repeated[self.mentee_index[mentee_id], self.mentor_index[mentor_id]] = True
        self.allowed["previous"] = ~repeated
        self.feasible = np.logical_and.reduce([self.allowed[rule] for rule in HARD_RULES]) if n and m else \
            np.zeros((n, m), dtype=bool)

        # Criteria, each a float n × m array from 0 to 1.
        topics = {t: k for k, t in enumerate(sorted({t for p in people for t in p.topics}))}
        self.topics_wanted = np.array([len(set(p.topics)) for p in self.mentees], dtype=np.float64)
        self.topics_taught = _shared_counts(_bitsets([p.topics for p in self.mentees], topics),
                                            _bitsets([p.topics for p in self.mentors], topics))
        with np.errstate(invalid="ignore", divide="ignore"):
            topic_fit = np.where(self.topics_wanted[:, None] > 0,
                                 self.topics_taught / np.maximum(self.topics_wanted[:, None], 1), 0.0)
        self.criteria = {"topics": topic_fit}
        for criterion, attribute in (("function", "function"), ("site", "site"), ("learner_profile", "learner_profile")):
            codes = _codes([getattr(p, attribute) for p in self.mentees + self.mentors])
            a, b = codes[:n], codes[n:]
            self.criteria[criterion] = ((a[:, None] == b[None, :]) & (a[:, None] >= 0)).astype(np.float32)
        self.asks = np.zeros((n, m), dtype=np.float32)  # mentee asked for the mentor
        self.asked = np.zeros((n, m), dtype=np.float32)  # mentor asked for the mentee
        for i, mentee in enumerate(self.mentees):
            for requested in mentee.requests:
                if requested in self.mentor_index:
                    self.asks[i, self.mentor_index[requested]] = 1
        for j, mentor in enumerate(self.mentors):
            for requested in mentor.requests:
                if requested in self.mentee_index:
                    self.asked[self.mentee_index[requested], j] = 1
        self.criteria["requests"] = (self.asks + self.asked) / 2
        total = sum(rules.weights.get(c, 0) for c in CRITERIA)
        self.score = np.zeros((n, m), dtype=np.float64)
        if total > 0:
            for criterion in CRITERIA:
                if rules.weights.get(criterion, 0):
                    # A float64 weight: times a float32 array, a Python float would stay float32.
                    self.score += np.float64(rules.weights[criterion] / total) * self.criteria[criterion]
        np.clip(self.score, 0.0, 1.0, out=self.score)

    def _management_chains(self, people: list[Participant]) -> np.ndarray:
        """True where the mentor is above the mentee in the management chain, or the reverse."""
        manager = {p.id: p.manager_id for p in people if p.manager_id}
        chained = np.zeros((len(self.mentees), len(self.mentors)), dtype=bool)

        def above(person_id: str):
            seen = {person_id}
            current = manager.get(person_id)
            while current and current not in seen:  # the loader refuses cycles; stay safe anyway
                yield current
                seen.add(current)
                current = manager.get(current)

        for i, mentee in enumerate(self.mentees):
            for boss in above(mentee.id):
                if boss in self.mentor_index:
                    chained[i, self.mentor_index[boss]] = True
        for j, mentor in enumerate(self.mentors):
            for boss in above(mentor.id):
                if boss in self.mentee_index:
                    chained[self.mentee_index[boss], j] = True
        return chained

    def broken_rules(self, i: int, j: int) -> list[str]:
        return [rule for rule in HARD_RULES if not self.allowed[rule][i, j]]

    def pair(self, i: int, j: int, origin: str = "proposed") -> Pair:
        mentee, mentor = self.mentees[i], self.mentors[j]
        criteria = {c: float(self.criteria[c][i, j]) for c in CRITERIA}
        reasons = []
        if origin != "proposed":
            reasons.append(Reason(origin))
        reasons += [Reason("breaks", (rule,)) for rule in self.broken_rules(i, j)]
        languages = tuple(code for code in mentee.languages if code in mentor.languages)
        if languages:
            reasons.append(Reason("languages", languages))
        if self.topics_wanted[i]:
            reasons.append(Reason("topics", (int(self.topics_taught[i, j]), int(self.topics_wanted[i]))))
        if criteria["function"]:
            reasons.append(Reason("function", (mentee.function,)))
        if self.asks[i, j] or self.asked[i, j]:
            reasons.append(Reason("request", ("mutual" if self.asks[i, j] and self.asked[i, j]
                                              else "mentee" if self.asks[i, j] else "mentor",)))
        if criteria["site"]:
            reasons.append(Reason("site", (mentee.site,)))
        if criteria["learner_profile"]:
            reasons.append(Reason("learner_profile", (mentee.learner_profile,)))
        return Pair(mentor, mentee, float(self.score[i, j]), criteria, reasons, origin)


# -- solving ----------------------------------------------------------------------------------

def solve(feasible: np.ndarray, score: np.ndarray, capacity: np.ndarray) -> list[tuple[int, int]]:
    """The (mentee, mentor) pairs: the most mentees paired, then the highest total score.

    Mentors with capacity c become c identical slots (columns).
    """
    rows = np.flatnonzero(feasible.any(axis=1))
    useful = np.flatnonzero(feasible.any(axis=0) & (capacity > 0))
    if not len(rows) or not len(useful):
        return []
    slot_mentor = np.repeat(useful, np.minimum(capacity[useful], len(rows)))
    allowed = feasible[np.ix_(rows, slot_mentor)]
    big = min(len(rows), len(slot_mentor)) + 1.0
    cost = score[np.ix_(rows, slot_mentor)]  # a copy, changed in place: -(big + score), or 0
    cost += big
    np.negative(cost, out=cost)
    cost[~allowed] = 0.0
    assigned_rows, assigned_slots = linear_sum_assignment(cost)
    return sorted((int(rows[r]), int(slot_mentor[s])) for r, s in zip(assigned_rows, assigned_slots)
                  if allowed[r, s])


def propose(participants: list[Participant], rules: PairingRules, *, previous=(), pins=(), keep=(),
            year: int | None = None) -> tuple[Proposal | None, list[Finding]]:
    """The best pairing under the rules, with pinned and kept pairs; None if a pair file is wrong."""
    population = Population(participants, rules, previous, year)
    findings: list[Finding] = []
    fixed = _fixed_pairs(population, keep, "kept", findings) + _fixed_pairs(population, pins, "pinned", findings)
    taken_mentees: dict[int, PairRow] = {}
    load = np.zeros(len(population.mentors), dtype=np.int64)
    pairs: list[Pair] = []
    for i, j, origin, row in fixed:
        if i in taken_mentees:
            other = taken_mentees[i]
            findings.append(finding("pair-conflict", row.file, f"mentee '{row.mentee_id}' is already paired with "
                                    f"'{other.mentor_id}' ({other.file}:{other.line})", line=row.line, column=1))
            continue
        full = load[j] >= population.capacity[j]
        if full and origin == "pinned":
            findings.append(finding("pair-conflict", row.file, f"mentor '{row.mentor_id}' would have more than "
                                    f"{population.capacity[j]} mentee(s), their capacity", line=row.line, column=1))
            continue
        broken = [_RULE_WORDS[r] for r in population.broken_rules(i, j)]
        if full:  # a running pair is a fact: kept, and said
            broken.append(f"the mentor's capacity ({population.capacity[j]}) is exceeded")
        which = "the rule" if len(broken) == 1 else "the rules"
        if broken and origin == "pinned":
            findings.append(finding("pin-breaks-rule", row.file, f"the pinned pair {row.mentor_id}–{row.mentee_id} "
                                    f"breaks {which}: {', '.join(broken)}", line=row.line, column=1))
            continue
        if broken:
            findings.append(finding("kept-breaks-rule", row.file, f"the running pair {row.mentor_id}–{row.mentee_id} "
                                    f"breaks {which}: {', '.join(broken)}; it is kept", line=row.line, column=1))
        taken_mentees[i] = row
        load[j] += 1
        pairs.append(population.pair(i, j, origin))
    if any(f.is_error for f in findings):
        return None, findings

    open_mentees = np.ones(len(population.mentees), dtype=bool)
    open_mentees[list(taken_mentees)] = False
    feasible = population.feasible & open_mentees[:, None]
    for i, j in solve(feasible, population.score, population.capacity - load):
        pairs.append(population.pair(i, j))
        open_mentees[i] = False
        load[j] += 1
    pairs.sort(key=lambda p: (p.mentor.id, p.mentee.id))
    unpaired_mentees = [_why_mentee(population, i) for i in np.flatnonzero(open_mentees)]
    unpaired_mentors = [_why_mentor(population, j) for j in np.flatnonzero(load == 0)]
    return Proposal(pairs, unpaired_mentees, unpaired_mentors, rules, len(population.mentees),
                    len(population.mentors)), findings


_RULE_WORDS = {"language": "no shared language", "management": "one is in the other's management chain",
               "timezone": "time zones too far apart", "availability": "no shared availability slot",
               "previous": "they were paired before (--previous)"}


def _fixed_pairs(population: Population, rows, origin: str, findings: list[Finding]):
    fixed = []
    for row in rows:
        if not isinstance(row, PairRow):
            row = PairRow(*row)
        problems = []
        if row.mentor_id not in population.mentor_index:
            problems.append(f"mentor_id '{row.mentor_id}' " + ("is a mentee" if row.mentor_id in population.mentee_index
                                                                else "names nobody in the participants file"))
        if row.mentee_id not in population.mentee_index:
            problems.append(f"mentee_id '{row.mentee_id}' " + ("is a mentor" if row.mentee_id in population.mentor_index
                                                                else "names nobody in the participants file"))
        if problems:
            findings.append(finding("unknown-person", row.file, "; ".join(problems), line=row.line,
                                    column=1 if row.line else None))
            continue
        fixed.append((population.mentee_index[row.mentee_id], population.mentor_index[row.mentor_id], origin, row))
    return fixed


def _first_rule_emptying(candidates: np.ndarray, allowed_of) -> str | None:
    """The first hard rule, in HARD_RULES order, after which no candidate is left."""
    for rule in HARD_RULES:
        candidates = candidates & allowed_of(rule)
        if not candidates.any():
            return rule
    return None


def _why_mentee(population: Population, i: int) -> Unpaired:
    """Why mentee i is unpaired. If some allowed mentor had room, the pairing (which pairs as many
    mentees as it can) would have used it: so every allowed mentor is full."""
    mentee = population.mentees[i]
    candidates = population.capacity > 0
    if not candidates.any():
        return Unpaired(mentee, "no-mentors")
    rule = _first_rule_emptying(candidates, lambda r: population.allowed[r][i])
    if rule:
        return Unpaired(mentee, rule)
    return Unpaired(mentee, "capacity", int((candidates & population.feasible[i]).sum()))


def _why_mentor(population: Population, j: int) -> Unpaired:
    """Why mentor j has no mentee; as above, every mentee they were allowed is paired elsewhere."""
    mentor = population.mentors[j]
    if population.capacity[j] == 0:
        return Unpaired(mentor, "capacity-zero")
    candidates = np.ones(len(population.mentees), dtype=bool)
    if not candidates.any():
        return Unpaired(mentor, "no-mentees")
    rule = _first_rule_emptying(candidates, lambda r: population.allowed[r][:, j])
    if rule:
        return Unpaired(mentor, rule)
    return Unpaired(mentor, "paired", int(population.feasible[:, j].sum()))
