"""Site facts: footer marks, metadata tags, domains, channels and entries."""
