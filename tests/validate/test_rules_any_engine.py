"""mlkg's rules give the answer the W3C specs give, on every engine (issue 15: pySHACL/rdflib misorders
dateTimes when only one has a time zone, and compares xsd:double with xsd:decimal without promotion).

Each case is the smallest graph of conformance.md D3/D4; "expected" is what XSD 1.1 / SPARQL 1.1 say (Jena,
the Rust shacl package and rudof agree)."""

from __future__ import annotations

import pytest
from rdflib import Graph

from mlkg.validate import ENGINES, validate

VERSIONS = """@prefix mlkg: <https://w3id.org/mlkg#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<urn:m> a mlkg:MLModel ; mlkg:name "m" ; mlkg:hasVersion <urn:v1>, <urn:v2> .
<urn:v1> a mlkg:ModelVersion ; mlkg:name "1" ; mlkg:createdAt "{one}"^^xsd:dateTime .
<urn:v2> a mlkg:ModelVersion ; mlkg:name "2" ; mlkg:createdAt "{two}"^^xsd:dateTime .
"""

# (version 1 created at, version 2 created at, is version 2 definitely created before version 1?)
DATES = [
    # zoneless 12:00 on Jan 2 is after 2023-12-31T19:00Z in every zone from -14:00 to +14:00: v2 is earlier
    ("2024-01-02T12:00:00", "2024-01-01T05:00:00+10:00", True),
    ("2024-01-02T12:00:00", "2023-12-31T19:00:00Z", True),
    ("2024-01-02T12:00:00Z", "2024-01-01T05:00:00", True),
    # the other way round: v2 is later, no result
    ("2024-01-01T05:00:00+10:00", "2024-01-02T12:00:00", False),
    # genuinely indeterminate (12:00 in an unknown zone vs 11:00Z): not definitely before, no result
    ("2024-01-01T12:00:00", "2024-01-01T11:00:00Z", False),
    # both zoned, both zoneless: plain order
    ("2024-01-01T12:00:00+02:00", "2024-01-01T11:00:00+02:00", True),
    ("2024-01-02T12:00:00", "2024-01-01T12:00:00", True),
]

METRIC = """@prefix mlkg: <https://w3id.org/mlkg#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<urn:m> a mlkg:MLModel ; mlkg:name "m" ; mlkg:hasEvaluation <urn:e> .
<urn:e> a mlkg:Evaluation ; mlkg:name "auc" ; mlkg:measure mlkg:AUC ; mlkg:metricValue {value} {bounds} .
"""

# (metric value, its bounds, the fields reported); bounds are decimals (core.ttl), the value any number
NUMBERS = [
    ('"0.8"^^xsd:double', '; mlkg:ciLower "0.8"^^xsd:decimal', []),       # 0.8 <= 0.8 after promotion
    ('"0.8"^^xsd:double', '; mlkg:ciUpper "0.8"^^xsd:decimal', []),
    ('"0.8"^^xsd:double', '; mlkg:ciLower "0.8"^^xsd:decimal ; mlkg:ciUpper "0.8"^^xsd:decimal', []),
    ('"0.1"^^xsd:double', '; mlkg:ciLower "0.1"^^xsd:decimal ; mlkg:ciUpper "0.1"^^xsd:decimal', []),
    ('"0.8"^^xsd:double', '; mlkg:ciLower "0.81"^^xsd:decimal', ["ci_lower"]),
    ('"0.8"^^xsd:double', '; mlkg:ciUpper "0.79"^^xsd:decimal', ["ci_upper"]),
    ('"0.8"^^xsd:double', '; mlkg:ciLower "0.9"^^xsd:decimal ; mlkg:ciUpper "0.7"^^xsd:decimal',
     ["ci_lower", "ci_upper"]),
    ('"0.8"^^xsd:decimal', '; mlkg:ciLower "0.7"^^xsd:decimal ; mlkg:ciUpper "0.9"^^xsd:decimal', []),
]


@pytest.mark.parametrize("engine", list(ENGINES))
@pytest.mark.parametrize("one,two,before", DATES)
def test_version_dates_in_xsd_order_with_and_without_time_zones(one: str, two: str, before: bool,
                                                                engine: str) -> None:
    g = Graph().parse(data=VERSIONS.format(one=one, two=two), format="turtle")
    report = validate(g, engine=engine)
    assert report.engine == engine
    got = [(r.focus_node, r.path) for r in report.results]
    assert got == ([("urn:v2", "created_at")] if before else []), report.text()


@pytest.mark.parametrize("engine", list(ENGINES))
@pytest.mark.parametrize("value,bounds,fields", NUMBERS)
def test_confidence_bounds_compare_double_and_decimal_by_value(value: str, bounds: str, fields: list[str],
                                                               engine: str) -> None:
    g = Graph().parse(data=METRIC.format(value=value, bounds=bounds), format="turtle")
    report = validate(g, engine=engine)
    assert sorted(r.path for r in report.results) == fields, report.text()
    assert all(r.focus_node == "urn:e" for r in report.results)
