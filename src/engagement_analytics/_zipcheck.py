"""Refusing zip bombs from a zip file's directory, before anything is inflated.

Shared by every reader of a zip: the Slack export (``import slack``), RAID
``.xlsx`` logs (``import raid``) and the loader's XLSX reader. A zip's directory states each member's compressed and uncompressed
size; a bomb states huge uncompressed sizes (or ratios no real file has), so
it is refused here in microseconds. The stated sizes may lie: readers still
cap the bytes they actually inflate (Python's ``zipfile`` also stops at the
stated size and fails the CRC check when the data is longer).
"""

from __future__ import annotations

import zipfile

__all__ = ["MAX_RATIO", "RATIO_FLOOR_BYTES", "ZipTooLarge", "check_zip"]

#: Compression ratio refused for a member larger than :data:`RATIO_FLOOR_BYTES`:
#: JSON and spreadsheet XML compress 5 to 30 to 1; a bomb 1,000 to 1 and more.
MAX_RATIO = 100
#: Members up to this size are never refused for their ratio (a small file of
#: blanks compresses well and costs nothing).
RATIO_FLOOR_BYTES = 1024 * 1024


class ZipTooLarge(ValueError):
    """A zip whose members would unpack beyond a cap: one line naming the file and member."""


def check_zip(
    archive: zipfile.ZipFile,
    where: str,
    *,
    max_member_bytes: int,
    max_total_bytes: int,
    max_ratio: float = MAX_RATIO,
    ratio_floor_bytes: int = RATIO_FLOOR_BYTES,
    members: list[zipfile.ZipInfo] | None = None,
) -> None:
    """Raise :class:`ZipTooLarge` unless every member (or ``members``) is within the caps.

    Parameters
    ----------
    archive : zipfile.ZipFile
    where : str
        The file's name, first in the message.
    max_member_bytes, max_total_bytes : int
        Stated uncompressed size of one member, and of all of them together.
    max_ratio : float
        Uncompressed / compressed size of a member larger than ``ratio_floor_bytes``
        (default :data:`RATIO_FLOOR_BYTES`).
    members : list of ZipInfo, optional
        The members that will be read (default all).
    """
    total = 0
    for info in archive.infolist() if members is None else members:
        if info.is_dir():
            continue
        size = info.file_size
        if size > max_member_bytes:
            raise ZipTooLarge(f"{where}: {info.filename!r} unpacks to {size:,} bytes, more than "
                              f"the limit of {max_member_bytes:,}; refused")
        ratio = size / max(info.compress_size, 1)
        if size > ratio_floor_bytes and ratio > max_ratio:
            raise ZipTooLarge(f"{where}: {info.filename!r} is compressed {ratio:,.0f} to 1, more than "
                              f"the limit of {max_ratio:,.0f} to 1 (a zip bomb?); refused")
        total += size
        if total > max_total_bytes:
            raise ZipTooLarge(f"{where}: unpacks to more than {max_total_bytes:,} bytes in all, "
                              f"the limit for this kind of file; refused")
