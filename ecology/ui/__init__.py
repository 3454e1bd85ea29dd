"""The only streamlit-aware part of the package: cached loaders, page shell, widgets."""
