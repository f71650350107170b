"""Stage 2, validate: the schema first, then the content model's semantic rules.

Semantic rules run only on documents that passed their schema, so every rule can trust
the shape of what it reads. Everything found is returned as findings; nothing raises.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from pathlib import Path

from .findings import Finding, finding, sort_key
from .loader import Document, join_pointer
from .model import DEFAULT_LEARNER_PROFILES, iter_texts
from .project import Project, gc_paused, load_project
from .schema import check_schemas
from .content_rules import check_country_values, check_site_settings, text_problems
from .text import PlaceholderError, defined, placeholders
from .workdays import check_country_timezone, check_edition_calendar

FUZZY_VERBS = re.compile(
    r"\b(understand|know|learn about|be aware of|become aware of|be familiar with|"
    r"become familiar with|appreciate|grasp|realize|realise|comprehend|get to know)\b",
    re.IGNORECASE,
)


def validate_project(root: Path) -> tuple[Project, list[Finding]]:
    """Load and check a whole project. Findings are sorted by file and position."""
    from .catalogs import check_catalogs  # translations are their own stage

    with gc_paused():
        project, findings = load_project(root)
        valid = _schema_stage(project, findings)
        findings += check_semantics(project, valid)
        findings += check_catalogs(project, valid)
    return project, sorted(set(findings), key=sort_key)


def _schema_stage(project: Project, findings: list[Finding]) -> set[str]:
    """Run the schemas; return the files whose documents passed."""
    documents = {
        "program": [project.program] if project.program else [],
        "editions": [project.editions] if project.editions else [],
        "module": list(project.modules.values()),
        "country": list(project.countries.values()),
    }
    failed = set()
    for kind, group in documents.items():
        problems = check_schemas(kind, group)
        findings += problems
        failed.update(f.file for f in problems)
    return {d.file for group in documents.values() for d in group if d.file not in failed}


def check_semantics(project: Project, valid: set[str]) -> list[Finding]:
    findings: list[Finding] = []
    ok = lambda d: d is not None and d.file in valid  # noqa: E731
    program = project.program if ok(project.program) else None
    modules = {stem: d for stem, d in project.modules.items() if ok(d)}
    countries = {stem: d for stem, d in project.countries.items() if ok(d)}
    editions = project.editions if ok(project.editions) else None

    profiles = {p["id"] for p in DEFAULT_LEARNER_PROFILES}
    if program:
        findings += _check_program(program, project)
        if "learner_profiles" in program.data:
            profiles = {p["id"] for p in program.data["learner_profiles"]}
    session_minutes = program.data["cadence"]["session_minutes"] if program else None
    for stem, module in modules.items():
        findings += _check_module(stem, module, project, profiles, session_minutes)
    findings += _check_prerequisite_cycles(modules)
    for stem, country in countries.items():
        if country.data["country"] != stem:
            findings.append(country.locate("country-mismatch", "/country",
                                           f"country is '{country.data['country']}' but the file is {stem}.yml"))
        findings += check_country_timezone(country)
    if editions:
        findings += _check_editions(editions, project, program)
        for i, entry in enumerate(editions.data["editions"]):
            profile = countries.get(entry["country"])
            findings += check_edition_calendar(editions, i, entry, profile.data if profile else None)

    # Text rules apply to every document that passed its schema.
    edition_countries = _edition_countries(editions, countries)
    texts = [("program", program)] + [("module", m) for m in modules.values()]
    texts += [("editions", editions)] + [("country", c) for c in countries.values()]
    for kind, document in texts:
        if document is not None:
            findings += check_texts(kind, document, edition_countries, project.root)
    for country in countries.values():
        findings += check_country_values(country, project.root)
    findings += check_site_settings(project)
    return findings


def _duplicates(document: Document, items: list, base: tuple, what: str) -> list[Finding]:
    counts = Counter(item.get("id") if isinstance(item, dict) else item for item in items)
    out = []
    seen = set()
    for i, item in enumerate(items):
        key = item.get("id") if isinstance(item, dict) else item
        if counts[key] > 1 and key in seen:
            pointer = join_pointer(*base, i, "id") if isinstance(item, dict) else join_pointer(*base, i)
            out.append(document.locate("duplicate-id", pointer, f"{what} '{key}' appears more than once"))
        seen.add(key)
    return out


def _check_program(program: Document, project: Project) -> list[Finding]:
    data = program.data
    out = _duplicates(program, data["modules"], ("modules",), "module")
    for i, module_id in enumerate(data["modules"]):
        if module_id not in project.module_files:
            out.append(program.locate("unknown-module", join_pointer("modules", i),
                                      f"module '{module_id}' has no file curriculum/modules/{module_id}.yml"))
    listed = set(data["modules"])
    for stem, module in project.modules.items():
        if stem not in listed:
            out.append(finding("module-not-listed", module.file,
                               f"module '{stem}' is not listed in curriculum/program.yml", line=1, column=1))
    out += _duplicates(program, data.get("learner_profiles", []), ("learner_profiles",), "learner profile")
    out += _duplicates(program, data.get("evaluation", {}).get("questions", []),
                       ("evaluation", "questions"), "evaluation question")
    return out


def _check_module(stem: str, module: Document, project: Project, profiles: set[str],
                  session_minutes: int | None) -> list[Finding]:
    data = module.data
    out = []
    if data["id"] != stem:
        out.append(module.locate("module-id-mismatch", "/id", f"id is '{data['id']}' but the file is {stem}.yml"))
    for key, what in (("objectives", "objective"), ("sessions", "session"), ("exercises", "exercise")):
        out += _duplicates(module, data[key], (key,), what)
    objectives = {o["id"] for o in data["objectives"]}
    exercises = {e["id"] for e in data["exercises"]}
    served = set()
    for e, exercise in enumerate(data["exercises"]):
        for o, objective in enumerate(exercise["objectives"]):
            served.add(objective)
            if objective not in objectives:
                out.append(module.locate("unknown-objective", join_pointer("exercises", e, "objectives", o),
                                         f"exercise '{exercise['id']}' serves objective '{objective}', "
                                         f"which this module does not define",
                                         hint=f"Objectives of this module: {', '.join(sorted(objectives))}."))
        for profile in exercise.get("variants", {}):
            if profile not in profiles:
                out.append(module.locate("unknown-learner-profile", join_pointer("exercises", e, "variants", profile),
                                         f"learner profile '{profile}' is not declared",
                                         key=True, hint=f"Declared profiles: {', '.join(sorted(profiles))}."))
    for s, session in enumerate(data["sessions"]):
        total = 0
        for a, item in enumerate(session["agenda"]):
            total += item["minutes"]
            if "exercise" in item and item["exercise"] not in exercises:
                out.append(module.locate("unknown-exercise", join_pointer("sessions", s, "agenda", a, "exercise"),
                                         f"agenda names exercise '{item['exercise']}', which this module does not define",
                                         hint=f"Exercises of this module: {', '.join(sorted(exercises))}."))
        if total != session["minutes"]:
            out.append(module.locate("agenda-minutes", join_pointer("sessions", s, "minutes"),
                                     f"session '{session['id']}' lasts {session['minutes']} minutes "
                                     f"but its agenda adds up to {total}"))
        if session_minutes is not None and session["minutes"] > session_minutes:
            out.append(module.locate("session-too-long", join_pointer("sessions", s, "minutes"),
                                     f"session '{session['id']}' lasts {session['minutes']} minutes; "
                                     f"{session_minutes} are booked per session"))
    for o, objective in enumerate(data["objectives"]):
        if objective["id"] not in served:
            out.append(module.locate("objective-not-served", join_pointer("objectives", o, "id"),
                                     f"no exercise serves objective '{objective['id']}'"))
        fuzzy = FUZZY_VERBS.search(objective["text"])
        if fuzzy:
            out.append(module.locate("fuzzy-objective", join_pointer("objectives", o, "text"),
                                     f"objective '{objective['id']}' says \"{fuzzy.group(0)}\", "
                                     f"which nobody can observe"))
    for p, prerequisite in enumerate(data.get("prerequisites", [])):
        if prerequisite not in project.module_files:
            out.append(module.locate("unknown-module", join_pointer("prerequisites", p),
                                     f"prerequisite '{prerequisite}' has no file curriculum/modules/{prerequisite}.yml"))
    return out


def _check_prerequisite_cycles(modules: dict[str, Document]) -> list[Finding]:
    graph = {stem: [p for p in m.data.get("prerequisites", []) if p in modules] for stem, m in modules.items()}
    out, state, reported = [], {}, set()

    def visit(stem: str, trail: list[str]):
        state[stem] = "open"
        for prerequisite in graph[stem]:
            if state.get(prerequisite) == "open":
                cycle = trail[trail.index(prerequisite):] + [prerequisite] if prerequisite in trail else [stem, prerequisite]
                key = frozenset(cycle)
                if key not in reported:
                    reported.add(key)
                    module = modules[stem]
                    index = module.data["prerequisites"].index(prerequisite)
                    out.append(module.locate("prerequisite-cycle", join_pointer("prerequisites", index),
                                             "modules require each other: " + " → ".join(cycle)))
            elif prerequisite not in state:
                visit(prerequisite, trail + [prerequisite])
        state[stem] = "done"

    for stem in graph:
        if stem not in state:
            visit(stem, [stem])
    return out


def _check_editions(editions: Document, project: Project, program: Document | None) -> list[Finding]:
    out = []
    seen = set()
    source_language = program.data["source_language"] if program else None
    for i, edition in enumerate(editions.data["editions"]):
        if edition["id"] in seen:
            out.append(editions.locate("duplicate-edition", join_pointer("editions", i, "id"),
                                       f"edition '{edition['id']}' appears more than once"))
        seen.add(edition["id"])
        if edition["country"] not in project.country_files:
            out.append(editions.locate("unknown-country", join_pointer("editions", i, "country"),
                                       f"edition '{edition['id']}' uses country {edition['country']}, "
                                       f"which has no profile locales/countries/{edition['country']}.yml"))
        if "start_date" in edition:
            try:
                datetime.date.fromisoformat(edition["start_date"])
            except ValueError:
                out.append(editions.locate("invalid-date", join_pointer("editions", i, "start_date"),
                                           f"start_date {edition['start_date']} is not a calendar date"))
        if (source_language and edition["language"] != source_language
                and not project.catalog_path(edition["language"]).is_file()):
            out.append(editions.locate("missing-catalog", join_pointer("editions", i, "language"),
                                       f"edition '{edition['id']}' has no catalog "
                                       f"locales/{edition['language']}/LC_MESSAGES/curriculum.po"))
        if program:
            out += _check_selection(editions, i, edition, project, program)
    return out


def _check_selection(editions: Document, i: int, edition: dict, project: Project,
                     program: Document) -> list[Finding]:
    out = []
    excluded = edition.get("modules", {}).get("exclude", [])
    listed = program.data["modules"]
    for x, module_id in enumerate(excluded):
        if module_id not in listed:
            out.append(editions.locate("unknown-module", join_pointer("editions", i, "modules", "exclude", x),
                                       f"edition '{edition['id']}' excludes '{module_id}', which the program does not list"))
    included = [m for m in listed if m not in excluded]
    if not included:
        out.append(editions.locate("empty-edition", join_pointer("editions", i, "modules"),
                                   f"edition '{edition['id']}' excludes every module"))
    for module_id in included:
        module = project.modules.get(module_id)
        prerequisites = module.data.get("prerequisites", []) if module and isinstance(module.data, dict) else []
        for prerequisite in prerequisites if isinstance(prerequisites, list) else []:
            if prerequisite in excluded:
                x = excluded.index(prerequisite)
                out.append(editions.locate("excluded-prerequisite",
                                           join_pointer("editions", i, "modules", "exclude", x),
                                           f"edition '{edition['id']}' excludes '{prerequisite}', "
                                           f"which module '{module_id}' requires"))
    return out


def _edition_countries(editions: Document | None, countries: dict[str, Document]) -> dict[str, dict]:
    """Country code → vars, for every country some edition uses."""
    if editions is None:
        return {}
    used = {e["country"] for e in editions.data["editions"]}
    return {cc: countries[cc].data.get("vars", {}) for cc in sorted(used) if cc in countries}


def check_texts(kind: str, document: Document, edition_countries: dict[str, dict],
                root: Path | None = None) -> list[Finding]:
    out = []
    for field in iter_texts(kind, document.data):
        for problem in text_problems(field.text, root=root):  # what the output's allow list would remove
            out.append(document.locate(problem.code, field.pointer, f"{problem.message} in a text field"))
        try:
            names = placeholders(field.text)
        except PlaceholderError as e:
            out.append(document.locate("malformed-placeholder", field.pointer, str(e)))
            continue
        for name in sorted(names):
            lacking = [cc for cc, values in edition_countries.items() if not defined(values, name)]
            if lacking:
                out.append(document.locate("undefined-placeholder", field.pointer,
                                           f"placeholder {{{name}}} is not defined by the country profile of "
                                           + ", ".join(lacking),
                                           hint="Add it to `vars` in " + ", ".join(
                                               f"locales/countries/{cc}.yml" for cc in lacking) + "."))
    return out
