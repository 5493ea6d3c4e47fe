"""Read a YAML file into plain Python data plus the line of every mapping key and list item.

PyYAML's constructor forgets where things were, so this composes the node tree with libyaml's
safe C parser and builds the data while walking it, recording ``path -> line``. Only the plain
YAML types are built; any other tag (``!!python/object`` and friends) is refused rather than
constructed, and a key given twice in one mapping is an error instead of a silent overwrite.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

try:  # libyaml is ten times faster; PyYAML wheels ship it, source builds may not.
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

PathKey = tuple[str | int, ...]

_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_SCALAR_TAGS = frozenset(
    {
        _STR,
        "tag:yaml.org,2002:int",
        "tag:yaml.org,2002:float",
        "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:null",
        "tag:yaml.org,2002:timestamp",
    }
)


class YamlError(Exception):
    """A file that cannot be read as plain YAML; ``line`` is 1-based, ``path`` the place in it."""

    def __init__(self, line: int, message: str, path: PathKey = ()) -> None:
        super().__init__(message)
        self.line = line
        self.message = message
        self.path = path


@dataclass(frozen=True)
class Document:
    """Plain data read from one file, and the 1-based line of each place in it."""

    data: Any
    lines: dict[PathKey, int]

    def line_of(self, path: PathKey) -> int:
        """Line of ``path``, or of its nearest ancestor that has one (a missing key's parent)."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return 1


def decode(raw: bytes) -> str:
    """Decode UTF-8 (a BOM is allowed), or raise :class:`YamlError` at the offending line."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        byte = raw[err.start : err.start + 1].hex()
        raise YamlError(
            line, f"not UTF-8: byte 0x{byte} cannot be decoded (save the file as UTF-8)"
        ) from None


def read_yaml(path: Path) -> Document:
    """Read ``path`` into a :class:`Document`; raise :class:`YamlError` if it is unreadable."""
    text = decode(path.read_bytes())
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark is not None else 1
        what = " ".join(p for p in (err.context, err.problem) if p)
        raise YamlError(line, f"not valid YAML: {what}") from None
    except yaml.YAMLError as err:
        raise YamlError(1, f"not valid YAML: {err}") from None
    finally:
        loader.dispose()
    if node is None:
        raise YamlError(1, "file is empty")
    lines: dict[PathKey, int] = {(): node.start_mark.line + 1}
    data = _build(node, (), lines, loader)
    return Document(data, lines)


def _build(node: yaml.Node, path: PathKey, lines: dict[PathKey, int], loader: Any) -> Any:
    tag = node.tag
    if isinstance(node, yaml.MappingNode) and tag == _MAP:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR:
                # Our format only has text keys; an int or list key is always a typo.
                key = _build(key_node, path, lines, loader)
                if not isinstance(key, str):
                    raise YamlError(key_node.start_mark.line + 1, f"key {key!r} is not text", path)
            else:
                key = key_node.value
            here = (*path, key)
            line = key_node.start_mark.line + 1
            if key in result:
                raise YamlError(
                    line, f"key '{key}' appears twice (first on line {lines[here]})", here
                )
            lines[here] = line
            result[key] = _build(value_node, here, lines, loader)
        return result
    if isinstance(node, yaml.SequenceNode) and tag == _SEQ:
        items = []
        for index, item in enumerate(node.value):
            here = (*path, index)
            lines[here] = item.start_mark.line + 1
            items.append(_build(item, here, lines, loader))
        return items
    if isinstance(node, yaml.ScalarNode) and tag in _SCALAR_TAGS:
        if tag == _STR:
            return node.value
        return loader.construct_object(node)
    raise YamlError(
        node.start_mark.line + 1,
        f"YAML tag '{tag}' is not allowed: peerlib reads plain YAML only (no object tags)",
        path,
    )
