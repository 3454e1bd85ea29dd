"""England's places: the place tree, postcodes and coordinate systems."""
