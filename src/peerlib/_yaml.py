"""Read a YAML file into plain Python data plus the line of every mapping key and list item.

PyYAML's constructor forgets where things were, and its composer recurses once per level of
nesting (in C for libyaml: a file nested 100,000 deep crashes the interpreter). So this reads
the *event stream* of libyaml's safe C parser and builds the data in one loop with an explicit
stack, recording ``path -> line`` as it goes. What the corpus format never needs is refused,
each with one line naming the place, in time and memory bounded by the file's size:

- anything but a regular file (a folder, a FIFO, ``/dev/zero``), and files over
  :data:`MAX_FILE_BYTES`;
- control characters, raw in the file (at their real line and column) or escaped in quoted
  text (where only tab and line feed are kept), the line separators U+2028 and U+2029, and
  bidirectional overrides;
- anchors and aliases (``&a``, ``*a``): nothing in the format repeats, and expanding them is how
  a few kilobytes of YAML ask for gigabytes ("billion laughs") or loop forever;
- nesting deeper than :data:`MAX_DEPTH`;
- tags other than the plain YAML ones (``!!python/object`` and friends are never constructed);
- a key given twice in one mapping (an error instead of a silent overwrite).

Scalars are read by YAML 1.2's core schema, narrowed so that the author's text is kept:
``true``/``false`` are booleans, ``null``/``~``/nothing is null, decimal digits without a
leading zero are whole numbers (of at most :data:`MAX_DIGITS` digits), decimals with a point or
an exponent are floats, and everything else is text as written (``.inf`` and ``.nan`` too). So
``volume: 010`` is ``"010"`` (YAML 1.1 made it 8), ``country: NO`` is ``"NO"`` (not false),
``pages: 1:10`` is ``"1:10"`` (not 70), and ``year: 2014-13-45`` is text that the model then
refuses, instead of a date that cannot exist.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ._yaml_hints import explain

try:  # libyaml is ten times faster; PyYAML wheels ship it, source builds may not.
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

__all__ = [
    "MAX_DEPTH",
    "MAX_DIGITS",
    "MAX_FILE_BYTES",
    "Document",
    "PathKey",
    "YamlError",
    "decode",
    "read_bytes",
    "read_yaml",
]

PathKey = tuple[str | int, ...]

#: Largest corpus file read, in bytes (a long study file is under 100 kB).
MAX_FILE_BYTES = 50 * 2**20
#: Deepest nesting of lists and mappings read (the format needs five levels).
MAX_DEPTH = 50
#: Most digits in a whole number (every number of the format has at most ten).
MAX_DIGITS = 30

_YAML = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (_YAML + t for t in ("str", "int", "float", "bool", "null"))
_SEQ, _MAP = _YAML + "seq", _YAML + "map"

# Characters no corpus file contains: C0 controls but tab and line breaks, DEL, C1 controls
# (NEL too: YAML would read it as a line break), surrogates, U+FFFE/U+FFFF, and the line and
# paragraph separators (YAML reads them as line breaks where no editor shows one).
_RAW_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u2028\u2029]"
)
# Characters no text may hold once quoted escapes are read: control characters but tab and line
# feed (YAML turns every line break in a file into a line feed, so a carriage return can only
# come from a "\r" escape, and it would end a CSV row), surrogates, and the line and paragraph
# separators (Vega's expression parser, which sorts charts by label, rejects them), and the
# bidirectional overrides and isolates, which make text show other than it reads ("Trojan
# source"; pdflatex stops on them too). Right-to-left scripts need none of them.
_TEXT_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)

# YAML 1.2 core schema, narrowed: a leading zero, underscores or colons make text, not a number.
_NULL_WORDS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOL_WORDS = {"true": True, "True": True, "TRUE": True}
_BOOL_WORDS |= {"false": False, "False": False, "FALSE": False}
_INT_RE = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_FLOAT_RE = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*|[0-9]+(?=[eE]))(?:[eE][-+]?[0-9]+)?")

_FILE_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
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


def read_bytes(path: Path) -> bytes:
    """The bytes of a corpus file, which must be a regular file of at most :data:`MAX_FILE_BYTES`.

    The file is opened without blocking and checked on the open descriptor, so a FIFO, a device
    or a folder under the file's name (or behind a symbolic link) is refused at once, and no
    more than the limit is ever read, even from a file that grows meanwhile.

    Examples
    --------
    >>> read_bytes(Path("/dev/zero"))
    Traceback (most recent call last):
    ...
    peerlib._yaml.YamlError: not a regular file but a character device
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as err:
        broken = (
            " (a broken symbolic link)" if err.errno == errno.ENOENT and path.is_symlink() else ""
        )
        raise YamlError(1, f"cannot read file: {err.strerror}{broken}") from None
    try:
        return _read_regular(fd)
    except OSError as err:
        raise YamlError(1, f"cannot read file: {err.strerror}") from None
    finally:
        os.close(fd)


def _read_regular(fd: int) -> bytes:
    status = os.fstat(fd)
    for is_kind, kind in _FILE_KINDS:
        if is_kind(status.st_mode):
            raise YamlError(1, f"not a regular file but {kind}")
    chunks: list[bytes] = []
    size = 0
    while status.st_size <= MAX_FILE_BYTES and size <= MAX_FILE_BYTES:  # a file may grow
        chunk = os.read(fd, min(2**20, MAX_FILE_BYTES + 1 - size))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
    raise YamlError(1, f"file is larger than {MAX_FILE_BYTES // 2**20} MB: too large to read")


def decode(raw: bytes) -> str:
    """Decode UTF-8 (a BOM is allowed), or raise :class:`YamlError` at the offending line.

    Characters that no corpus file holds (control characters, see the module doc) are refused
    at their line and column.

    Examples
    --------
    >>> decode(b"a: 1\\nb: x\\x01y\\n")
    Traceback (most recent call last):
    ...
    peerlib._yaml.YamlError: control character U+0001 at column 5 is not allowed: remove it
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        byte = raw[err.start : err.start + 1].hex()
        raise YamlError(
            line, f"not UTF-8: byte 0x{byte} cannot be decoded (save the file as UTF-8)"
        ) from None
    bad = _RAW_FORBIDDEN.search(text)
    if bad is not None:
        start = bad.start()
        line_start = text.rfind("\n", 0, start) + 1
        raise YamlError(
            text.count("\n", 0, start) + 1,
            f"{_char_name(bad.group())} at column {start - line_start + 1} is not allowed: "
            "remove it",
        )
    return text


def _char_name(char: str) -> str:
    code = ord(char)
    kind = {0x2028: "line separator", 0x2029: "paragraph separator"}.get(code)
    if kind is None and (0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069):
        kind = "bidirectional control"
    if kind is None:
        kind = "control character" if code < 0xD800 else "character"
    return f"{kind} U+{code:04X}"


def read_yaml(path: Path) -> Document:
    """Read ``path`` into a :class:`Document`; raise :class:`YamlError` if it is unreadable."""
    return parse(decode(read_bytes(path)))


def parse(text: str) -> Document:
    """Read YAML text into a :class:`Document`; raise :class:`YamlError` if it is not plain YAML.

    Examples
    --------
    >>> parse("id: a\\nvolume: 010\\nn: 12\\n").data
    {'id': 'a', 'volume': '010', 'n': 12}
    >>> parse("a: &x [1]\\nb: *x\\n").data  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    peerlib._yaml.YamlError: YAML anchors and aliases (&name, *name) are not allowed: ...
    """
    loader = _Loader(text)
    try:
        return _read_stream(loader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark is not None else 1
        what = " ".join(p for p in (err.context, err.problem) if p)
        line, hint = explain(text, err, line)  # plain words for the usual causes
        raise YamlError(line, f"not valid YAML: {what}{hint}") from None
    except yaml.YAMLError as err:  # pragma: no cover - libyaml marks every error it raises
        raise YamlError(1, f"not valid YAML: {' '.join(str(err).split())}") from None
    finally:
        loader.dispose()


class _Collection:
    """A list or mapping being filled; ``key`` is the mapping key waiting for its value."""

    __slots__ = ("key", "path", "value")

    def __init__(self, value: list[Any] | dict[str, Any], path: PathKey) -> None:
        self.value = value
        self.path = path
        self.key: str | None = None

    def add(self, item: Any) -> None:
        if isinstance(self.value, dict):
            assert self.key is not None
            self.value[self.key] = item
            self.key = None
        else:
            self.value.append(item)


def _read_stream(loader: Any) -> Document:
    loader.get_event()  # stream start
    if loader.check_event(yaml.StreamEndEvent):
        raise YamlError(1, "file is empty")
    loader.get_event()  # document start
    lines: dict[PathKey, int] = {}
    data = _read_document(loader, lines)
    loader.get_event()  # document end
    if not loader.check_event(yaml.StreamEndEvent):
        event = loader.get_event()
        raise YamlError(
            event.start_mark.line + 1,
            "not valid YAML: expected a single document in the stream but found another document",
        )
    return Document(data, lines)


def _read_document(loader: Any, lines: dict[PathKey, int]) -> Any:
    """Build one document's data from its events, with an explicit stack (never recursion)."""
    stack: list[_Collection] = []
    while True:
        event = loader.get_event()
        line = event.start_mark.line + 1
        if isinstance(event, yaml.CollectionEndEvent):
            value = stack.pop().value
            if not stack:
                return value
            stack[-1].add(value)
            continue
        top = stack[-1] if stack else None
        if top is not None and isinstance(top.value, dict) and top.key is None:
            top.key = _key(event, top, line, lines)
            continue
        if top is None:
            path: PathKey = ()
        elif top.key is not None:
            path = (*top.path, top.key)
        else:
            path = (*top.path, len(top.value))
        if top is None or top.key is None:
            lines[path] = line
        _refuse_anchor(event, line, path)
        if isinstance(event, yaml.ScalarEvent):
            value = _scalar(event, line, path)
            if top is None:
                return value
            top.add(value)
            continue
        if len(stack) >= MAX_DEPTH:
            raise YamlError(  # the place where the nesting starts: the full path is too long
                line,
                f"nested deeper than {MAX_DEPTH} levels: a corpus file needs far fewer",
                path[:4],
            )
        is_map = isinstance(event, yaml.MappingStartEvent)
        if event.tag not in (None, "!", _MAP if is_map else _SEQ):
            raise _tag_error(event.tag, line, path)
        stack.append(_Collection({} if is_map else [], path))


def _key(event: Any, top: _Collection, line: int, lines: dict[PathKey, int]) -> str:
    """Read a mapping key: plain text, not yet used in this mapping."""
    _refuse_anchor(event, line, top.path)
    if not isinstance(event, yaml.ScalarEvent):
        kind = "a list" if isinstance(event, yaml.SequenceStartEvent) else "a mapping"
        raise YamlError(line, f"a key must be text, not {kind}", top.path)
    key = _scalar(event, line, top.path)
    if not isinstance(key, str):
        raise YamlError(line, f"key {key!r} is not text", top.path)
    here = (*top.path, key)
    assert isinstance(top.value, dict)
    if key in top.value:
        raise YamlError(line, f"key '{key}' appears twice (first on line {lines[here]})", here)
    lines[here] = line
    return key


def _refuse_anchor(event: Any, line: int, path: PathKey) -> None:
    if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
        raise YamlError(
            line,
            "YAML anchors and aliases (&name, *name) are not allowed: write the value out in full",
            path,
        )


def _tag_error(tag: str, line: int, path: PathKey) -> YamlError:
    return YamlError(
        line,
        f"YAML tag '{tag}' is not allowed: peerlib reads plain YAML only (no object tags)",
        path,
    )


def _scalar(event: Any, line: int, path: PathKey) -> Any:
    """The value of a scalar: text unless it is plain (unquoted, untagged) or tagged otherwise."""
    text: str = event.value
    bad = _TEXT_FORBIDDEN.search(text)
    if bad is not None:
        raise YamlError(line, f"text holds {_char_name(bad.group())}: remove it", path)
    tag = event.tag
    if tag == _STR or (tag is None and not event.implicit[0]) or tag == "!":
        return text
    value = _resolve(text, line, path)
    if tag is None:
        return value
    wanted = {_INT: int, _FLOAT: float, _BOOL: bool, _NULL: type(None)}.get(tag)
    if wanted is None:
        raise _tag_error(tag, line, path)
    if wanted is float and type(value) is int:
        return float(value)
    if type(value) is not wanted:
        raise YamlError(line, f"'{text}' is not a valid !!{tag.removeprefix(_YAML)}", path)
    return value


def _resolve(text: str, line: int, path: PathKey) -> Any:
    """A plain scalar's value by the narrowed YAML 1.2 core schema (see the module doc)."""
    if text in _NULL_WORDS:
        return None
    flag = _BOOL_WORDS.get(text)
    if flag is not None:
        return flag
    if _INT_RE.fullmatch(text):
        digits = len(text.lstrip("+-"))
        if digits > MAX_DIGITS:
            raise YamlError(
                line,
                f"a whole number of {digits} digits is out of range (at most {MAX_DIGITS})",
                path,
            )
        return int(text)
    if _FLOAT_RE.fullmatch(text):
        return float(text)
    return text
