"""Operations started from the web workspace: registry imports, scans, inspections and
bulletins, run off the request and followed by their progress."""
