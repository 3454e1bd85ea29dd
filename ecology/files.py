"""Writing an output file whole or not at all (the commands' ``--out``).

The data goes to a temporary file beside the target, is flushed to disk, then
renamed over it: a full disk or any other failure part-way leaves the target as
it was (or absent) and no temporary file behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class WriteFailed(Exception):
    """The file could not be written; ``str(error)`` says which, why, and that it is unchanged."""


def write_whole(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically; raise WriteFailed (the target untouched) on failure."""
    target = Path(path)
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(dir=target.parent or Path("."), prefix=f".{target.name}.",
                                             suffix=".part")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
        temporary = None
    except OSError as error:
        state = "left as it was" if target.exists() else "not created"
        raise WriteFailed(f"could not write {target}: {error.strerror or error}. The file was {state}.") from None
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
