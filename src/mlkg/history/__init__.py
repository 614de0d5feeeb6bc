"""History: what the graph said at any time and what changed (issue 17)."""
