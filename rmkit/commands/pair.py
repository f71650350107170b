"""`rmkit pair`: propose mentor–mentee pairs under the program's rules, each with its reasons.

A program tool: it reads people's data (the participants file and pair files) with its own
loader, and only the `pairing`, `modules` and `learner_profiles` of curriculum/program.yml
(when the project has one). Problems are findings, in the format `--format` asks for when it
is a findings format (text or json; csv and html print findings as text).
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

from . import EXIT_FINDINGS, EXIT_OK

FORMATS = ("text", "json", "csv", "html")


def add_parser(commands) -> None:
    parser = commands.add_parser(
        "pair", help="propose mentor–mentee pairs from a participants file, with the reasons of each pair",
        description="Propose the best pairing under the program's `pairing` rules. A proposal, not a "
                    "decision: a person confirms each pair.")
    parser.add_argument("participants", type=Path, help="the participants file (CSV with a header, or .yml); "
                        "like every path here, relative to the project directory (-C)")
    parser.add_argument("--previous", type=Path, action="append", default=[], metavar="PAIRS.csv",
                        help="pairs that must not be proposed again (mentor_id,mentee_id); may repeat")
    parser.add_argument("--pin", type=Path, metavar="PAIRS.csv",
                        help="pairs to keep in the proposal (they must follow the hard rules)")
    parser.add_argument("--keep", type=Path, metavar="PAIRS.csv",
                        help="running pairs to keep as they are; only the others are paired")
    parser.add_argument("--format", choices=FORMATS, default="text")
    parser.add_argument("--language",
                        help="language of the reasons and of the text and html reports: en, fr, ja, ar "
                             "(default: the program's source_language, else en)")
    parser.add_argument("--out", type=Path, metavar="FILE", help="write the proposal here instead of stdout")


def run(args, root) -> int:
    from ..findings import UsageError, finding, sort_key
    from ..loader import load_yaml
    from ..pair import PairingRules, propose
    from ..participants import load_pairs, load_participants
    from ..reporters import REPORTERS
    from ..schema import check_schema

    findings = []
    program, program_file = None, root / "curriculum" / "program.yml"
    if program_file.is_file():
        document, problems = load_yaml(program_file, "curriculum/program.yml")
        findings += problems
        if document is not None:
            # Only what the pairing reads: the rest of program.yml is `rmkit validate`'s business.
            findings += [f for f in check_schema("program", document)
                         if f.pointer.startswith(("/pairing", "/modules", "/learner_profiles"))
                         or (f.code == "unknown-key" and "pairing" in f.message)]
            program = document.data
    language = (args.language or (program or {}).get("source_language") or "en").replace("-", "_")
    _check_language(language, UsageError)
    people, problems = load_participants(_in(root, args.participants), program, file=_shown(args.participants))
    findings += problems
    pair_files = {"previous": [], "pin": [], "keep": []}
    for option, paths in (("previous", args.previous), ("pin", [args.pin] if args.pin else []),
                          ("keep", [args.keep] if args.keep else [])):
        for path in paths:
            pairs, problems = load_pairs(_in(root, path), file=_shown(path))
            findings += problems
            pair_files[option] += pairs
    proposal = None
    if not any(f.is_error for f in findings):
        proposal, problems = propose(people, PairingRules.from_program(program), previous=pair_files["previous"],
                                     pins=pair_files["pin"], keep=pair_files["keep"])
        findings += problems
    findings.sort(key=sort_key)
    reporter = REPORTERS["json" if args.format == "json" else "text"]
    if proposal is None:
        sys.stdout.write(reporter(findings))
        return EXIT_FINDINGS
    if findings:  # warnings: on stderr, so that stdout stays the proposal
        sys.stderr.write(REPORTERS["text"](findings))
    output = render_proposal(proposal, args.format, language, program, root)
    if args.out:
        out = _in(root, args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(output, encoding="utf-8")
    else:
        sys.stdout.write(output)
    return EXIT_OK


def _in(root: Path, path: Path) -> Path:
    return path if path.is_absolute() else root / path


def _shown(path: Path) -> str:
    return path.as_posix()


def _check_language(language: str, error) -> None:
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(language)
    except (ValueError, UnknownLocaleError):
        raise error(f"--language {language}: not a language code (e.g. en, fr, ja, ar)") from None


def render_proposal(proposal, output_format: str, language: str = "en", program: dict | None = None,
                    root: Path | None = None) -> str:
    """The proposal as text, html, csv or json (the reasons in `language`)."""
    words = _Words(language, program, root, _whole(proposal.rules.max_timezone_hours))
    if output_format == "json":
        return json.dumps(proposal_to_dict(proposal, words), ensure_ascii=False, indent=2) + "\n"
    if output_format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["mentor_id", "mentee_id", "score", "reasons"])
        for pair in proposal.pairs:
            writer.writerow([pair.mentor.id, pair.mentee.id, f"{pair.score:.4f}", words.reasons(pair)])
        return buffer.getvalue()
    text = words.render(f"pairing.{'html' if output_format == 'html' else 'txt'}.j2", proposal)
    return text if text.endswith("\n") else text + "\n"


def proposal_to_dict(proposal, words) -> dict:
    return {
        "note": "A proposal, not a decision: a person confirms each pair with the mentor and the mentee.",
        "rules": proposal.rules.to_dict(),
        "pairs": [dict(p.to_dict(), reasons=words.reasons(p)) for p in proposal.pairs],
        "unpaired": [dict(u.to_dict(), explanation=words.unpaired(u))
                     for u in proposal.unpaired_mentees + proposal.unpaired_mentors],
        "totals": proposal.totals(),
    }


class _Words:
    """The templates' words in one language: the ui catalog, Babel's numbers, lists and names."""

    def __init__(self, language: str, program: dict | None, root: Path | None, hours=4):
        from babel import Locale
        from babel.numbers import format_decimal

        from ..formats import Formats
        from ..project import Project
        from ..render import Renderer

        self.language = language
        self.locale = Locale.parse(language)
        self.renderer = Renderer(Project(root=(root or Path(".")).resolve()))
        self.fmt = Formats(self.locale)
        self.fmt.score = lambda value: format_decimal(round(value, 2), format="0.00", locale=self.locale)
        profiles = {p.get("id"): p.get("title") or p.get("id")
                    for p in (program or {}).get("learner_profiles") or [] if isinstance(p, dict)}
        self.program = program or {}
        self.context = {
            "fmt": self.fmt, "language": language.replace("_", "-"),
            "direction": self.locale.character_order == "right-to-left" and "rtl" or "ltr",
            "language_names": lambda codes: self.fmt.list(self.locale.languages.get(c, c) for c in codes),
            "profile_title": lambda profile: profiles.get(profile, profile),
            "program_title": self.program.get("title", ""), "hours": hours,
            "pair_reasons": self.reasons, "unpaired_reason": self.unpaired,
        }
        self._module = None
        # Thousands of pairs share a few hundred phrasings: each is said once.
        self._said: dict = {}

    def _macros(self):
        if self._module is None:
            env = self.renderer._environment(self.language)
            self._module = env.get_template("_pairing.j2").make_module(self.context)
        return self._module

    def _say(self, key, say) -> str:
        if key not in self._said:
            self._said[key] = str(say())
        return self._said[key]

    def reasons(self, pair) -> str:
        macros = self._macros()
        separator = self._say("separator", macros.separator)
        return separator.join(self._say(r, lambda r=r: macros.reason(r)) for r in pair.reasons)

    def unpaired(self, unpaired) -> str:
        key = (unpaired.person.role, unpaired.reason, unpaired.candidates)
        return self._say(key, lambda: self._macros().unpaired(unpaired, self.context["hours"]))

    def render(self, template: str, proposal) -> str:
        return self.renderer._render(template, dict(self.context, proposal=proposal), self.language)


def _whole(hours: float):
    return int(hours) if float(hours).is_integer() else hours
