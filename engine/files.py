"""``write_atomically``: the one way pathgrad writes a file, so no file is ever half-written."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

__all__ = ["write_atomically"]


def write_atomically(target: str | os.PathLike, content: bytes) -> Path:
    """Write ``content`` to ``target`` through a temporary file in the same folder, then rename.

    The temporary file is opened like any new file (``open(..., "xb")``), so the result
    gets the user's usual permissions; ``tempfile.mkstemp`` would make it readable by
    its owner only, and a web server or a colleague could not open the figure or page.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    try:
        with open(temporary, "xb") as stream:
            stream.write(content)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target
