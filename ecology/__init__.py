"""Creative Health Ecologies: the pure-Python core of the dashboard."""
