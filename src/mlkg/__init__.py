"""mlkg: ML model metadata as a knowledge graph."""
__version__ = "0.1.0"
