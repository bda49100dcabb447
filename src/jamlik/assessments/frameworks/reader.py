"""The strict YAML reader: ``parse_framework`` composes the YAML nodes (keeping lines and
duplicate keys, which ``yaml.safe_load`` would lose) and checks every key and value,
collecting the problems with file, line and key path."""

import re
from typing import Any

import yaml
from django.utils.translation import gettext as _

from jamlik.assessments.frameworks.spec import (
    _BOOL,
    _FLOAT,
    _INT,
    _NULL,
    _STR,
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
)


class _Reader:
    """Walks the composed node tree, collecting problems with their marks."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[Problem] = []
        self._constructor = yaml.SafeLoader("")

    def problem(self, node: Any, path: list[str], message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 1
        self.problems.append(Problem(self.name, line, ".".join(path), message))

    # -- node helpers

    def mapping(
        self,
        node: Any,
        path: list[str],
        *,
        required: tuple[str, ...],
        optional: tuple[str, ...] = (),
    ) -> dict[str, tuple[Any, Any]] | None:
        """The mapping's entries as {key: (key_node, value_node)}; None when not a mapping."""
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, path, _("expected a mapping of keys to values"))
            return None
        entries: dict[str, tuple[Any, Any]] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR:
                self.problem(key_node, path, _("keys must be plain text"))
                continue
            key = key_node.value
            if key == "<<":
                self.problem(key_node, path, _("merge keys (<<) are not allowed"))
                continue
            if key in entries:
                first = entries[key][0].start_mark.line + 1
                self.problem(
                    key_node,
                    [*path, key],
                    _("duplicate key (first given on line %(line)s)") % {"line": first},
                )
                continue
            if key not in required and key not in optional:
                allowed = ", ".join(required + optional)
                self.problem(
                    key_node,
                    [*path, key],
                    _("unknown key; allowed here: %(keys)s") % {"keys": allowed},
                )
                continue
            entries[key] = (key_node, value_node)
        for key in required:
            if key not in entries:
                self.problem(node, [*path, key], _("missing required key"))
        return entries

    def sequence(self, node: Any, path: list[str], *, min_items: int = 1) -> list[Any]:
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, path, _("expected a list"))
            return []
        if len(node.value) < min_items:
            self.problem(node, path, _("the list is empty"))
        return list(node.value)

    def text(
        self,
        entries: dict[str, tuple[Any, Any]],
        key: str,
        path: list[str],
        *,
        max_length: int,
        required: bool = True,
        pattern: re.Pattern[str] | None = None,
    ) -> str:
        if key not in entries:
            return ""
        node = entries[key][1]
        where = [*path, key]
        if not isinstance(node, yaml.ScalarNode) or node.tag == _NULL:
            if required or isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
                self.problem(node, where, _("expected text"))
            return ""
        if node.tag != _STR:
            self.problem(
                node,
                where,
                _("expected text, got %(value)s; put it in quotes") % {"value": node.value[:40]},
            )
            return ""
        value = node.value.strip()
        if required and not value:
            self.problem(node, where, _("must not be blank"))
        elif len(value) > max_length:
            self.problem(node, where, _("at most %(n)s characters") % {"n": max_length})
        elif any(ord(c) < 32 and c not in "\n\t" for c in value):
            self.problem(node, where, _("contains control characters"))
        elif pattern is not None and not pattern.match(value):
            self.problem(
                node,
                where,
                _("“%(value)s” is not a valid key: use a–z, digits, '-' and '_'")
                % {"value": value[:60]},
            )
        return value

    def score(self, node: Any, path: list[str]) -> tuple[bool, float | None]:
        if isinstance(node, yaml.ScalarNode) and node.tag == _NULL:
            return True, None
        if isinstance(node, yaml.ScalarNode) and node.tag in (_INT, _FLOAT):
            number = self._constructor.construct_object(node)
            if number != number or number in (float("inf"), float("-inf")):
                self.problem(node, path, _("must be a finite number"))
                return False, None
            return True, number
        value = node.value if isinstance(node, yaml.ScalarNode) else ""
        self.problem(
            node,
            path,
            _("must be a number or null, not “%(value)s”") % {"value": str(value)[:40]},
        )
        return False, None

    def flag(self, entries: dict[str, tuple[Any, Any]], key: str, path: list[str]) -> bool:
        if key not in entries:
            return False
        node = entries[key][1]
        if isinstance(node, yaml.ScalarNode) and node.tag == _BOOL:
            return bool(self._constructor.construct_object(node))
        self.problem(node, [*path, key], _("must be true or false"))
        return False


def _item_name(node: Any, index: int) -> str:
    """A list item's name in a key path: its ``key`` when it has one, else #n (1-based)."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if (
                isinstance(key_node, yaml.ScalarNode)
                and key_node.value == "key"
                and isinstance(value_node, yaml.ScalarNode)
                and value_node.value
            ):
                return value_node.value[:60]
    return f"#{index}"


def parse_framework(source: str | bytes, name: str = "<framework>") -> FrameworkSpec:
    """Parse and validate a framework file; raises FrameworkInvalid listing every problem."""
    if isinstance(source, bytes):
        if len(source) > MAX_FILE_BYTES:
            raise FrameworkInvalid([Problem(name, 1, "", _("the file is larger than 2 MB"))])
        try:
            source = source.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = exc.object[: exc.start].count(b"\n") + 1  # exc.object: the bytes
            raise FrameworkInvalid([Problem(name, line, "", _("the file is not UTF-8"))]) from None
    if "\x00" in source:
        line = source[: source.index("\x00")].count("\n") + 1
        raise FrameworkInvalid([Problem(name, line, "", _("the file contains a NUL character"))])
    try:
        root = yaml.compose(source, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = exc.problem or exc.context or "syntax error"
        raise FrameworkInvalid(
            [Problem(name, line, "", _("YAML syntax error: %(problem)s") % {"problem": problem})]
        ) from None
    except yaml.YAMLError as exc:
        raise FrameworkInvalid(
            [Problem(name, 1, "", _("YAML syntax error: %(problem)s") % {"problem": exc})]
        ) from None
    if root is None:
        raise FrameworkInvalid([Problem(name, 1, "", _("the file is empty"))])
    reader = _Reader(name)
    spec = _read_framework(reader, root)
    if reader.problems or spec is None:
        raise FrameworkInvalid(sorted(reader.problems, key=lambda p: p.line))
    return spec


def _read_framework(reader: _Reader, root: Any) -> FrameworkSpec | None:
    top = reader.mapping(
        root,
        [],
        required=("key", "version", "title", "scales", "default_scale", "areas"),
        optional=("description", "title_en", "description_en"),
    )
    if top is None:
        return None
    key = reader.text(top, "key", [], max_length=100, pattern=KEY_RE)
    version = reader.text(top, "version", [], max_length=50)
    title = reader.text(top, "title", [], max_length=TITLE_MAX)
    description = reader.text(top, "description", [], max_length=TEXT_MAX, required=False)
    scales = _read_scales(reader, top["scales"][1]) if "scales" in top else {}
    default_scale = reader.text(top, "default_scale", [], max_length=50)
    if "default_scale" in top and default_scale and scales and default_scale not in scales:
        reader.problem(
            top["default_scale"][1],
            ["default_scale"],
            _("unknown scale “%(name)s”; defined scales: %(known)s")
            % {"name": default_scale, "known": ", ".join(scales)},
        )
    areas = _read_areas(reader, top["areas"][1], scales) if "areas" in top else []
    return FrameworkSpec(
        key=key,
        version=version,
        title=title,
        description=description,
        scales=scales,
        default_scale=default_scale,
        areas=areas,
        title_en=reader.text(top, "title_en", [], max_length=TITLE_MAX, required=False),
        description_en=reader.text(top, "description_en", [], max_length=TEXT_MAX, required=False),
    )


def _read_scales(reader: _Reader, node: Any) -> dict[str, list[ScaleOption]]:
    if not isinstance(node, yaml.MappingNode):
        reader.problem(node, ["scales"], _("expected a mapping of scale names to lists"))
        return {}
    if not node.value:
        reader.problem(node, ["scales"], _("define at least one scale"))
    scales: dict[str, list[ScaleOption]] = {}
    for key_node, value_node in node.value:
        name = key_node.value if isinstance(key_node, yaml.ScalarNode) else ""
        path = ["scales", str(name)]
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR:
            reader.problem(key_node, ["scales"], _("scale names must be plain text"))
            continue
        if not KEY_RE.match(name):
            reader.problem(
                key_node, path, _("not a valid scale name: use a–z, digits, '-' and '_'")
            )
            continue
        if name in scales:
            reader.problem(key_node, path, _("duplicate scale"))
            continue
        options: list[ScaleOption] = []
        values: dict[str, int] = {}
        for index, item in enumerate(reader.sequence(value_node, path), start=1):
            item_path = [*path, f"#{index}"]
            entries = reader.mapping(
                item, item_path, required=("value", "label", "score"), optional=("label_en",)
            )
            if entries is None:
                continue
            value = reader.text(entries, "value", item_path, max_length=50)
            if value and not VALUE_RE.match(value):
                reader.problem(
                    entries["value"][1],
                    [*item_path, "value"],
                    _("use letters a–z, digits, '-' and '_' only (at most 50)"),
                )
            label = reader.text(entries, "label", item_path, max_length=TITLE_MAX)
            label_en = reader.text(
                entries, "label_en", item_path, max_length=TITLE_MAX, required=False
            )
            ok, score = (
                reader.score(entries["score"][1], [*item_path, "score"])
                if "score" in entries
                else (False, None)
            )
            if value in values:
                reader.problem(
                    entries["value"][1],
                    [*item_path, "value"],
                    _("duplicate value “%(value)s” (first on line %(line)s)")
                    % {"value": value, "line": values[value]},
                )
            elif value:
                values[value] = entries["value"][1].start_mark.line + 1
            if value and label and ok:
                options.append(
                    ScaleOption(value=value, label=label, score=score, label_en=label_en)
                )
        if isinstance(value_node, yaml.SequenceNode) and value_node.value:
            if len({o.score for o in options if o.score is not None}) < 2 and len(options) == len(
                value_node.value
            ):
                reader.problem(
                    value_node,
                    path,
                    _("a scale needs at least two different scores (lowest and highest)"),
                )
        scales[name] = options
    return scales


def _read_areas(reader: _Reader, node: Any, scales: dict[str, list[ScaleOption]]) -> list[AreaSpec]:
    areas: list[AreaSpec] = []
    area_lines: dict[str, int] = {}
    requirement_lines: dict[str, int] = {}
    for index, area_node in enumerate(reader.sequence(node, ["areas"]), start=1):
        path = ["areas", _item_name(area_node, index)]
        entries = reader.mapping(
            area_node,
            path,
            required=("key", "title", "requirements"),
            optional=("description", "title_en", "description_en"),
        )
        if entries is None:
            continue
        key = reader.text(entries, "key", path, max_length=100, pattern=KEY_RE)
        if key in area_lines:
            reader.problem(
                entries["key"][1],
                [*path, "key"],
                _("duplicate area key (first on line %(line)s)") % {"line": area_lines[key]},
            )
        elif key:
            area_lines[key] = entries["key"][1].start_mark.line + 1
        area = AreaSpec(
            key=key,
            title=reader.text(entries, "title", path, max_length=TITLE_MAX),
            description=reader.text(
                entries, "description", path, max_length=TEXT_MAX, required=False
            ),
            title_en=reader.text(entries, "title_en", path, max_length=TITLE_MAX, required=False),
            description_en=reader.text(
                entries, "description_en", path, max_length=TEXT_MAX, required=False
            ),
        )
        if "requirements" in entries:
            requirement_nodes = reader.sequence(entries["requirements"][1], [*path, "requirements"])
            for r_index, r_node in enumerate(requirement_nodes, start=1):
                requirement = _read_requirement(
                    reader,
                    r_node,
                    [*path, "requirements", _item_name(r_node, r_index)],
                    scales,
                    requirement_lines,
                )
                if requirement is not None:
                    area.requirements.append(requirement)
        areas.append(area)
    return areas


def _read_requirement(
    reader: _Reader,
    node: Any,
    path: list[str],
    scales: dict[str, list[ScaleOption]],
    seen: dict[str, int],
) -> RequirementSpec | None:
    entries = reader.mapping(
        node,
        path,
        required=("key", "text", "reference"),
        optional=("guidance", "scale", "check", "text_en", "guidance_en"),
    )
    if entries is None:
        return None
    key = reader.text(entries, "key", path, max_length=100, pattern=KEY_RE)
    if key in seen:
        reader.problem(
            entries["key"][1],
            [*path, "key"],
            _("duplicate requirement key (first on line %(line)s)") % {"line": seen[key]},
        )
    elif key:
        seen[key] = entries["key"][1].start_mark.line + 1
    scale = None
    if "scale" in entries:
        scale = reader.text(entries, "scale", path, max_length=50) or None
        if scale and scales and scale not in scales:
            reader.problem(
                entries["scale"][1],
                [*path, "scale"],
                _("unknown scale “%(name)s”; defined scales: %(known)s")
                % {"name": scale, "known": ", ".join(scales)},
            )
    return RequirementSpec(
        key=key,
        text=reader.text(entries, "text", path, max_length=TEXT_MAX),
        reference=reader.text(entries, "reference", path, max_length=REFERENCE_MAX),
        guidance=reader.text(entries, "guidance", path, max_length=TEXT_MAX, required=False),
        scale=scale,
        check=reader.flag(entries, "check", path),
        text_en=reader.text(entries, "text_en", path, max_length=TEXT_MAX, required=False),
        guidance_en=reader.text(entries, "guidance_en", path, max_length=TEXT_MAX, required=False),
    )
