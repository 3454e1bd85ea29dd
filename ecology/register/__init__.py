"""The register: its database, migrations, import (readers, checks), export, editing and history."""
