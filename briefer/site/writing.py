"""Writing the site into its folder: only pages whose content changed, each atomically, and the pages of an
earlier build that are no longer part of the site removed.

The folder holds a manifest, `.briefer-site.json`: every file the site wrote with the fingerprint of what it
was made from, and the summaries of the runs it read. A page whose fingerprint is unchanged is neither made
again nor rewritten; a file the manifest does not list is never touched, and a folder that holds files but no
manifest is refused rather than written into.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from briefer.errors import UsageError
from briefer.site.records import SUMMARY_VERSION, Summary
from briefer.storage import write_atomic

MANIFEST = ".briefer-site.json"
LOCK = ".briefer-site.lock"
MANIFEST_VERSION = 1
_SITE_PATH = re.compile(r"^(?:[a-z0-9][a-z0-9._-]*/)?[a-z0-9][a-z0-9._-]*\.(?:html|xml|ics)$")


class SiteError(UsageError):
    """The site's folder cannot be used or written."""


@dataclass
class Manifest:
    pages: dict[str, str] = field(default_factory=dict)  # path -> fingerprint
    summaries: dict[str, Summary] = field(default_factory=dict)  # run key -> summary
    events: dict[str, str] = field(default_factory=dict)  # fingerprint -> a calendar event's text

    def to_json(self) -> str:
        data = {
            "version": MANIFEST_VERSION,
            "summary_version": SUMMARY_VERSION,
            "pages": dict(sorted(self.pages.items())),
            "summaries": {k: v.to_json() for k, v in sorted(self.summaries.items())},
            "events": dict(sorted(self.events.items())),
        }
        return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def check_folder(folder: Path) -> None:
    """A SiteError unless `folder` is a site's, empty, or not there yet: a site is never written among files
    that are not its own."""
    if folder.exists() and not folder.is_dir():
        raise SiteError(f"{folder}: not a folder")
    if folder.is_dir() and not (folder / MANIFEST).exists() and any(p.name != LOCK for p in folder.iterdir()):
        raise SiteError(f"{folder}: the folder holds other files and no {MANIFEST}; choose a new or empty folder")


def read_manifest(folder: Path) -> Manifest:
    """The manifest of the site in `folder` (empty for a new or empty folder); a SiteError for a folder that
    holds other files."""
    check_folder(folder)
    path = folder / MANIFEST
    if not path.exists():
        return Manifest()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        pages = {str(k): str(v) for k, v in data["pages"].items() if _SITE_PATH.match(str(k))}
        summaries, events = {}, {}
        if data.get("summary_version") == SUMMARY_VERSION and data.get("version") == MANIFEST_VERSION:
            summaries = {str(k): Summary.from_json(v) for k, v in data["summaries"].items()}
            events = {str(k): str(v) for k, v in data.get("events", {}).items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return Manifest()  # unreadable: every page is made again, and nothing is removed
    return Manifest(pages, summaries, events)


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold the site folder's lock: two builds into one folder take turns."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = (folder / LOCK).open("a")
    except OSError as e:
        raise SiteError(f"{folder}: cannot write the site there ({e.strerror})") from None
    with handle:
        try:
            import fcntl
        except ImportError:  # not on this platform: builds are not serialised
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def fingerprint(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]


@dataclass
class Writer:
    """Writes the pages of one build, counting what it did."""

    folder: Path
    old: Manifest
    new: Manifest = field(default_factory=Manifest)
    written: int = 0
    unchanged: int = 0
    removed: int = 0

    def fresh(self, path: str, key: str) -> bool:
        """Whether the page at `path` was made from `key` and is there: then it is kept as it is."""
        if self.old.pages.get(path) == key and (self.folder / path).is_file():
            self.new.pages[path] = key
            self.unchanged += 1
            return True
        return False

    def page(self, path: str, make: Callable[[], str], key: str | None = None) -> None:
        """The page at `path`: made by `make` unless `key` (its fingerprint) is the one it was made with and
        the file is there; written only when its text differs from the file's."""
        if key is not None and self.fresh(path, key):
            return
        target = self.folder / path
        self.new.pages[path] = key or ""
        text = make()
        try:
            if target.is_file() and target.read_bytes() == text.encode("utf-8"):
                self.unchanged += 1
                return
            write_atomic(text, target)
        except OSError as e:
            raise SiteError(f"{target}: cannot write the page ({getattr(e, 'strerror', None) or e})") from None
        self.written += 1

    def finish(self, summaries: dict[str, Summary], events: dict[str, str]) -> None:
        """Remove the earlier build's pages that this one did not make, then write the manifest."""
        for path in sorted(set(self.old.pages) - set(self.new.pages)):
            target = self.folder / path
            with contextlib.suppress(FileNotFoundError):
                target.unlink()
                self.removed += 1
            with contextlib.suppress(OSError):  # a folder left empty goes too
                if target.parent != self.folder:
                    target.parent.rmdir()
        self.new.summaries, self.new.events = summaries, events
        self._save(self.new)

    def abandon(self) -> None:
        """A build that failed halfway: record what it wrote beside what the earlier build did, so the next
        build knows every page it may replace or remove (and that this is a site's folder)."""
        pages = {**self.old.pages, **{path: "" for path in self.new.pages}}
        with contextlib.suppress(SiteError):
            self._save(Manifest(pages, self.old.summaries, self.old.events))

    def _save(self, manifest: Manifest) -> None:
        try:
            write_atomic(manifest.to_json(), self.folder / MANIFEST)
        except OSError as e:
            raise SiteError(f"{self.folder / MANIFEST}: cannot write ({e.strerror})") from None
