"""Developer tools that generate or check mlkg's derived artifacts (``python -m mlkg.tools.<name>``)."""
