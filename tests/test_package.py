"""`rmkit package`: LMS packages (SCORM 1.2, SCORM 2004 4th edition, cmi5) and zips of each site.

Small projects built on tmp_path (the starter); the browser tests of tracking are in
tests/browser/test_lms.py.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from rmkit.cli import main
from rmkit.package import FORMATS, LMS_FILES, SCHEMA_FOLDERS, check_package, package

from .helpers import replace_once, starter_project

PROGRAM = "my-program"


def _extract(archive: Path, folder: Path) -> Path:
    with zipfile.ZipFile(archive) as z:
        z.extractall(folder)
    return folder


@pytest.fixture(scope="module")
def packaged(tmp_path_factory) -> tuple[Path, Path]:
    """The starter's English edition, packaged once in every format."""
    tmp = tmp_path_factory.mktemp("package")
    root = starter_project(tmp)
    out = tmp / "dist"
    result = package(root, out=out, formats=list(FORMATS), jobs=1)
    assert not any(f.is_error for f in result.findings), result.findings
    return root, out


def _name(edition: str, audience: str, package_format: str) -> str:
    return f"{PROGRAM}-{edition}-{audience}-{package_format}.zip"


def test_every_site_is_packaged_in_every_format_asked_for(packaged):
    root, out = packaged
    written = sorted(p.name for p in out.glob("*.zip"))
    assert written == sorted(_name("en-GB", a, f) for a in ("mentor", "mentee") for f in FORMATS)
    assert not list(out.glob(".*.partial"))


@pytest.mark.parametrize("package_format", FORMATS)
def test_each_package_validates_against_the_schemas_it_ships(packaged, tmp_path, package_format):
    root, out = packaged
    for audience in ("mentor", "mentee"):
        folder = _extract(out / _name("en-GB", audience, package_format), tmp_path / audience)
        assert check_package(folder, package_format) == []
        assert (folder / "index.html").is_file()


@pytest.mark.parametrize("package_format", ["scorm12", "scorm2004"])
def test_scorm_packages_ship_the_schema_files_unmodified_at_the_root(packaged, tmp_path, package_format):
    root, out = packaged
    folder = _extract(out / _name("en-GB", "mentee", package_format), tmp_path)
    shipped = SCHEMA_FOLDERS[package_format]
    files = [p for p in shipped.rglob("*") if p.is_file()]
    assert len(files) >= 4
    for source in files:
        assert (folder / source.relative_to(shipped)).read_bytes() == source.read_bytes()
    manifest = (folder / "imsmanifest.xml").read_text(encoding="utf-8")
    assert manifest.count("<organization ") == 1
    assert "<title>Digital reverse mentoring · Mentee workbook</title>" in manifest
    if package_format == "scorm12":
        assert 'adlcp:scormtype="sco"' in manifest and "<schemaversion>1.2</schemaversion>" in manifest
    else:
        assert 'adlcp:scormType="sco"' in manifest and "<schemaversion>2004 4th Edition</schemaversion>" in manifest
    assert 'href="launch.html"' in manifest
    # Every file of the package that is not a schema file is listed in the resource.
    listed = manifest.count("<file href=")
    site_files = [p for p in folder.rglob("*") if p.is_file() and p.name != "imsmanifest.xml"
                  and not (shipped / p.relative_to(folder)).is_file()]
    assert listed == len(site_files)


def test_the_schemas_catch_a_broken_manifest(packaged, tmp_path):
    root, out = packaged
    folder = _extract(out / _name("en-GB", "mentee", "scorm12"), tmp_path)
    manifest = folder / "imsmanifest.xml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace('scormtype="sco"', 'scormtype="lesson"'),
                        encoding="utf-8")
    assert check_package(folder, "scorm12")
    folder = _extract(out / _name("en-GB", "mentee", "cmi5"), tmp_path / "cmi5")
    course = folder / "cmi5.xml"
    course.write_text(course.read_text(encoding="utf-8").replace('moveOn="Completed"', 'moveOn="Done"'),
                      encoding="utf-8")
    assert check_package(folder, "cmi5")


def test_cmi5_course_structure_has_one_au_with_a_relative_url(packaged, tmp_path):
    root, out = packaged
    folder = _extract(out / _name("en-GB", "mentor", "cmi5"), tmp_path)
    text = (folder / "cmi5.xml").read_text(encoding="utf-8")
    assert '<course id="urn:rmkit:my-program:en-GB:mentor">' in text
    assert text.count("<au ") == 1 and 'moveOn="Completed"' in text
    assert "<url>launch.html</url>" in text
    assert '<langstring lang="en-GB">Digital reverse mentoring · Mentor guide</langstring>' in text
    assert (folder / "launch.html").is_file() and (folder / "rmkit-lms" / "launcher.js").is_file()


def test_the_launcher_script_is_the_committed_file(packaged, tmp_path):
    root, out = packaged
    folder = _extract(out / _name("en-GB", "mentee", "scorm2004"), tmp_path)
    assert (folder / "rmkit-lms" / "launcher.js").read_bytes() == (LMS_FILES / "launcher" / "launcher.js").read_bytes()
    launcher = (folder / "launch.html").read_text(encoding="utf-8")
    assert '"standard": "scorm2004"' in launcher
    assert '"modules/getting-started.html"' in launcher
    assert '"getting-started.agree-pair-rules"' in launcher


def test_a_zip_is_the_plain_site(packaged, tmp_path):
    root, out = packaged
    folder = _extract(out / _name("en-GB", "mentee", "zip"), tmp_path)
    assert not (folder / "imsmanifest.xml").exists() and not (folder / "launch.html").exists()
    assert (folder / "modules" / "getting-started.html").is_file()
    assert (folder / "search" / "search_index.json").is_file()


def test_packaged_sites_have_no_language_selector_and_link_nowhere_else(packaged, tmp_path):
    root, out = packaged
    folder = _extract(out / _name("en-GB", "mentee", "zip"), tmp_path)
    for page in folder.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "md-select" not in html, page
        assert "../../en-GB/" not in html, page
        assert 'src="http' not in html and "url(http" not in html, page
    # The site as `rmkit build` makes it has the selector: the package differs there only.
    from rmkit.build import build

    result = build(root, out=tmp_path / "site", jobs=1, editions=["en-GB"], audience="mentee")
    assert "md-select" in (result.out / "en-GB" / "mentee" / "index.html").read_text(encoding="utf-8")


def test_the_self_assessment_names_each_objective(packaged, tmp_path):
    root, out = packaged
    folder = _extract(out / _name("en-GB", "mentee", "zip"), tmp_path)
    html = (folder / "self-assessment.html").read_text(encoding="utf-8")
    assert 'data-objective="getting-started.agree-pair-rules"' in html
    assert 'data-objective="getting-started.explain-business-priority"' in html


def test_default_formats_come_from_program_yml_and_the_base_iri_makes_the_course_id(tmp_path):
    root = starter_project(tmp_path)
    replace_once(root / "curriculum" / "program.yml", "source_language: en\n",
                 "source_language: en\npackages: [cmi5, scorm12]\nbase_iri: https://learning.example.com/courses/\n")
    out = tmp_path / "dist"
    assert main(["-C", str(root), "package", "--audience", "mentee", "--out", str(out), "--jobs", "1"]) == 0
    assert sorted(p.name for p in out.glob("*.zip")) == [_name("en-GB", "mentee", "cmi5"),
                                                           _name("en-GB", "mentee", "scorm12")]
    folder = _extract(out / _name("en-GB", "mentee", "cmi5"), tmp_path / "x")
    text = (folder / "cmi5.xml").read_text(encoding="utf-8")
    assert '<course id="https://learning.example.com/courses/my-program/en-GB/mentee">' in text
    assert '<au id="https://learning.example.com/courses/my-program/en-GB/mentee/site"' in text
    assert check_package(folder, "cmi5") == []


def test_without_packages_in_program_yml_the_format_is_zip(tmp_path, capsys):
    root = starter_project(tmp_path)
    out = tmp_path / "dist"
    assert main(["-C", str(root), "package", "--audience", "mentor", "--out", str(out), "--jobs", "1"]) == 0
    assert [p.name for p in out.glob("*.zip")] == [_name("en-GB", "mentor", "zip")]
    assert "wrote 1 package(s)" in capsys.readouterr().out


def test_nothing_is_written_outside_the_output_folder_but_the_build_work_folder(tmp_path):
    root = starter_project(tmp_path)
    before = {p for p in tmp_path.rglob("*")}
    out = tmp_path / "dist"
    assert main(["-C", str(root), "package", "--format", "zip", "--out", str(out), "--jobs", "1"]) == 0
    new = {p for p in tmp_path.rglob("*")} - before
    assert all(out in p.parents or p == out or root / "build" in p.parents or p == root / "build" for p in new), \
        sorted(map(str, new))
    assert not (root / "site").exists() and not (root / "dist").exists()


def test_a_second_run_reuses_the_built_sites(tmp_path):
    root = starter_project(tmp_path)
    out = tmp_path / "dist"
    first = package(root, out=out, formats=["zip"], jobs=1)
    second = package(root, out=out, formats=["zip"], jobs=1)
    assert len(first.build.built) == 2 and first.unchanged == []
    assert second.build.built == [] and len(second.build.unchanged) == 2
    # Packages whose files did not change are not written again.
    assert second.unchanged == second.packages and len(second.packages) == 2
    assert "wrote 0 package(s), 2 unchanged" in second.summary()[-1]
    replace_once(root / "curriculum" / "modules" / "getting-started.yml", "title: Getting started", "title: First steps")
    third = package(root, out=out, formats=["zip"], jobs=1)
    assert third.unchanged == []


def test_an_invalid_packages_key_is_a_located_finding(tmp_path, capsys):
    root = starter_project(tmp_path)
    replace_once(root / "curriculum" / "program.yml", "source_language: en\n", "source_language: en\npackages: [scorm3]\n")
    assert main(["-C", str(root), "package", "--out", str(tmp_path / "dist")]) == 1
    output = capsys.readouterr().out
    assert "curriculum/program.yml:" in output and "error[" in output
    assert not (tmp_path / "dist").exists() or not list((tmp_path / "dist").glob("*.zip"))


def test_usage_errors_exit_2(tmp_path, capsys):
    root = starter_project(tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        main(["-C", str(root), "package", "--format", "scorm3"])
    assert exit_info.value.code == 2
    assert main(["-C", str(root), "package", "--edition", "xx-XX", "--out", str(tmp_path / "dist")]) == 2
    assert "no edition 'xx-XX'" in capsys.readouterr().err
