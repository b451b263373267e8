"""Files the command line writes: never over one of its inputs, never half-written.

:func:`guard_output` refuses an output path that is the store (or one of the
side files SQLite keeps beside it) or any input of the same command, compared
by resolved path and, when both exist, by device and inode (a hard link or a
symlink is the same file). :func:`atomic_write` writes to a temporary file in
the target's directory, fsyncs it and renames it into place, so a reader sees
the old file or the new one, and a crash leaves no truncated report.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import IO, Iterable, Iterator, Optional, Union

__all__ = ["OutputError", "guard_output", "atomic_open", "atomic_write", "STDOUT"]

PathLike = Union[str, os.PathLike]
STDOUT = "-"  # `--out -`: the script convention for standard output

# SQLite's files beside a database: the write-ahead log, its index, the rollback journal.
_SIDE_FILES = (("-wal", "write-ahead log", "预写日志"), ("-shm", "shared-memory index", "共享内存索引"),
               ("-journal", "rollback journal", "回滚日志"))


class OutputError(ValueError):
    """An output path that would overwrite an input (the message names both and the fix)."""


def _same(a: Path, b: Path) -> bool:
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        sa, sb = os.stat(a), os.stat(b)
    except OSError:
        return False  # one does not exist yet: only the resolved paths could match
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def _store_files(db: PathLike) -> Iterator[tuple[Path, str, str]]:
    db = Path(db)
    yield db, "the store given with --db", "--db 指定的存储"
    # SQLite names its side files after the path it opened, with symlinks resolved.
    for base in dict.fromkeys((db, Path(os.path.realpath(db)))):
        for suffix, en, zh in _SIDE_FILES:
            yield Path(f"{base}{suffix}"), f"the store's {en}", f"存储的{zh}"


def guard_output(out: Optional[PathLike], *, store: Optional[PathLike] = None,
                 inputs: Iterable[PathLike] = (), option: str = "--out") -> None:
    """Raise :class:`OutputError` if ``out`` is ``store``, one of its side files, or
    one of ``inputs``. ``None`` and ``-`` (standard output) are always fine."""
    if out is None or os.fspath(out) == STDOUT:
        return
    target = Path(out)
    candidates = list(_store_files(store)) if store is not None else []
    candidates += [(Path(p), "an input of this command", "本命令的输入文件") for p in inputs]
    for path, en, zh in candidates:
        if _same(target, path):
            raise OutputError(
                f"refusing to write {option} {os.fspath(out)}: it is {en} ({os.fspath(path)}); "
                f"writing would destroy it. Choose another output file. / 拒绝写入 {option} {os.fspath(out)}："
                f"它是{zh}（{os.fspath(path)}），写入会毁掉它。请换一个输出文件。")


def _mode_for(path: Path) -> int:
    try:
        return os.stat(path).st_mode & 0o7777  # replacing a file keeps its permissions
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextlib.contextmanager
def atomic_open(path: PathLike, mode: str = "w", encoding: Optional[str] = "utf-8") -> Iterator[IO]:
    """A file object whose content replaces ``path`` only when the block ends
    without an exception: a temporary file in the same directory, fsynced, then
    ``os.replace``. On an exception the temporary file is removed and ``path`` is untouched."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent if str(target.parent) else ".", prefix=f".{target.name}.",
                               suffix=".tmp")
    try:
        with os.fdopen(fd, mode, encoding=None if "b" in mode else encoding) as f:
            os.fchmod(f.fileno(), _mode_for(target))  # mkstemp makes it 0600
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # the rename itself survives a power cut once its directory is synced
        dir_fd = os.open(target.parent if str(target.parent) else ".", os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def atomic_write(path: PathLike, text: Union[str, bytes]) -> None:
    """Write ``text`` (str as UTF-8, or bytes) to ``path`` atomically (see :func:`atomic_open`)."""
    with atomic_open(path, "wb" if isinstance(text, bytes) else "w") as f:
        f.write(text)
