"""Zip archives that are the same bytes every time: fixed timestamps and file modes."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

__all__ = ["ZIP_TIME", "stable_zip"]

#: The earliest time a zip entry can hold (1980-01-01 00:00:00), for every entry.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def stable_zip(files: Iterable[tuple[str, bytes]]) -> bytes:
    """A deflated zip of ``files`` (name, content) in the order given, each entry with
    :data:`ZIP_TIME`, mode 0644 and the Unix creator code, so equal content gives equal bytes.

    >>> import hashlib
    >>> hashlib.sha256(stable_zip([("a.txt", b"a")])).hexdigest()[:12]
    'a4f9b77cd735'
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=9)
    return buffer.getvalue()
