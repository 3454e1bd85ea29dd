"""Not built yet: the page says what it will show."""

from ecology.ui import shell

shell.placeholder(__file__)
