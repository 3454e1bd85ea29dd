"""``python -m ecology``: the command line (``ecology.cli.main``)."""

import sys

from ecology.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
