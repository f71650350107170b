"""Time `rmkit pair` on a large synthetic population (run by run.py, or alone).

    python3 benchmarks/pairing.py [--mentees 2000] [--mentors 1500] [--runs 5]

The population: six countries with their zones and languages, nine functions, managers in
chains, availability slots, requests, topics from the bundled program's modules plus free
tags; mentors have capacity 1 or 2. Timed: loading the CSV, the pairing itself (arrays and
solver) and the whole command line (interpreter start-up and writing the JSON included).
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

# Runs a command in a small process of its own (see benchmarks/timing.py for why) and reports
# its wall time, its CPU time and its peak memory. CPU time is reported because the machine may
# be shared: wall time then measures the neighbours too.
_MEASURE = """\
import json, resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True)
seconds = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime, "peak_kb": usage.ru_maxrss,
                  "code": done.returncode, "output": (done.stdout + done.stderr).decode(errors="replace")[-3000:]}))
"""


def run_measured(command: list[str], cwd: Path) -> dict:
    import json
    import subprocess

    report = json.loads(subprocess.run([sys.executable, "-c", _MEASURE, *command], capture_output=True, text=True,
                                       cwd=cwd, check=True).stdout)
    if report["code"] != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{report['output']}")
    return report

COUNTRIES = {  # country: (time zone, languages everyone there speaks, other languages some speak)
    "GB": ("Europe/London", ["en"], ["fr", "hi"]),
    "FR": ("Europe/Paris", ["fr"], ["en", "ar"]),
    "JP": ("Asia/Tokyo", ["ja"], ["en"]),
    "IN": ("Asia/Kolkata", ["en"], ["hi", "ta"]),
    "SG": ("Asia/Singapore", ["en"], ["zh", "ms", "ta"]),
    "AE": ("Asia/Dubai", ["ar"], ["en", "hi"]),
}
FUNCTIONS = ["Finance", "Sales", "Marketing", "Human resources", "Operations", "Legal", "IT",
             "Procurement", "Customer service"]
MODULES = ["professional-networks", "collaboration-tools", "generative-ai-at-work", "security-hygiene",
           "online-reputation-and-closing"]
FREE_TAGS = ["excel", "power-bi", "video-editing", "podcasts", "data-privacy"]
SLOTS = [f"{d}-{p}" for d in ("Mon", "Tue", "Wed", "Thu", "Fri") for p in ("AM", "PM")]
HEADER = ["id", "name", "role", "country", "languages", "function", "manager_id", "site", "tenure_years",
          "topics", "learner_profile", "availability", "timezone", "capacity", "requests"]


def population(mentees: int, mentors: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for role, count, prefix in (("mentee", mentees, "E"), ("mentor", mentors, "M")):
        for k in range(count):
            country = rng.choice(list(COUNTRIES))
            zone, common, other = COUNTRIES[country]
            languages = common + rng.sample(other, rng.randint(0, len(other)))
            if country != "GB" and "en" not in languages and rng.random() < 0.6:
                languages.append("en")
            topics = rng.sample(MODULES, rng.randint(1, 3)) + rng.sample(FREE_TAGS, rng.randint(0, 1))
            rows.append({
                "id": f"{prefix}{k:05d}", "name": f"Person {prefix}{k}", "role": role, "country": country,
                "languages": ";".join(languages), "function": rng.choice(FUNCTIONS),
                "manager_id": "", "site": f"{country}-{rng.randint(1, 4)}",
                "tenure_years": str(rng.randint(15, 35) if role == "mentee" else rng.randint(0, 4)),
                "topics": ";".join(topics), "learner_profile": rng.choice(["", "experiential", "theoretical"]),
                "availability": ";".join(rng.sample(SLOTS, rng.randint(0, 4))),
                "timezone": zone if rng.random() < 0.9 else "",
                "capacity": str(rng.choice([1, 2])) if role == "mentor" else "", "requests": "",
            })
    mentee_rows = [r for r in rows if r["role"] == "mentee"]
    mentor_rows = [r for r in rows if r["role"] == "mentor"]
    # Managers: senior mentees manage some mentees and many mentors, in chains.
    for index, row in enumerate(mentee_rows[1:], start=1):
        if rng.random() < 0.5:
            row["manager_id"] = mentee_rows[rng.randrange(index)]["id"]
    for row in mentor_rows:
        if mentee_rows and rng.random() < 0.7:
            row["manager_id"] = rng.choice(mentee_rows)["id"]
    for row in rows:
        others = mentor_rows if row["role"] == "mentee" else mentee_rows
        if others and rng.random() < 0.1:
            row["requests"] = rng.choice(others)["id"]
    rng.shuffle(rows)
    return rows


def write_population(path: Path, mentees: int, mentors: int, seed: int = 7) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, HEADER)
        writer.writeheader()
        writer.writerows(population(mentees, mentors, seed))
    return path


def measure(mentees: int, mentors: int, runs: int, work: Path) -> dict:
    from rmkit.pair import PairingRules, propose
    from rmkit.participants import load_participants

    work.mkdir(parents=True, exist_ok=True)
    path = write_population(work / "participants.csv", mentees, mentors)
    load_s, pair_s, pair_cpu, cli_s, cli_cpu, peaks = [], [], [], [], [], []
    proposal = None
    for _ in range(runs):
        started = time.perf_counter()
        people, findings = load_participants(path)
        load_s.append(time.perf_counter() - started)
        assert not any(f.is_error for f in findings), findings[:3]
        started, cpu = time.perf_counter(), time.process_time()
        proposal, _ = propose(people, PairingRules())
        pair_s.append(time.perf_counter() - started)
        pair_cpu.append(time.process_time() - cpu)
        report = run_measured([sys.executable, "-m", "rmkit", "pair", str(path), "--format", "json",
                               "--out", str(work / "proposal.json")], cwd=work)
        cli_s.append(report["seconds"])
        cli_cpu.append(report["cpu"])
        peaks.append(report["peak_kb"] / 1024)
    totals = proposal.totals()
    return {"mentees": mentees, "mentors": mentors, "slots": sum(p.capacity for p in people if p.is_mentor),
            "runs": runs, "load_s": statistics.median(load_s), "pair_s": statistics.median(pair_s),
            "pair_cpu_s": statistics.median(pair_cpu), "cli_s": statistics.median(cli_s),
            "cli_cpu_s": statistics.median(cli_cpu), "cli_peak_mb": max(peaks), "pairs": totals["pairs"],
            "mean_score": totals["mean_score"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentees", type=int, default=2000)
    parser.add_argument("--mentors", type=int, default=1500)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    import tempfile

    with tempfile.TemporaryDirectory() as work:
        result = measure(args.mentees, args.mentors, args.runs, Path(work))
    for key, value in result.items():
        print(f"{key}: {value:.3f}" if isinstance(value, float) else f"{key}: {value}")


if __name__ == "__main__":
    main()
