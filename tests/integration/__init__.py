"""Integration tests: what needs the data build, the seeds or the databases."""
