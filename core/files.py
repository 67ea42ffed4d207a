"""Files only the service's own user may read: the SQLite database and the development vault key."""

from __future__ import annotations

import os
from pathlib import Path


def create_private(path: Path, text: str = "") -> bool:
    """Create `path` with mode 0600 (never readable by others, not even for a moment); False if it exists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    return True
