"""The bundled SPARQL queries (``*.rq``), one per question; see :mod:`mlkg.query` for the functions running them."""
