"""Read a profile's YAML keeping the line of every value, so errors can name it.

PyYAML's composer gives each node its start mark; the document is constructed from
the same node tree, and a walk over that tree records the line of every path
("agents", 0, "extension").  Duplicate keys, which PyYAML silently resolves to the
last one, are refused here: in a profile they are always a mistake.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import yaml

from provisioning.profiles.exceptions import ProfileError

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class LoadedProfile:
    """A profile's data, the line of each path in it, and where it came from."""

    data: dict[str, Any]
    lines: dict[Path_, int]
    source: str
    sha256: str = ""  # of the profile's text: the unit's record and its reports name it

    def line_of(self, path: Path_) -> int:
        """Return the line of path, or of its nearest enclosing value."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return 1

    def error(self, path: Path_, message: str) -> ProfileError:
        """Return a ProfileError about path, naming its line and dotted name."""
        return ProfileError(f"{dotted(path)}: {message}" if path else message,
                            self.source, self.line_of(path))  # fmt: skip


def dotted(path: Path_) -> str:
    """Return a path as people read it: agents[0].phone.mac."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def load_text(text: str, source: str) -> LoadedProfile:
    """Return the profile in text; raise ProfileError naming the line of a YAML mistake."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise ProfileError("the profile is empty", source, 1)
        lines: dict[Path_, int] = {}
        _walk(node, (), lines, source)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise ProfileError(f"not valid YAML: {exc.problem or exc}", source, line) from None
    except yaml.YAMLError as exc:
        raise ProfileError(f"not valid YAML: {exc}", source) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise ProfileError("the profile must be a mapping (unit:, agents:, ...)", source, 1)
    return LoadedProfile(data, lines, source, hashlib.sha256(text.encode()).hexdigest())


def _walk(node: yaml.Node, path: Path_, lines: dict[Path_, int], source: str) -> None:
    """Record the line of node and of everything under it; refuse duplicate keys."""
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                where = key_node.start_mark.line + 1
                raise ProfileError(f"{dotted((*path, key))}: given twice", source, where)
            seen.add(key)
            _walk(value_node, (*path, key), lines, source)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), lines, source)
