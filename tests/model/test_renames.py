"""References by FQN follow a renamed entity (#13 item 5, the part left open): inside the renamed entity they are
rebuilt with it; from other entities of the same estate the graph builders rebuild them (``follow_renames``).

The estate is real: the SageMaker importer's golden graph (the moto estate written through boto3's own API) read
back into entities; its endpoints reference model versions by FQN.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from rdflib import Graph, URIRef

import mlkg.model as m
from mlkg.model.base import FieldKind, Ref, follow_renames, iter_fields
from mlkg.rdf.build import ntriples_bytes, to_graph
from mlkg.rdf.reader import from_graph
from mlkg.vocab import MLKG as V

GOLDEN = Path(__file__).resolve().parents[1] / "importers" / "sagemaker" / "golden" / "estate.ttl"


def _estate() -> list[m.Entity]:
    return from_graph(Graph().parse(GOLDEN))


def _iris(e: m.Entity, out: set[str]) -> set[str]:
    """The IRIs of ``e`` and its descendants."""
    out.add(e.iri())
    for f, spec in iter_fields(type(e)):
        if spec.kind is FieldKind.CHILD:
            val = getattr(e, f.name)
            for c in (val if spec.many else (val,) if val is not None else ()):
                _iris(c, out)
    return out


def _dangling(estate: list[m.Entity]) -> set[str]:
    """Targets of the graph's version, feature and service references that are no entity of the estate."""
    g = to_graph(estate)
    known: set[str] = set()
    for e in estate:
        _iris(e, known)
    out = set()
    for p in (V.servesModelVersion, V.servedVersion, V.usesFeature, V.previousVersion, V.belongsToService):
        out |= {str(o) for o in g.objects(None, p) if isinstance(o, URIRef) and str(o) not in known}
    return out


def test_renaming_a_model_group_moves_the_endpoints_references_with_it() -> None:
    ents = _estate()
    assert _dangling(ents) == set()
    (group,) = [e for e in ents if isinstance(e, m.MLModel) and e.fqn == "sagemaker.fraud-detector"]
    served_before = {e.name: e.model_version.fqn for e in ents if isinstance(e, m.Endpoint) and e.model_version}
    assert "sagemaker.fraud-detector.2" in served_before.values()
    renamed = dataclasses.replace(group, name="fraud-scorer")
    assert [v.fqn for v in renamed.versions] == [f"sagemaker.fraud-scorer.{n}" for n in ("1", "2", "3")]
    estate = [renamed if e is group else e for e in ents]

    followed = follow_renames(estate)
    served = {e.name: e.model_version.fqn for e in followed if isinstance(e, m.Endpoint) and e.model_version}
    assert served == {k: v.replace("fraud-detector", "fraud-scorer") for k, v in served_before.items()}
    assert _dangling(estate) == set()  # the builders follow the renames themselves
    g = to_graph(estate)
    ep = next(s for s in g.subjects(V.servesModelVersion, None))
    assert str(g.value(ep, V.servesModelVersion)).endswith("modelVersion/sagemaker.fraud-scorer.2")
    nt = ntriples_bytes(estate).decode()
    assert "modelVersion/sagemaker.fraud-detector.2>" not in nt and "modelVersion/sagemaker.fraud-scorer.2>" in nt


def test_references_inside_the_renamed_entity_follow_it() -> None:
    model = m.MLModel(name="churn", service="sk", ml_features=[m.Feature(name="age")], versions=[
        m.ModelVersion(name="1", features=[Ref(type="mlFeature", fqn="sk.churn.age")]),
        m.ModelVersion(name="2", previous_version=Ref(type="modelVersion", fqn="sk.churn.1", name="1"))])
    renamed = dataclasses.replace(model, name="attrition")
    v1, v2 = renamed.versions
    assert [r.fqn for r in v1.features] == ["sk.attrition.age"]
    assert (v2.previous_version.fqn, v2.previous_version.name) == ("sk.attrition.1", "1")
    # a version renamed on its own, then put back in its model: its sibling's reference follows too
    model2 = dataclasses.replace(model, versions=[dataclasses.replace(model.versions[0], name="1b"),
                                                  model.versions[1]])
    assert model2.versions[1].previous_version.fqn == "sk.churn.1b"
    assert _dangling([m.MLModelService(name="sk", service_type="Sklearn"), renamed]) == set()
    # what a graph without following would have held
    gone = m.Endpoint(name="ep", service="sk", model_version=Ref(type="modelVersion", fqn="sk.gone.1"))
    assert _dangling([m.MLModelService(name="sk", service_type="Sklearn"), gone]) == {
        "https://w3id.org/mlkg/id/modelVersion/sk.gone.1"}


def test_a_renamed_service_takes_its_models_references_and_chains_are_followed() -> None:
    svc = m.MLModelService(name="mlflow", service_type="Mlflow")
    model = m.MLModel(name="churn", service="mlflow", versions=[m.ModelVersion(name="1")])
    ep = m.Endpoint(name="ep", service="mlflow", model_version=Ref(type="modelVersion", fqn="mlflow.churn.1"))
    svc2 = dataclasses.replace(svc, name="mlflow_prod")
    followed = follow_renames([svc2, model, ep])
    assert [e.service.fqn for e in followed if isinstance(e, (m.MLModel, m.Endpoint))] == ["mlflow_prod"] * 2
    twice = dataclasses.replace(dataclasses.replace(model, name="attrition"), name="retention")
    (ep2,) = [e for e in follow_renames([svc, twice, ep]) if isinstance(e, m.Endpoint)]
    assert ep2.model_version.fqn == "mlflow.retention.1"


def test_nothing_moves_while_an_entity_still_has_the_old_name() -> None:
    model = m.MLModel(name="churn", service="svc", versions=[m.ModelVersion(name="1")])
    ep = m.Endpoint(name="ep", service="svc", model_version=Ref(type="modelVersion", fqn="svc.churn.1"))
    copy = dataclasses.replace(model, name="churn_copy")  # a copy beside the original, not a rename
    out = follow_renames([model, copy, ep])
    assert out[2] is ep and out[0] is model
    plain = [m.MLModelService(name="svc", service_type="Mlflow"), model, ep]
    assert all(a is b for a, b in zip(follow_renames(plain), plain, strict=True))  # no rename: the same objects
