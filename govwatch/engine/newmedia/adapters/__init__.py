"""Post adapters: feeds (RSS/Atom/JSON Feed) and push payloads.

Each turns bytes into a ``Batch`` of ``Post`` values plus the items it had to reject
(with a Chinese reason); none of them raises on bad content item by item. Export files
are read by the web layer's streaming importer (``web/newmedia/importing.py``).
"""
