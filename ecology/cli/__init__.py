"""The command line (``python -m ecology`` / ``ecology``): one parser, one exit-code rule."""
