"""The app's colours, shared by the folium maps, the plotly charts and the briefing's figures."""

from __future__ import annotations

# Okabe-Ito palette: distinguishable with the common colour-vision deficiencies.
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999")
HIGHLIGHT = "#1a1a1a"
CHOSEN = OKABE_ITO[4]  # the place or ICS the user chose: blue
MEDIAN = OKABE_ITO[-1]  # the England median: grey
# Colours for series without a colour of their own: the yellow (weak on white) and the grey last.
CYCLE = (OKABE_ITO[0], OKABE_ITO[1], OKABE_ITO[2], OKABE_ITO[5], OKABE_ITO[6], OKABE_ITO[4], OKABE_ITO[3],
         OKABE_ITO[7])


# Peers in colours far from the chosen blue (sky blue, next to it, left out).
PEER_COLOURS = (OKABE_ITO[0], OKABE_ITO[2], OKABE_ITO[6], OKABE_ITO[5])


def series_colours(peers: int) -> list[str]:
    """Return the colours of a comparison: the chosen ICS, ``peers`` others (up to four), then the
    England median."""
    return [CHOSEN, *PEER_COLOURS[:peers], MEDIAN]
