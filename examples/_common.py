"""Command line shared by the example scripts: build the entities, then print or write RDF.

Each example calls :func:`run` from its ``main()``::

    python examples/customer_churn.py                 # Turtle to stdout
    python examples/customer_churn.py -o churn.ttl    # Turtle to a file (format from the suffix)
    python examples/customer_churn.py -o churn.jsonld # JSON-LD compacted with mlkg's context
"""

from __future__ import annotations

import argparse
import sys
from typing import Callable, Sequence

from rdflib import Graph

from mlkg.model import Entity
from mlkg.rdf.build import to_graph
from mlkg.rdf.formats import guess_format, normalize_format, serialize, write_atomic

#: Tables of the examples live in one Snowflake database, named like OpenMetadata does (service.db.schema.table).
SNOWFLAKE = "snowflake.analytics.public"


def table_fqn(name: str) -> str:
    """FQN of a table of the examples' Snowflake schema."""
    return f"{SNOWFLAKE}.{name}"


def graph_of(build: Callable[[], list[Entity]]) -> Graph:
    """The graph of an example, with the PROV-O super-property triples (what the scripts print)."""
    return to_graph(build())


def run(build: Callable[[], list[Entity]], doc: str | None, argv: Sequence[str] | None = None) -> int:
    """Parse ``argv``, build the entities and print (or write with ``-o``) their RDF. Returns the exit code."""
    parser = argparse.ArgumentParser(description=(doc or "").strip().splitlines()[0] if doc else None)
    parser.add_argument("-o", "--output", metavar="PATH",
                        help="write to PATH instead of stdout; the format follows the suffix (.ttl, .jsonld, .nt)")
    parser.add_argument("-f", "--format", default=None,
                        help="RDF format: turtle (default), jsonld, nt, rdfxml, trig, nq")
    args = parser.parse_args(argv)
    try:
        if args.format:
            fmt = normalize_format(args.format)
        elif args.output:
            fmt = guess_format(args.output)
        else:
            fmt = "turtle"
    except ValueError as e:  # unknown --format (InputError, for an unknown suffix, is a ValueError too)
        hint = "" if args.format else "; name the format with --format"
        print(f"error: {str(e).replace(' (or pass --from)', '')}{hint}", file=sys.stderr)
        return 2
    text = serialize(graph_of(build), fmt)
    if args.output:
        try:
            write_atomic(args.output, text)
        except OSError as e:
            print(f"error: cannot write {args.output}: {e.strerror}", file=sys.stderr)
            return 2
        print(f"wrote {args.output} ({fmt})", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
