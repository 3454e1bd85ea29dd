"""Figures from the data: gaps, clusters, maturity, need, investment, privacy, place profiles."""
