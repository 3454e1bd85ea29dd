"""Unit tests: pure functions on small tables made in the tests; no data build, no ../shared."""
