"""What a framework file describes (``FrameworkSpec`` and its parts), the limits of the
format, the problems a check reports (``Problem``, ``FrameworkInvalid``), ``normalised_score``
and the built-in framework files beside this module."""

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from jamlik.core.errors import Invalid

BUILTIN_DIR = Path(__file__).resolve().parent
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")
VALUE_RE = re.compile(r"^[A-Za-z0-9_-]{1,50}$")
MAX_FILE_BYTES = 2 * 1024 * 1024
TITLE_MAX = 200
TEXT_MAX = 10_000
REFERENCE_MAX = 500

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"


@dataclass(frozen=True)
class ScaleOption:
    value: str
    label: str
    score: float | None
    label_en: str = ""


@dataclass
class RequirementSpec:
    key: str
    text: str
    reference: str
    guidance: str = ""
    scale: str | None = None  # as written; None means the framework's default scale
    check: bool = False
    text_en: str = ""
    guidance_en: str = ""


@dataclass
class AreaSpec:
    key: str
    title: str
    description: str = ""
    requirements: list[RequirementSpec] = field(default_factory=list)
    title_en: str = ""
    description_en: str = ""


@dataclass
class FrameworkSpec:
    key: str
    version: str
    title: str
    description: str
    scales: dict[str, list[ScaleOption]]
    default_scale: str
    areas: list[AreaSpec]
    title_en: str = ""
    description_en: str = ""

    def as_data(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def content_hash(self) -> str:
        """SHA-256 of the content, not of the bytes: comments and layout do not count, nor
        do the English texts (``*_en``), which translate the Swedish ones without changing
        what is asked: adding or correcting them keeps the hash, so a version in use can
        get them (``framework_write``), and the hashes stored before they existed hold."""
        canonical = json.dumps(_without_english(self.as_data()), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()

    def requirement_count(self) -> int:
        return sum(len(a.requirements) for a in self.areas)


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class FrameworkInvalid(Invalid):
    """A framework file with problems; ``problems`` lists them all."""

    code = "framework_invalid"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(
            "\n".join(str(p) for p in problems),
            errors=[
                {"field": f"{p.file}:{p.line} {p.path}", "message": p.message} for p in problems
            ],
        )


# The English texts' fields of the parsed form (not scale names, which are the file's).
ENGLISH_FIELDS = frozenset({"title_en", "description_en", "text_en", "guidance_en", "label_en"})


def _is_english(key: str) -> bool:
    return key in ENGLISH_FIELDS


def _without_english(data: Any) -> Any:
    """``data`` (``as_data``) without the English keys: the same as before they existed."""
    if isinstance(data, dict):
        return {k: _without_english(v) for k, v in data.items() if not _is_english(k)}
    if isinstance(data, list):
        return [_without_english(v) for v in data]
    return data


def normalised_score(options: list[ScaleOption] | list[dict[str, Any]], value: str) -> float | None:
    """The answer's score on 0–100: (score − lowest) / (highest − lowest) × 100 on its scale
    (docs/rules.md#assessments-scores); None for a value without a score (not applicable, don't know) or not on it."""
    scores = []
    chosen: Any = None
    found = False
    for option in options:
        score = option.score if isinstance(option, ScaleOption) else option.get("score")
        option_value = option.value if isinstance(option, ScaleOption) else option.get("value")
        if score is not None:
            scores.append(score)
        if option_value == value:
            chosen, found = score, True
    if not found or chosen is None or len(set(scores)) < 2:
        return None
    lowest, highest = min(scores), max(scores)
    return (chosen - lowest) / (highest - lowest) * 100


def builtin_files() -> list[Path]:
    return sorted(BUILTIN_DIR.glob("*.yaml"))
