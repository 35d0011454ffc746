"""The registry's file format: headers, value labels and row validation (no database)."""
