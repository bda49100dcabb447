"""Reading and validating framework files (YAML) without touching the database.

A framework file is strict: every key is known, every value has the right type, keys are
unique, each scale has at least two different scores. Problems are collected, not stopped at
the first, and each names the file, the line and the key path (``areas.grunder.requirements
.dl-3-3-fortlopande-arbete.scale``), read from the YAML node marks of ``yaml.compose``:
``yaml.safe_load`` would silently keep the last of two duplicate keys and forget lines.

The format::

    key: aktiva-atgarder            # slug, the same for every version
    version: "2019"                 # a string: quote it
    title: ...
    description: ...                # optional
    scales:
      compliance:
        - {value: "yes", label: Uppfyllt, score: 2}
        - {value: "na", label: Ej tillämpligt, score: null}   # null: no score
    default_scale: compliance
    areas:
      - key: grunder
        title: ...
        description: ...            # optional
        title_en: ...               # optional: the English texts, shown when English is
        description_en: ...         # active (assessments.texts); likewise text_en and
        requirements:               # guidance_en of a requirement, label_en of an option,
                                    # title_en and description_en of the framework
          - key: dl-3-1-diskrimineringsgrunder   # stable across versions
            text: ...
            reference: ...
            guidance: ...           # optional
            scale: maturity         # optional, else default_scale
            check: true             # optional: wording to be checked against the law text

Two modules: ``spec`` (the parsed form, limits, problems, ``normalised_score``, the built-in
files, which are the ``*.yaml`` beside them) and ``reader`` (``parse_framework``); every
public name is re-exported here.
"""

from jamlik.assessments.frameworks.reader import (
    parse_framework,
)
from jamlik.assessments.frameworks.spec import (
    BUILTIN_DIR,
    KEY_RE,
    MAX_FILE_BYTES,
    REFERENCE_MAX,
    TEXT_MAX,
    TITLE_MAX,
    VALUE_RE,
    AreaSpec,
    FrameworkInvalid,
    FrameworkSpec,
    Problem,
    RequirementSpec,
    ScaleOption,
    builtin_files,
    normalised_score,
)

__all__ = [
    "BUILTIN_DIR",
    "KEY_RE",
    "MAX_FILE_BYTES",
    "REFERENCE_MAX",
    "TEXT_MAX",
    "TITLE_MAX",
    "VALUE_RE",
    "AreaSpec",
    "FrameworkInvalid",
    "FrameworkSpec",
    "Problem",
    "RequirementSpec",
    "ScaleOption",
    "builtin_files",
    "normalised_score",
    "parse_framework",
]
