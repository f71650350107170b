"""Generate a large synthetic curriculum project that follows the content model.

    python benchmarks/generate.py OUT --modules 300 --editions 4

Every module is shaped like a real one (objectives both ways, a session whose agenda adds
up, exercises with difficulties, variants and placeholders, glossary), and every edition in
a language other than the source has a complete catalog, so validation and builds do the
work they would do on real, translated content. The project validates with --strict.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rmkit.catalogs import extract_template  # noqa: E402
from rmkit.project import load_project  # noqa: E402

COUNTRIES = {
    "FR": ("fr", "LinkedIn", "WhatsApp", "Microsoft Teams"),
    "JP": ("ja", "LinkedIn", "LINE", "Microsoft Teams"),
    "IN": ("en", "LinkedIn", "WhatsApp", "Slack"),
    "SG": ("en", "LinkedIn", "WhatsApp", "Zoom"),
    "DE": ("de", "Xing", "WhatsApp", "Microsoft Teams"),
    "BR": ("pt", "LinkedIn", "WhatsApp", "Google Chat"),
    "MA": ("ar", "LinkedIn", "WhatsApp", "Microsoft Teams"),
    "US": ("en", "LinkedIn", "iMessage", "Slack"),
}


def module(i: int, n: int) -> dict:
    mid = f"topic-{i:04d}"
    objectives = [
        {"id": "publish-post", "learner": "mentee",
         "text": f"Publish a short post about topic {i} on {{network.professional}}",
         "evidence": "The post is live and the mentee explains who can see it"},
        {"id": "set-up-channel", "learner": "mentee",
         "text": "Set up a channel in {tools.chat} for the project team",
         "evidence": "The channel exists with three members and a pinned message"},
        {"id": "explain-decision", "learner": "mentor",
         "text": "Explain how the leadership team decided the last budget change",
         "evidence": "The mentor summarises the decision steps in their own words"},
    ]
    exercises = []
    for k, (objective, kind) in enumerate([("publish-post", "hands-on"), ("set-up-channel", "demo"),
                                           ("explain-decision", "discussion")]):
        exercises.append({
            "id": f"exercise-{k + 1}", "title": f"Exercise {k + 1} of topic {i}", "kind": kind,
            "minutes": 15, "objectives": [objective],
            "instructions": f"Open **{{network.professional}}** and follow the steps of exercise {k + 1}.\n\n"
                            "1. Sign in.\n2. Find the setting.\n3. Tell your mentor what you see.",
            "mentor_notes": "Let the mentee drive the mouse; describe, do not click for them.",
            "difficulties": [
                {"issue": "The mentee cannot find the setting", "response": "Point at the menu, not at the item."},
                {"issue": "The mentee worries about who will see it", "response": "Open the audience selector together."},
            ],
            "variants": {"experiential": "Start by doing it, then name the steps.",
                         "theoretical": "Name the steps first, then do them."},
            "debrief": ["What would you do differently next time?", "Where else could this help you?"],
            "solution": "The setting is under **Settings → Privacy**.",
            "materials": ["A laptop", "An account on {network.messaging}"],
        })
    return {
        "id": mid, "title": f"Topic {i}: working with {{tools.chat}}",
        "summary": f"Module {i} of {n}: a synthetic module for benchmarks, shaped like a real one.",
        "level": "beginner",
        "prerequisites": [f"topic-{i - 1:04d}"] if i > 1 and i % 5 else [],
        "objectives": objectives,
        "sessions": [{"id": "session", "title": f"Session on topic {i}", "minutes": 60, "agenda": [
            {"activity": "Check-in", "minutes": 10}, {"exercise": "exercise-1", "minutes": 15},
            {"exercise": "exercise-2", "minutes": 15}, {"exercise": "exercise-3", "minutes": 15},
            {"activity": "Wrap-up", "minutes": 5}]}],
        "exercises": exercises,
        "takeaways": ["Post once a week.", "Check who can see what you publish."],
        "mentor_prep": {"key_messages": ["Visibility is a choice."], "explain": "Start from what the mentee already does.",
                        "check_questions": ["Who can see this post?"]},
        "out_of_scope": ["Advertising campaigns"],
        "country_notes": {"JP": "Expect indirect questions; offer options rather than asking yes-or-no."},
        "glossary": [{"term": f"Term {i}", "definition": "A word the mentee meets in this module."}],
    }


def generate(out: Path, modules: int, editions: int) -> Path:
    if out.exists():
        shutil.rmtree(out)
    (out / "curriculum/modules").mkdir(parents=True)
    (out / "locales/countries").mkdir(parents=True)
    ids = [f"topic-{i:04d}" for i in range(1, modules + 1)]
    program = {
        "id": "benchmark", "title": "Benchmark program", "summary": "A synthetic program.", "source_language": "en",
        "modules": ids, "cadence": {"every_weeks": 2, "session_minutes": 60},
        "scope": {"in": ["Digital tools"], "out": ["Printers: IT support handles these"]},
        "roles": {"mentor": {"title": "Digital mentor", "description": "Coaches a senior leader on digital tools."},
                  "mentee": {"title": "Leader", "description": "Learns the tools and shares how the business runs."}},
        "preparation": {"mentor": ["Prepare."], "mentee": ["Book the time."]},
        "evaluation": {"questions": [{"id": "useful", "text": "Was the session useful?", "scale": "rating-5"}]},
    }
    dump = lambda path, data: path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")  # noqa: E731
    dump(out / "curriculum/program.yml", program)
    for i in range(1, modules + 1):
        dump(out / f"curriculum/modules/topic-{i:04d}.yml", module(i, modules))
    chosen = list(COUNTRIES.items())[:editions]
    # A Tuesday that is a working day in every country (a start on a holiday is a warning).
    entries = [{"id": f"{lang}-{cc}", "language": lang, "country": cc, "start_date": "2027-01-12"}
               for cc, (lang, *_) in chosen]
    entries[0]["title"] = "Benchmark program, first edition"
    dump(out / "locales/editions.yml", {"editions": entries})
    for cc, (lang, professional, messaging, chat) in chosen:
        dump(out / f"locales/countries/{cc}.yml", {
            "country": cc, "vars": {"network": {"professional": professional, "messaging": messaging},
                                    "tools": {"chat": chat}},
            "culture": {"hierarchy": "medium", "notes": [f"Culture note for {cc}."]}})
    translate(out, sorted({lang for _, (lang, *_) in chosen} - {program["source_language"]}))
    return out


def translate(root: Path, languages: list[str]) -> None:
    """A complete catalog per language: each text 'translated' by marking it with the language.

    The mark goes at the end, so that Markdown structure and placeholders stay as they are.
    """
    from babel.messages.pofile import write_po

    project, _ = load_project(root)
    for language in languages:
        catalog = extract_template(project)
        catalog.locale, catalog.fuzzy = language, False
        for message in catalog:
            if message.id:
                message.string = f"{message.id} ({language})"
        path = project.catalog_path(language)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as f:
            write_po(f, catalog, omit_header=False)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--modules", type=int, default=300)
    parser.add_argument("--editions", type=int, default=4)
    args = parser.parse_args()
    generate(args.out, args.modules, args.editions)
    print(f"wrote {args.out}: {args.modules} modules, {args.editions} editions")
