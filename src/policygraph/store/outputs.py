"""The output folder of a build: one writer at a time, outputs replaced in one atomic step.

Layout of ``DIR`` (``--out``)::

    DIR/store            -> .policygraph/current/store      (symlinks, made once)
    DIR/policygraph.ttl  -> .policygraph/current/policygraph.ttl
    DIR/policygraph.trig -> .policygraph/current/policygraph.trig
    DIR/views            -> .policygraph/current/views
    DIR/.policygraph/current -> gen-<id>      (the one link a build replaces)
    DIR/.policygraph/gen-<id>/                (a complete set of outputs)
    DIR/.policygraph/cache/                   (extractions, see pipeline/cache.py)
    DIR/.policygraph/lock                     (flock'ed while a build runs)

A build writes a whole new generation folder, then replaces the ``current`` link with
``os.replace`` of a new link: rename(2) is atomic, so a reader (or a build killed with
SIGKILL at any moment) sees either every previous output or every new one, never a mix
and never a moment without a store. Old generations and leftovers of killed builds are
removed at the start of the next build, under the lock; the generation that was current
just before is kept until then, so a reader that opened it is not pulled from under.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import json
import os
import shutil
import sys
import threading
import time
from pathlib import Path
from types import TracebackType

from policygraph.errors import InputError
from policygraph.text.loader import BUILD_STATE

#: Named where the inputs are walked, which leave it out (text/loader.py says why).
STATE = BUILD_STATE
CURRENT = "current"
CACHE = "cache"
LOCK = "lock"
SOURCES = "sources.json"
FINGERPRINTS = "fingerprints.json"  # pipeline/fingerprints.py
_GENERATION = "gen-"
#: Attempts at a lock whose file a failing build removes at that very moment.
_LOCK_TRIES = 20
#: Names a build publishes at the top of the output folder.
OUTPUTS = ("store", "policygraph.ttl", "policygraph.trig", "views")


def default_mode(*, directory: bool) -> int:
    """The permissions a plain ``open``/``mkdir`` would give under the current umask
    (``mkstemp``/``mkdtemp`` use 0600/0700, too strict for files meant to be shared)."""
    mask = os.umask(0)
    os.umask(mask)
    return (0o777 if directory else 0o666) & ~mask


def checkpoint(step: str) -> None:
    """A named point of the build where the fault-injection tests stop it: when the
    environment variable ``POLICYGRAPH_PAUSE_AT`` names ``step``, say so on stderr and
    wait to be killed. Costs one lookup otherwise."""
    if os.environ.get("POLICYGRAPH_PAUSE_AT") == step:
        sys.stderr.write(f"policygraph: paused at {step}\n")
        sys.stderr.flush()
        time.sleep(3600)


class OutputFolder:
    """``with OutputFolder(out) as folder:`` holds the build lock on ``out`` and cleans up
    what killed builds left; :meth:`new_generation` and :meth:`publish` do the rest."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.state = out / STATE
        self.cache = self.state / CACHE
        self._lock: int | None = None
        self._cleaner: threading.Thread | None = None
        self._old: list[Path] = []
        self.created = False  # this build made ``out``: a failure takes it away again

    def __enter__(self) -> OutputFolder:
        # Who made the folder is decided by mkdir itself, not by a look before: of builds
        # started at once into a new --out, exactly one made it.
        try:
            self.out.mkdir(parents=True)
            self.created = True
        except FileExistsError:
            self._refuse_foreign()
        for _ in range(_LOCK_TRIES):
            fd = self._open_lock()
            try:
                # flock, not a lock file that exists or not: the kernel drops the lock when the
                # process dies, however it dies, so a killed build never leaves a stale lock.
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                self.created = False  # refused: what is there belongs to the build that runs
                raise InputError(
                    f"{self.out}: another build is writing to this folder; "
                    "wait for it to finish or choose another out="
                ) from None
            if _still_there(fd, self.state / LOCK):
                break
            # A failed build removed the folder it made, lock file included, between our
            # open and our flock: this lock guards nothing. Start again with a new file.
            os.close(fd)
        else:
            raise InputError(f"{self.out}: the folder keeps being removed while a build starts")
        self._lock = fd
        self.clean()
        return self

    def _refuse_foreign(self) -> None:
        """A build replaces ``store``, ``policygraph.ttl`` and ``policygraph.trig`` in the
        folder by its own links, and folders built before generations held the real things
        there. Anything else under those names is someone's data: refused before a byte is
        written (``--out`` pointed at a project folder with its own ``store/`` lost it)."""
        for name in ("store", "policygraph.ttl", "policygraph.trig"):
            path = self.out / name
            if not os.path.lexists(path) or _ours(path, name):
                continue
            raise InputError(
                f"{path}: already there and not policygraph's output, which would replace "
                "it; move it away or choose another out="
            )

    def _open_lock(self) -> int:
        for _ in range(_LOCK_TRIES):
            self.state.mkdir(parents=True, exist_ok=True)
            try:
                return os.open(
                    self.state / LOCK, os.O_RDWR | os.O_CREAT, default_mode(directory=False)
                )
            except FileNotFoundError:  # removed between mkdir and open (see __enter__)
                continue
        raise InputError(f"{self.out}: the folder keeps being removed while a build starts")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._lock is None:
            return
        self.sweep()
        if self._cleaner is not None:
            self._cleaner.join()
            self._cleaner = None
        try:
            if exc_type is not None and self.created:
                # Nothing half-written: a new folder a failed build made goes with it. Under
                # the lock, so no other build is writing there; one that opened the lock file
                # meanwhile finds it gone (see __enter__). Never a folder this build found.
                shutil.rmtree(self.out, ignore_errors=True)
        finally:
            os.close(self._lock)  # closing the descriptor releases the flock
            self._lock = None

    # -- generations ---------------------------------------------------------------------

    def current(self) -> Path | None:
        """The generation the outputs point to now, if any."""
        link = self.state / CURRENT
        if not link.is_symlink():
            return None
        target = self.state / os.readlink(link)
        return target if target.is_dir() else None

    def new_generation(self) -> Path:
        gen = self.state / f"{_GENERATION}{time.time_ns():x}-{os.getpid()}"
        gen.mkdir()
        return gen

    def _current_json(self, name: str) -> dict[str, object]:
        """The JSON object in the file ``name`` of the current outputs; empty when there
        are none, or the file is missing, damaged or not an object."""
        current = self.current()
        if current is None:
            return {}
        try:
            data = json.loads((current / name).read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def previous_sources(self) -> dict[str, str]:
        """``{document name: cache key}`` of the current outputs (empty when there are
        none, or they were built before incremental builds)."""
        documents = self._current_json(SOURCES).get("documents", {})
        if not isinstance(documents, dict):
            return {}
        return {str(k): str(v) for k, v in documents.items()}

    def previous_fingerprints(self) -> dict[str, list[object]]:
        """What the current outputs' build recorded of each source's ``stat``
        (pipeline/fingerprints.py); empty when there is no such record."""
        data = self._current_json(FINGERPRINTS)
        return {str(k): v for k, v in data.items() if isinstance(v, list)}

    def publish(
        self,
        gen: Path,
        sources: dict[str, str],
        fingerprints: dict[str, list[object]] | None = None,
    ) -> None:
        """Make ``gen`` the current outputs, in one atomic step."""
        with open(gen / SOURCES, "w", encoding="utf-8") as f:
            json.dump({"documents": dict(sorted(sources.items()))}, f, indent=0)
        if fingerprints:
            with open(gen / FINGERPRINTS, "w", encoding="utf-8") as f:
                json.dump(fingerprints, f, separators=(",", ":"))
        self._keep_previous_views(gen)
        _share(gen)
        checkpoint("publish.before-swap")
        link = self.state / f"{CURRENT}.new"
        link.unlink(missing_ok=True)
        link.symlink_to(gen.name)
        os.replace(link, self.state / CURRENT)
        checkpoint("publish.swapped")
        for name in OUTPUTS:
            if (gen / name).exists():
                self._link_output(name)
        checkpoint("publish.linked")

    def discard(self, gen: Path) -> None:
        shutil.rmtree(gen, ignore_errors=True)

    def clean(self) -> None:
        """Remove what killed or finished builds left: generations other than the current
        one, a half-made link, temporary cache files, and staging folders of the earlier
        folder layout. Runs under the lock, so no other build is using any of it."""
        current = self.current()
        old = []
        for path in self.state.iterdir():
            if path.name.startswith(_GENERATION) and path != current:
                old.append(path)
            elif path.name == f"{CURRENT}.new":
                path.unlink(missing_ok=True)
        if self.cache.is_dir():
            for path in self.cache.glob(".*.tmp"):
                path.unlink(missing_ok=True)
        for path in self.out.iterdir():
            if path.name.startswith((".staging-", ".link-")):
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)
        # Old generations (a store, a text per document) go in a thread while the build
        # runs (0.3 s of unlinks on the bulk corpus), started by :meth:`sweep` once the
        # extraction workers are done with the CPU; the build waits for it before it ends.
        # Killed meanwhile, the next build removes what is left.
        self._old = old

    def sweep(self) -> None:
        """Start removing the old generations :meth:`clean` found, in a thread. A build
        calls it once its sources are read: started with the lock, the unlinks took a
        core from the worker that extracts a changed document (0.1-0.3 s later done)."""
        if self._old and self._cleaner is None:
            self._cleaner = threading.Thread(target=_remove_all, args=(self._old,), daemon=True)
            self._cleaner.start()
        self._old = []

    # -- the fixed links at the top of the folder ----------------------------------------

    def _link_output(self, name: str) -> None:
        """Point ``out/NAME`` at ``.policygraph/current/NAME``, once. Output folders built
        before generations hold a real folder or file there: it is exchanged for the link
        atomically where the system can (Linux renameat2), else moved aside first."""
        target = f"{STATE}/{CURRENT}/{name}"
        path = self.out / name
        if path.is_symlink() and os.readlink(path) == target:
            return
        tmp = self.out / f".link-{name}"
        tmp.unlink(missing_ok=True)
        tmp.symlink_to(target)
        if path.is_dir() and not path.is_symlink():
            if not _exchange(tmp, path):
                old = self.out / f".staging-old-{name}"
                os.replace(path, old)
                os.replace(tmp, path)
                tmp = old
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            os.replace(tmp, path)

    def _keep_previous_views(self, gen: Path) -> None:
        """Pages of the previous views folder that this build did not write again (all of
        them after ``--no-views``; those ``policygraph view`` wrote there, such as
        ``entity.html``) go into the new generation by hard links, so a rebuild never
        deletes a page a user made, and the previous generation stays whole until the swap."""
        views = self.out / "views"
        if not views.is_dir():
            return
        for page in sorted(views.rglob("*")):
            new = gen / "views" / page.relative_to(views)
            if page.is_file() and not new.exists():
                new.parent.mkdir(parents=True, exist_ok=True)
                os.link(page, new)


def _ours(path: Path, name: str) -> bool:
    """Whether ``out/NAME`` is what a build made: the link to the current generation, a
    store (RocksDB's files) or a file naming policygraph's IRIs, of the earlier layout."""
    if path.is_symlink():
        return os.readlink(path) == f"{STATE}/{CURRENT}/{name}"
    try:
        if name == "store":
            return path.is_dir() and (path / "CURRENT").is_file()
        if not path.is_file():
            return False
        with path.open("rb") as f:
            return b"https://w3id.org/policygraph/" in f.read(1 << 16)
    except OSError:
        return False


def _still_there(fd: int, path: Path) -> bool:
    """Whether ``path`` is still the file ``fd`` has open (not removed, nor replaced)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return False
    own = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (own.st_dev, own.st_ino)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic rename (Linux ``renameat2(RENAME_EXCHANGE)``); False
    where the system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _share(path: Path) -> None:
    """Outputs get the permissions of ordinary files and folders under the umask.
    (``os.walk``, not ``Path.rglob``: a bulk generation has 3,000 texts, 0.05 → 0.02 s.)"""
    folder, file = default_mode(directory=True), default_mode(directory=False)
    os.chmod(path, folder)
    for root, dirs, files in os.walk(path):
        for names, mode in ((dirs, folder), (files, file)):
            for name in names:
                with contextlib.suppress(FileNotFoundError):
                    os.chmod(os.path.join(root, name), mode)


def _remove_all(paths: list[Path]) -> None:
    for path in paths:
        shutil.rmtree(path, ignore_errors=True)
