"""Page tests: every page run in Streamlit's AppTest."""
