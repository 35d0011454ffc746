"""Post adapters: feeds (RSS/Atom/JSON Feed), platform export files, push payloads.

Every adapter turns bytes into a ``Batch`` of ``Post`` values plus the rows it had to
reject (with a Chinese reason); none of them raises on bad content row by row.
"""

from govwatch.engine.newmedia.adapters.base import (
    Adapter,
    Batch,
    Post,
    Rejected,
    Source,
    dedupe,
    normalize_platform,
)

__all__ = ["Adapter", "Batch", "Post", "Rejected", "Source", "dedupe", "normalize_platform"]
