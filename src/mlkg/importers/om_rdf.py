"""OpenMetadata's RDF (the ``om:`` ontology, ``https://open-metadata.org/ontology/``) mapped onto mlkg terms.

OpenMetadata's server writes each entity at ``{base}entity/{type}/{uuid}`` with ``om:fullyQualifiedName``,
``rdfs:label`` (name), ``skos:prefLabel`` (display name), ``dct:description``, ``om:hasOwner`` (owner IRIs),
``om:hasTag`` (``{base}entity/tag/{url-encoded tagFQN}``) or ``om:hasGlossaryTerm``, and lineage as
``downstream om:upstream upstream`` / ``downstream prov:wasDerivedFrom upstream`` (``om:downstream`` the other
way). Its ML fields have no declared properties: the contexts and the server use ``om:hasAlgorithm``,
``om:hasTarget``, ``om:hasMLFeature``/``om:hasMLHyperParameter``/``om:hasMLStore``/``om:hasServer`` (JSON
literals, the features sometimes inside an ``rdf:List``), ``om:hasMLDashboard``, and ``om:{field}`` for the rest.
The model class is spelled ``om:MLModel``, ``om:MlModel`` or ``om:Mlmodel`` depending on the writer; all three are
read.

What becomes what:

- model → :class:`MLModel` (name, FQN, uuid, display name, description, owners, tags, domains, algorithm,
  target, features with their sources, hyperparameters, store, server, dashboard, service);
- service → :class:`MLModelService`; tables, dashboards, users, teams and domains it points at → entities of
  those types (name and FQN);
- ``model om:upstream table`` (OpenMetadata derives it from feature sources) → the model's training data;
  ``table om:upstream model`` or ``model om:downstream table`` → a table holding the model's predictions;
  ``table om:upstream table`` → :attr:`Table.upstream`.

Each mlkg node also gets ``owl:sameAs`` the OpenMetadata IRI, so both graphs can be merged. Triples about a
mapped node whose predicate is not understood are reported (one warning per predicate), never silently lost.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, SKOS

from .. import ids
from ..errors import InputError
from ..model import entities as m
from ..model.base import Entity, Ref, epoch_ms_to_datetime
from ..namespaces import OM
from ..rdf.build import to_graph
from ..rdf.formats import SUFFIXES, guess_format, load_graph
from .base import ImportReport, enum_member

MODEL_CLASSES = {OM.MLModel, OM.MlModel, OM.Mlmodel, OM.MlModelEntity}
SERVICE_CLASSES = {OM.MLModelService, OM.MlModelService, OM.Mlmodelservice, OM.MlmodelService}
TYPE_BY_CLASS = {
    OM.Table: "table", OM.Dashboard: "dashboard", OM.User: "user", OM.Team: "team", OM.Domain: "domain",
    OM.Container: "container", OM.Pipeline: "pipeline", OM.DataProduct: "dataProduct", OM.Tag: "tag",
    OM.GlossaryTerm: "glossaryTerm",
}
#: OpenMetadata entity-type path segments → mlkg reference types.
TYPE_BY_SEGMENT = {
    "table": "table", "dashboard": "dashboard", "user": "user", "team": "team", "domain": "domain",
    "container": "container", "pipeline": "pipeline", "dataProduct": "dataProduct", "mlmodel": "mlmodel",
    "mlmodelService": "mlmodelService", "tag": "tag", "glossaryTerm": "glossaryTerm",
}

NAME = (RDFS.label, OM.name)
FQN = (OM.fullyQualifiedName,)
DISPLAY = (SKOS.prefLabel, OM.displayName)
DESCRIPTION = (DCTERMS.description, OM.description)
OWNER = (OM.hasOwner, OM.hasOwners, OM.owners, OM.ownedBy)
TAG = (OM.hasTag, OM.taggedWith, OM.tags)
GLOSSARY = (OM.hasGlossaryTerm,)
DOMAIN = (OM.hasDomain, OM.hasDomains, OM.belongsToDomain, OM.inDomain, OM.domains)
SERVICE = (OM.belongsToService, OM.hasService, OM.service)
ALGORITHM = (OM.hasAlgorithm, OM.algorithm)
TARGET = (OM.hasTarget, OM.target)
FEATURES = (OM.hasMLFeature, OM.mlFeatures, OM.hasFeature)
HYPER = (OM.hasMLHyperParameter, OM.mlHyperParameters)
STORE = (OM.hasMLStore, OM.mlStore)
SERVER = (OM.hasServer, OM.server)
DASHBOARD = (OM.hasMLDashboard, OM.dashboard)
SERVICE_TYPE = (OM.serviceType, OM.hasServiceType)
UPDATED_AT = (OM.updatedAt, DCTERMS.modified)
UPDATED_BY = (OM.updatedBy,)
VERSION = (OM.version, DCTERMS.hasVersion, URIRef(str(DCAT) + "version"))
HREF = (OM.href,)
DELETED = (OM.deleted, OM.isDeleted)
SOURCE_URL = (OM.sourceUrl, DCTERMS.source)
UPSTREAM = (OM.upstream, PROV.wasDerivedFrom, OM.wasDerivedFrom)
DOWNSTREAM = (OM.downstream,)
ID = (OM.id,)
#: Predicates read (or knowingly ignored: super-properties and types) on mapped nodes.
KNOWN = set(NAME + FQN + DISPLAY + DESCRIPTION + OWNER + TAG + GLOSSARY + DOMAIN + SERVICE + ALGORITHM + TARGET
            + FEATURES + HYPER + STORE + SERVER + DASHBOARD + SERVICE_TYPE + UPDATED_AT + UPDATED_BY + VERSION
            + HREF + DELETED + SOURCE_URL + UPSTREAM + DOWNSTREAM + ID) | {
    RDF.type, OWL.sameAs, PROV.used, PROV.wasInfluencedBy, OM.entityType, OM.usesDashboard,
}


def split_om_iri(node: Any) -> tuple[str | None, str | None]:
    """(entity type segment, uuid or encoded name) of ``{base}entity/{type}/{id}``; (None, None) otherwise."""
    if not isinstance(node, URIRef):
        return None, None
    s = str(node)
    head, sep, rest = s.rpartition("/entity/")
    if not sep:
        return None, None
    typ, _, ident = rest.partition("/")
    return (typ or None), (unquote(ident) or None)


class _Mapper:
    def __init__(self, g: Graph, report: ImportReport, source: str) -> None:
        self.g = g
        self.report = report
        self.source = source
        self.same_as: list[tuple[Entity, URIRef]] = []
        self.stubs: dict[tuple[str, str], Entity] = {}
        self.unmapped: Counter = Counter()

    # -- reading values ---------------------------------------------------------------------------------------

    def value(self, s: Any, preds: tuple) -> Any:
        for p in preds:
            for o in self.g.objects(s, p):
                return o
        return None

    def values(self, s: Any, preds: tuple) -> list[Any]:
        out: list[Any] = []
        for p in preds:
            out.extend(self.g.objects(s, p))
        return out

    def text(self, s: Any, preds: tuple) -> str | None:
        v = self.value(s, preds)
        return str(v) if isinstance(v, Literal) and str(v) != "" else None

    def json_values(self, s: Any, preds: tuple, what: str, where: str) -> list[Any]:
        """JSON literals under ``preds`` (also inside rdf:Lists), parsed; arrays are flattened."""
        out: list[Any] = []
        for o in self.values(s, preds):
            items = [o]
            if (o, RDF.first, None) in self.g or o == RDF.nil:
                items = list(Collection(self.g, o))
            for item in items:
                if not isinstance(item, Literal):
                    self.report.skip(f"{where} {what}", f"a node where OpenMetadata writes a JSON literal ({item})")
                    continue
                try:
                    parsed = json.loads(str(item))
                except ValueError:
                    if what == "server":
                        out.append(str(item))
                        continue
                    self.report.skip(f"{where} {what}", f"not JSON: {str(item)[:60]!r}")
                    continue
                out.extend(parsed if isinstance(parsed, list) else [parsed])
        return out

    # -- references -------------------------------------------------------------------------------------------

    def ref(self, node: Any, default_type: str, where: str) -> Ref | None:
        """A reference to the node, typed from its rdf:type or IRI, named by its FQN (else its label, else id)."""
        typ = None
        for t in self.g.objects(node, RDF.type):
            if isinstance(t, URIRef) and t in TYPE_BY_CLASS:
                typ = TYPE_BY_CLASS[t]
                break
        seg, ident = split_om_iri(node)
        if typ is None and seg in TYPE_BY_SEGMENT:
            typ = TYPE_BY_SEGMENT[seg]
        typ = typ or default_type
        fqn = self.text(node, FQN) or self.text(node, NAME)
        if typ in ("tag", "glossaryTerm") and not fqn and ident:
            fqn = ident  # tags are minted from their url-encoded FQN
        uuid = ident if ident and typ not in ("tag", "glossaryTerm") else None
        if not fqn and not uuid:
            if isinstance(node, URIRef):
                fqn = str(node)
            else:
                self.report.skip(f"{where} reference", "a blank node without a name")
                return None
        r = Ref(type=typ, fqn=fqn, id=uuid if not fqn else None)
        key = (typ, fqn or uuid or "")
        if key not in self.stubs and fqn and typ in ("table", "dashboard", "user", "team", "domain",
                                                        "container", "pipeline", "dataProduct"):
            self.stubs[key] = self.stub(typ, node, fqn)
        return r

    def stub(self, typ: str, node: Any, fqn: str) -> Entity:
        cls = {"table": m.Table, "dashboard": m.Dashboard, "user": m.User, "team": m.Team, "domain": m.Domain,
               "container": m.Container, "pipeline": m.Pipeline, "dataProduct": m.DataProduct}[typ]
        name = self.text(node, NAME) or ids.split_fqn(fqn)[-1]
        _, uuid = split_om_iri(node)
        kw: dict[str, Any] = {"name": name, "fqn": fqn, "display_name": self.text(node, DISPLAY),
                                  "description": self.text(node, DESCRIPTION), "id": uuid}
        if typ == "table":
            ups = [self.ref(u, "table", fqn) for u in self.values(node, UPSTREAM)
                   if split_om_iri(u)[0] == "table" or (u, RDF.type, OM.Table) in self.g]
            kw["upstream"] = [u for u in ups if u is not None and u.fqn != fqn]
        e = cls(**kw)
        if isinstance(node, URIRef):
            self.same_as.append((e, node))
        return e

    def tags(self, node: Any) -> list[m.TagLabel]:
        out = []
        for p, source in [(p, "Classification") for p in TAG] + [(p, "Glossary") for p in GLOSSARY]:
            for t in self.g.objects(node, p):
                fqn = self.text(t, FQN)
                if not fqn:
                    seg, ident = split_om_iri(t)
                    fqn = ident if ident else (str(t) if isinstance(t, Literal) else None)
                if fqn:
                    out.append(m.TagLabel(tag_fqn=fqn, source=source, label_type="Manual", state="Confirmed"))
        return out

    def owners(self, node: Any, where: str) -> list[Ref]:
        return [r for r in (self.ref(o, "user", where) for o in self.values(node, OWNER)) if r is not None]

    def domains(self, node: Any, where: str) -> list[Ref]:
        return [r for r in (self.ref(o, "domain", where) for o in self.values(node, DOMAIN)) if r is not None]

    # -- entities ---------------------------------------------------------------------------------------------

    def common(self, node: Any, where: str) -> dict[str, Any]:
        _, uuid = split_om_iri(node)
        kw: dict[str, Any] = {"display_name": self.text(node, DISPLAY), "description": self.text(node, DESCRIPTION),
                                  "id": uuid or self.text(node, ID), "tags": self.tags(node),
                                  "owners": self.owners(node, where), "domains": self.domains(node, where)}
        updated = self.value(node, UPDATED_AT)
        if isinstance(updated, Literal):
            v = updated.toPython()
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                kw["updated_at"] = epoch_ms_to_datetime(v)
            elif hasattr(v, "isoformat"):
                kw["updated_at"] = v
            elif str(updated).isdigit():
                kw["updated_at"] = epoch_ms_to_datetime(int(str(updated)))
        kw["updated_by"] = self.text(node, UPDATED_BY)
        version = self.value(node, VERSION)
        if isinstance(version, Literal):
            try:
                kw["version"] = float(str(version))
            except ValueError:
                self.report.skip(f"{where} version", f"not a number: {version}")
        href = self.text(node, HREF)
        kw["href"] = href if href and "://" in href else None
        deleted = self.value(node, DELETED)
        if isinstance(deleted, Literal) and isinstance(deleted.toPython(), bool):
            kw["deleted"] = deleted.toPython()
        return kw

    def platform(self, node: Any, where: str) -> m.PlatformType | None:
        st = self.text(node, SERVICE_TYPE)
        if not st:
            return None
        try:
            return enum_member(m.PlatformType, st)
        except ValueError:
            self.report.skip(f"{where} serviceType", f"unknown platform {st!r}")
            return None

    def name_and_fqn(self, node: Any, where: str) -> tuple[str, str | None]:
        fqn = self.text(node, FQN)
        name = self.text(node, NAME) or (ids.split_fqn(fqn)[-1] if fqn else None)
        if not name:
            raise InputError(f"{node} has neither rdfs:label nor om:fullyQualifiedName", source=self.source,
                             expected="OpenMetadata RDF with a name for each entity")
        return name, fqn

    def service(self, node: Any) -> m.MLModelService:
        where = f"service {node}"
        name, fqn = self.name_and_fqn(node, where)
        kw = self.common(node, where)
        platform = self.platform(node, where)
        e = m.MLModelService(name=name, fqn=fqn, service_type=platform, **kw)
        self.same_as.append((e, node))
        self.check_unmapped(node)
        return e

    def model(self, node: Any) -> m.MLModel:
        name, fqn = self.name_and_fqn(node, f"model {node}")
        where = f"model {fqn or name}"
        kw = self.common(node, where)
        svc_node = self.value(node, SERVICE)
        service = None
        if svc_node is not None:
            svc_fqn = self.text(svc_node, FQN) or self.text(svc_node, NAME)
            service = Ref(type="mlmodelService", fqn=svc_fqn) if svc_fqn else None
        if service is None and fqn and len(ids.split_fqn(fqn)) > 1:
            service = Ref(type="mlmodelService", fqn=ids.quote_part(ids.split_fqn(fqn)[0]))
        features = []
        for i, fd in enumerate(self.json_values(node, FEATURES, "mlFeatures", where)):
            features.append(self.feature(fd, f"{where} mlFeatures[{i}]"))
        hps = []
        for i, hd in enumerate(self.json_values(node, HYPER, "mlHyperParameters", where)):
            if isinstance(hd, dict) and hd.get("name"):
                val = hd.get("value")
                hps.append(m.HyperParameter(name=str(hd["name"]), value=None if val is None else str(val),
                                            description=hd.get("description")))
            else:
                self.report.skip(f"{where} mlHyperParameters[{i}]", "needs a name")
        store = None
        for sd in self.json_values(node, STORE, "mlStore", where)[:1]:
            if isinstance(sd, dict):
                store = m.ModelStore(storage=sd.get("storage"), image_repository=sd.get("imageRepository"))
        server = None
        for sv in self.json_values(node, SERVER, "server", where)[:1]:
            server = sv if isinstance(sv, str) else None
        dashboard = None
        dnode = self.value(node, DASHBOARD)
        if dnode is not None:
            dashboard = self.ref(dnode, "dashboard", where)
        training, predictions = [], []
        for up in self.values(node, UPSTREAM):
            r = self.ref(up, "table", where)
            if r is not None and r.type in ("table", "container"):
                training.append(Ref(type="table", fqn=r.fqn, id=r.id) if r.type == "table" else r)
        for down in list(self.values(node, DOWNSTREAM)) + [s for p in (OM.upstream,) for s in self.g.subjects(p, node)]:
            r = self.ref(down, "table", where)
            if r is not None and r.type == "table":
                predictions.append(r)
        platform = self.platform(node, where)
        e = m.MLModel(name=name, fqn=fqn, service=service, service_type=platform,
                      algorithm=self.text(node, ALGORITHM), target=self.text(node, TARGET),
                      ml_features=features, ml_hyper_parameters=hps, ml_store=store,
                      server=server if server and "://" in server else None, dashboard=dashboard,
                      training_datasets=_dedupe(training), predictions=_dedupe(predictions),
                      source_url=self.text(node, SOURCE_URL), **kw)
        self.same_as.append((e, node))
        self.check_unmapped(node)
        return e

    def feature(self, fd: Any, where: str) -> m.Feature:
        if not isinstance(fd, dict) or not fd.get("name"):
            raise InputError("a feature needs a name", source=self.source, path=where)
        sources = []
        for j, sd in enumerate(fd.get("featureSources") or []):
            if not isinstance(sd, dict) or not sd.get("name"):
                self.report.skip(f"{where}.featureSources[{j}]", "needs a name")
                continue
            ds = sd.get("dataSource")
            ds_ref = None
            if isinstance(ds, dict) and (ds.get("fullyQualifiedName") or ds.get("id")):
                ds_type = str(ds["type"]) if ds.get("type") in ("table", "container") else "table"
                ds_ref = Ref(type=ds_type, fqn=ds.get("fullyQualifiedName"),
                             id=ds.get("id") if not ds.get("fullyQualifiedName") else None)
            elif isinstance(ds, str) and ds:
                ds_ref = Ref(type="table", fqn=ds)
            dt = sd.get("dataType")
            sources.append(m.FeatureSource(name=str(sd["name"]), data_source=ds_ref, description=sd.get("description"),
                                           data_type=dt if dt in {x.value for x in m.SourceDataType} else None))
        dt = fd.get("dataType")
        return m.Feature(name=str(fd["name"]), description=fd.get("description"), feature_sources=sources,
                         feature_algorithm=fd.get("featureAlgorithm"),
                         data_type=dt if dt in ("numerical", "categorical") else None)

    def check_unmapped(self, node: Any) -> None:
        for p in set(self.g.predicates(node, None)):
            if p not in KNOWN:
                self.unmapped[p] += len(list(self.g.objects(node, p)))

    # -- the whole graph --------------------------------------------------------------------------------------

    def run(self) -> list[Entity]:
        out: list[Entity] = []
        services = sorted({s for c in SERVICE_CLASSES for s in self.g.subjects(RDF.type, c)}, key=str)
        models = sorted({s for c in MODEL_CLASSES for s in self.g.subjects(RDF.type, c)}, key=str)
        if not services and not models:
            self.report.warn("no OpenMetadata ML model or ML model service in the graph (looked for "
                             "om:MLModel, om:MlModel, om:Mlmodel and the service classes)", item=self.source)
        for s in services:
            out.append(self.service(s))
            self.report.count("services")
        for node in models:
            out.append(self.model(node))
            self.report.count("models")
        for key in sorted(self.stubs):
            out.append(self.stubs[key])
            self.report.count(self.stubs[key].TYPE + "s")
        for p, n in sorted(self.unmapped.items(), key=lambda kv: str(kv[0])):
            self.report.warn(f"{n} triple(s) with {self.g.qname(p) if _can_qname(self.g, p) else p} not mapped "
                             "onto mlkg terms", item=self.source)
        return out


def _can_qname(g: Graph, p: URIRef) -> bool:
    try:
        g.qname(p)
        return True
    except Exception:
        return False


def _dedupe(refs: list[Ref]) -> list[Ref]:
    seen, out = set(), []
    for r in refs:
        if (r.type, r.key) not in seen:
            seen.add((r.type, r.key))
            out.append(r)
    return out


def map_graph(g: Graph, report: ImportReport, *, source: str = "<graph>") -> tuple[list[Entity], list[tuple[Entity, URIRef]]]:
    """mlkg entities for the OpenMetadata ML entities of ``g``, and (entity, OpenMetadata IRI) pairs."""
    mapper = _Mapper(g, report, source)
    ents = mapper.run()
    return ents, mapper.same_as


def to_mlkg_graph(g: Graph, report: ImportReport, *, source: str = "<graph>", same_as: bool = True,
                  base: str | None = None) -> Graph:
    """An mlkg graph for the OpenMetadata graph ``g`` (entities via :func:`mlkg.rdf.build.to_graph`), with
    ``owl:sameAs`` links to the OpenMetadata IRIs unless ``same_as=False``."""
    ents, pairs = map_graph(g, report, source=source)
    out = to_graph(ents, base=base)
    if same_as:
        for e, node in pairs:
            if e.fqn:
                out.add((URIRef(e.iri(base=base)), OWL.sameAs, node))
    return out


def entities_from_file(path: str, report: ImportReport) -> Iterator[Entity]:
    """Entities mapped from an om: RDF file (format by suffix; JSON with ``@context`` is JSON-LD)."""
    from pathlib import Path

    # the file was chosen as RDF (by its suffix, or --from rdf): an unknown suffix is read as Turtle
    fmt = "jsonld" if path.lower().endswith(".json") else (
        guess_format(path) if Path(path).suffix.lower() in SUFFIXES else "turtle")
    g = load_graph([path], fmt=fmt)
    ents, pairs = map_graph(g, report, source=path)
    for e, node in pairs:
        if e.fqn:
            report.extra_triples.append((e, OWL.sameAs, node))
    yield from ents
