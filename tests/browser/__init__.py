"""Browser tests: Playwright driving Chromium against streamlit run on 127.0.0.1."""
