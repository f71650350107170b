"""The safety of the output: what `rmkit build` writes, it writes all or nothing, one build at a time.

- Owned folders: rmkit writes only into folders it created, marked (`SITE_MARKER` in the
  output, `WORK_MARKER` in `build/`), or into new or empty ones (`check_owned`, `claim`).
- Staging: sites and PDFs are built into a staging folder beside the output
  (`staging_folder`); `swap_in` moves them into the output all or none, and puts the
  previous sites back when a move fails or is interrupted part way.
- One build at a time: `build_lock` holds the project's lock (`build/.rmkit-lock`) while
  building; a second build is refused with a finding. `sweep_partials` then removes the
  staging folders a killed build could not.
- Interrupted cleanly: `terminated_as_interrupt` ends a build on SIGTERM as on Ctrl+C, so
  that the staging folder is removed and the worker processes are stopped.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

from .cache import write_if_changed
from .findings import RmkitError, UsageError, finding

SITE_MARKER = ".rmkit-site"
WORK_MARKER = ".rmkit-build"
LOCK_FILE = ".rmkit-lock"
_PARTIAL = ".partial"


def check_owned(folder: Path, marker: str) -> None:
    """rmkit writes only into folders it created (marked), or new or empty ones."""
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file, not a folder")
    if folder.is_dir() and not (folder / marker).is_file() and any(folder.iterdir()):
        raise UsageError(f"{folder} exists and was not created by rmkit (no {marker} in it): "
                         f"rmkit does not write into it. Choose another folder or empty this one.")


def claim(folder: Path, marker: str) -> None:
    write_if_changed(folder / marker, "This folder is written by rmkit build; its content is replaced on each build.\n")


def staging_folder(out: Path) -> Path:
    """A new, empty staging folder beside the output (`.<out>-*.partial`), for the caller to remove."""
    out.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{out.name}-", suffix=_PARTIAL, dir=out.parent))


def swap_in(staging: Path, out: Path, names: list[str], landing: str) -> None:
    """Move the freshly built sites into the output, all or none: when a move fails part way
    (a read-only folder, a full disk), the sites already moved are put back as they were."""
    trash = staging / ".replaced"
    done: list[tuple[str, bool]] = []  # (site, whether a previous version was set aside)
    try:
        claim(out, SITE_MARKER)
        for name in names:
            target = out / name
            target.parent.mkdir(parents=True, exist_ok=True)
            replaced = target.exists()
            if replaced:
                (trash / name).parent.mkdir(parents=True, exist_ok=True)
                os.replace(target, trash / name)
            try:
                os.replace(staging / name, target)
            except BaseException:
                if replaced:
                    os.replace(trash / name, target)
                raise
            done.append((name, replaced))
        write_if_changed(out / "index.html", landing)
    except BaseException as e:  # a failed move, or an interruption (Ctrl+C, SIGTERM) part way
        for name, replaced in reversed(done):
            target = out / name
            os.replace(target, staging / name)
            if replaced:
                os.replace(trash / name, target)
        if not isinstance(e, OSError):
            raise
        raise RmkitError([finding("build-failed", _shown(out), f"cannot move the new sites into {_shown(out)}: "
                                  f"{e.strerror or e}; the previous sites are as they were")]) from None


def _shown(path: Path) -> str:
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)


# -- one build at a time, and nothing left behind ----------------------------------------------


@contextmanager
def build_lock(work: Path):
    """Hold the project's build lock (`build/.rmkit-lock`) while building; another `rmkit build`
    of the same project is refused with a finding. The lock is the kernel's (flock): it goes
    with the process that holds it, however that process ends, so it is never stale."""
    import fcntl

    work.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(work / LOCK_FILE, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RmkitError([finding("build-in-progress", "build/" + LOCK_FILE,
                                      "another rmkit build (or rmkit serve) is running on this project; "
                                      "try again when it has finished")]) from None
        yield  # the file is left as it is: a build that changes nothing writes nothing
    finally:
        os.close(descriptor)  # releases the lock


def sweep_partials(out: Path) -> None:
    """Staging folders that a killed build could not remove (the lock says no build runs now)."""
    if out.parent.is_dir():
        for leftover in out.parent.glob(f".{glob.escape(out.name)}-*{_PARTIAL}"):
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)


@contextmanager
def terminated_as_interrupt():
    """SIGTERM (CI cancelling a job, `kill`) ends a build as Ctrl+C does, so that its `finally`
    blocks run: the staging folder is removed and the worker processes are stopped."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGTERM)

    def interrupt(signum, frame):
        raise KeyboardInterrupt("terminated")

    signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
