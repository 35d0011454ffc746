"""Demo data and the demo farm used by `govwatch demo` and the end-to-end tests."""
