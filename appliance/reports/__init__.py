"""Reports: the store's calls selected by a filter and summed with the metrics module."""
