"""folium maps that need no CDN or tile server, and the app's colours."""
