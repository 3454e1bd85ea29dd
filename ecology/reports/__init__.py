"""What leaves the app as a document or chart: the place briefing and the plotly charts."""
