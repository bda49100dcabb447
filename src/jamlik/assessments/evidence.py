"""The rules of an evidence file (underlag), pure: which kinds are taken, how a file's kind
is told from its content (magic bytes, and for the office formats the ZIP's entries), the
size limit and the name it is served under.

A file's name must end in the extension of the kind its content shows: a PDF named
``.docx`` or an HTML page named ``.pdf`` is refused. Office files with macros are refused:
nothing executable is kept. Whatever was sent as the content type is ignored; the file is
served with its kind's own type, as an attachment (services.evidence, views.evidence).
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from django.conf import settings

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# Files (every revision) one answer may have: a bound on what a respondent link can store.
MAX_FILES_PER_ANSWER = 50
FILENAME_MAX = 200
# At most this many entries are read from an office file's ZIP directory.
ZIP_ENTRIES_MAX = 5000


@dataclass(frozen=True)
class Kind:
    name: str  # what the messages call it
    extensions: tuple[str, ...]
    content_type: str


PDF = Kind("PDF", (".pdf",), "application/pdf")
DOCX = Kind(
    "DOCX",
    (".docx",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)
XLSX = Kind("XLSX", (".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
ODT = Kind("ODT", (".odt",), "application/vnd.oasis.opendocument.text")
PNG = Kind("PNG", (".png",), "image/png")
JPEG = Kind("JPEG", (".jpg", ".jpeg"), "image/jpeg")
TXT = Kind("TXT", (".txt",), "text/plain; charset=utf-8")

KINDS = (PDF, DOCX, XLSX, ODT, PNG, JPEG, TXT)
ALLOWED_EXTENSIONS = tuple(ext for kind in KINDS for ext in kind.extensions)


def max_bytes() -> int:
    """The largest file taken (settings.EVIDENCE_MAX_BYTES, 10 MB by default)."""
    return int(getattr(settings, "EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


def allowed_names() -> str:
    return ", ".join(kind.name for kind in KINDS)


def extension(filename: str) -> str:
    dot = filename.rfind(".")
    return filename[dot:].lower() if dot > 0 else ""


def kind_for_extension(filename: str) -> Kind | None:
    ext = extension(filename)
    return next((kind for kind in KINDS if ext in kind.extensions), None)


_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def clean_filename(filename: str) -> str:
    """The name the file is shown and downloaded under: the last path part, without control
    characters or characters no file system takes, at most FILENAME_MAX characters with its
    extension kept."""
    name = unicodedata.normalize("NFC", str(filename or ""))
    name = re.split(r"[/\\]", name)[-1]
    name = _UNSAFE.sub("_", name).strip(" .")
    if len(name) > FILENAME_MAX:
        ext = extension(name)[:20]
        name = name[: FILENAME_MAX - len(ext)] + ext
    return name or "file"


def _zip_names(content: bytes) -> list[str] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
            if len(infos) > ZIP_ENTRIES_MAX:
                return None
            names = [info.filename for info in infos]
            if names and names[0] == "mimetype":
                # ODF names its type in the first entry, stored uncompressed.
                names.append(
                    "mimetype:" + archive.read("mimetype")[:100].decode("ascii", "replace")
                )
            return names
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError):
        return None


def _has_macros(names: list[str]) -> bool:
    lowered = [n.lower() for n in names]
    return any(
        n.endswith("vbaproject.bin") or n.startswith("basic/") or n.startswith("scripts/")
        for n in lowered
    )


def _is_text(content: bytes) -> bool:
    if b"\x00" in content:
        return False
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    # Tabs, line breaks and form feeds only: other controls mean a binary file.
    return not any(ord(c) < 0x20 and c not in "\t\n\r\f" for c in text)


class Refused(ValueError):
    """Why a file is not taken; ``reason`` is a key services.evidence turns into a message."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def sniff(content: bytes) -> Kind | None:
    """The kind the content shows, or None when it is none of those taken (or an office
    file with macros)."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"PK\x03\x04"):
        names = _zip_names(content)
        if names is None or _has_macros(names):
            return None
        if "mimetype:application/vnd.oasis.opendocument.text" in names:
            return ODT
        if "word/document.xml" in names and "[Content_Types].xml" in names:
            return DOCX
        if "xl/workbook.xml" in names and "[Content_Types].xml" in names:
            return XLSX
        return None
    if _is_text(content):
        return TXT
    return None


def check(filename: str, content: bytes) -> Kind:
    """The kind of an uploaded file, or ``Refused``: empty, too large, a name without an
    extension taken, content that is none of the kinds taken or not the one its name says."""
    if not content:
        raise Refused("empty")
    if len(content) > max_bytes():
        raise Refused("too_large")
    named = kind_for_extension(filename)
    if named is None:
        raise Refused("type")
    found = sniff(content)
    if found is None:
        raise Refused("content")
    if found != named:
        raise Refused("mismatch")
    return found
