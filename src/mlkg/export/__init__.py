"""Export an mlkg graph in the vocabularies other tools read.

Each profile is data, not code: one or more SPARQL CONSTRUCT files under ``mlkg/export/profiles/`` that rewrite
mlkg terms into the target's terms, with the term-to-term pairs taken from the alignment module
(``ontology/mlkg-align.ttl``) and the core's super-properties (see :mod:`mlkg.export.engine`), plus, for JSON
targets, a JSON-LD frame that gives the target's nesting and field names. Python here only runs the queries,
frames the result and writes it.

=============  ======================================================================================================
profile        output
=============  ======================================================================================================
``fair4ml``    FAIR4ML 0.1.0 JSON-LD (``fair4ml:MLModel``, ``trainedOn``, ``testedOn``, ``evaluatedOn``,
               ``fineTunedFrom``, ``MLModelEvaluation``), compacted with FAIR4ML's own published context
``mls``        W3C ML Schema (``mls:Run``, ``Model``, ``HyperParameterSetting``, ``ModelEvaluation``,
               ``EvaluationMeasure``) as RDF
``prov``       plain PROV-O, DCAT 3 and DCTERMS: every lineage fact, no mlkg term
``om-rdf``     OpenMetadata's ontology (``https://open-metadata.org/ontology/``) and IRI scheme
               (``https://open-metadata.org/entity/{type}/{uuid}``), ML fields as OpenMetadata's JSON literals, the
               detail OpenMetadata has no term for (versions, metrics) in mlkg terms
``mct``        Google Model Card Toolkit JSON (schema v0.0.2), one card per model version
``hf-card``    Hugging Face model card (README.md with YAML front matter and ``model-index``), one per version
``model-card`` both card formats
``datahub``    DataHub metadata change proposals (JSON, DataHub's file format); ``mlkg push datahub`` sends them
=============  ======================================================================================================

>>> sorted(PROFILES)
['datahub', 'fair4ml', 'hf-card', 'mct', 'mls', 'model-card', 'om-rdf', 'prov']
"""

from __future__ import annotations

from .engine import PROFILES, ExportResult, Profile, construct, export, profile_query
from .fair4ml import read_fair4ml

__all__ = ["PROFILES", "ExportResult", "Profile", "construct", "export", "profile_query", "read_fair4ml"]
