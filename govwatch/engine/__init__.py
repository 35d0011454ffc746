"""The engine: plain Python, no Django. Typed config in, value objects out."""
