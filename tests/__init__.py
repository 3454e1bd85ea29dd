"""The test suite: unit/ (no data build), integration/ (the build, the seeds, the databases), page/ (AppTest), browser/ (Chromium)."""
