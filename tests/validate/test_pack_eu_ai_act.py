"""Packs eu-ai-act and nist-ai-rmf: each missing documentation item is reported with the article or RMF item it
checks, with the exact command a user types; complete models and out-of-scope models pass."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from mlkg.cli import get_app

ROOT = Path(__file__).resolve().parents[2]

HEAD = """@prefix mlkg: <https://w3id.org/mlkg#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
ID = "https://w3id.org/mlkg/id/"

#: A high-risk model (tagged EUAIAct.HighRisk) that documents nothing but one training dataset without provenance.
INCOMPLETE = HEAD + f"""
<{ID}mlmodel/svc.credit> a mlkg:MLModel ; mlkg:name "credit" ; mlkg:fullyQualifiedName "svc.credit" ;
  mlkg:hasTagLabel <{ID}tagLabel/svc.credit.hr> ; mlkg:trainedOn <{ID}dataset/apps> .
<{ID}tagLabel/svc.credit.hr> a mlkg:TagLabel ; mlkg:tagFQN "EUAIAct.HighRisk" .
<{ID}dataset/apps> a mlkg:Dataset ; mlkg:name "apps" .
"""

#: The same model with every item documented (some on its version, as the pack allows).
COMPLETE = HEAD + f"""
<{ID}mlmodel/svc.credit> a mlkg:MLModel ; mlkg:name "credit" ; mlkg:fullyQualifiedName "svc.credit" ;
  mlkg:hasTagLabel <{ID}tagLabel/svc.credit.hr> ; mlkg:hasOwner <{ID}team/risk> ; mlkg:algorithmName "LightGBM" ;
  mlkg:hasModelCard <{ID}modelCard/credit> ; mlkg:hasVersion <{ID}modelVersion/svc.credit.1> ;
  mlkg:hasAuditEvent <{ID}auditEvent/e1> .
<{ID}tagLabel/svc.credit.hr> a mlkg:TagLabel ; mlkg:tagFQN "euaiact.highrisk" .
<{ID}team/risk> a mlkg:Team ; mlkg:name "risk" .
<{ID}modelCard/credit> a mlkg:ModelCard ; mlkg:intendedUse "Pre-screening of consumer credit applications." ;
  mlkg:humanOversightMeasures "A credit officer reviews every rejection and can override it." ;
  mlkg:riskManagementRecord "https://wiki.example/risk/credit-2025"^^xsd:anyURI .
<{ID}auditEvent/e1> a mlkg:AuditEvent ; mlkg:action "deployed" .
<{ID}modelVersion/svc.credit.1> a mlkg:ModelVersion ; mlkg:name "1" ; mlkg:trainedOn <{ID}dataset/apps> ;
  mlkg:hasEvaluation <{ID}evaluation/auc>, <{ID}evaluation/auc-age> .
<{ID}dataset/apps> a mlkg:Dataset ; mlkg:name "apps" ; mlkg:description "Applications 2025, EU branches." .
<{ID}evaluation/auc> a mlkg:Evaluation ; mlkg:name "AUC" ; mlkg:measure mlkg:AUC ; mlkg:metricValue 0.91 ;
  mlkg:evaluationDataset <{ID}dataset/apps> .
<{ID}evaluation/auc-age> a mlkg:Evaluation ; mlkg:name "AUC" ; mlkg:measure mlkg:AUC ; mlkg:metricValue 0.86 ;
  mlkg:sensitiveAttribute "age" ; mlkg:group "<25" .
"""

EXPECTED_ARTICLES = {
    "intended_use": "Annex IV(1)(a), Art. 13(3)(b)(i)",
    "owners": "Annex IV(1)(a), Art. 16(b)",
    "training_datasets": "Annex IV(2)(d), Art. 10(2)(b)",
    "algorithm": "Annex IV(2)(b)",
    "metrics": "Annex IV(2)(g), Art. 15",
    "fairness": "Annex IV(3), Art. 10(2)(f)",
    "human_oversight": "Annex IV(2)(e), Art. 14",
    "risk_management_record": "Annex IV(5), Art. 9",
    "audit_events": "Art. 12",
}


def run(tmp_path: Path, text: str, pack: str, *extra: str):
    f = tmp_path / "model.ttl"
    f.write_text(text)
    return CliRunner().invoke(get_app(), ["validate", "--pack", pack, str(f), *extra])


def test_incomplete_high_risk_model_lists_each_missing_item_with_its_article(tmp_path):
    res = run(tmp_path, INCOMPLETE, "eu-ai-act")
    assert res.exit_code == 1, res.output
    lines = [line.strip() for line in res.output.splitlines() if re.match(r"\s+(Violation|Warning)", line)]
    by_field = {}
    for line in lines:
        m = re.match(r"(Violation|Warning)\s+(\w+): (.*)", line)
        assert m, line
        by_field.setdefault(m.group(2), []).append(m.group(3))
    assert set(by_field) == set(EXPECTED_ARTICLES)
    for field, article in EXPECTED_ARTICLES.items():
        assert any(f"EU AI Act {article}" in msg for msg in by_field[field]), (field, by_field[field])
        assert all("not legal advice" in msg for msg in by_field[field])


def test_the_oversight_and_risk_rules_read_the_ontology_terms_not_compliance_record_names(tmp_path):
    # a compliance record merely named after the article no longer counts; the model card's terms do
    named = INCOMPLETE + f"""
<{ID}mlmodel/svc.credit> mlkg:hasComplianceRecord <{ID}complianceRecord/art14> .
<{ID}complianceRecord/art14> a mlkg:ComplianceRecord ; mlkg:complianceFramework "EU AI Act Art. 14 and Art. 9" .
"""
    out = run(tmp_path, named, "eu-ai-act").output
    assert "human_oversight: EU AI Act Annex IV(2)(e), Art. 14" in out
    assert "risk_management_record: EU AI Act Annex IV(5), Art. 9" in out
    documented = INCOMPLETE + f"""
<{ID}mlmodel/svc.credit> mlkg:hasModelCard <{ID}modelCard/credit> .
<{ID}modelCard/credit> a mlkg:ModelCard ; mlkg:humanOversightMeasures "Officer review of every rejection." ;
  mlkg:hasRisk <{ID}risk/thin-file> .
<{ID}risk/thin-file> a mlkg:Risk ; mlkg:name "thin credit file" ; mlkg:mitigation "Manual review." .
"""
    out = run(tmp_path, documented, "eu-ai-act").output
    assert "human_oversight:" not in out and "risk_management_record:" not in out
    assert "intended_use: EU AI Act" in out          # the rest is still missing


def test_documented_high_risk_model_conforms(tmp_path):
    res = run(tmp_path, COMPLETE, "eu-ai-act")
    assert res.exit_code == 0, res.output
    assert "Conforms: yes" in res.output


def test_models_not_marked_high_risk_are_out_of_scope():
    res = CliRunner().invoke(get_app(), ["validate", "--pack", "eu-ai-act",
                                         str(ROOT / "examples" / "output" / "fraud_detection.ttl")])
    assert res.exit_code == 0, res.output


def test_nist_pack_cites_map_and_measure_items(tmp_path):
    res = run(tmp_path, INCOMPLETE, "nist-ai-rmf")
    assert res.exit_code == 0, res.output          # warnings only: the RMF is voluntary
    for item in ("MAP 1.1", "MAP 2.1", "MAP 2.2", "MAP 5.1", "MEASURE 2.1", "MEASURE 2.3", "MEASURE 2.11",
                 "MEASURE 2.12"):
        assert f"NIST AI RMF {item}:" in res.output, item
    assert "MEASURE 2.4" not in res.output          # only production models need monitoring
    res = run(tmp_path, COMPLETE, "nist-ai-rmf")
    for item in ("MAP 1.1", "MAP 2.1", "MEASURE 2.1", "MEASURE 2.11"):
        assert f"NIST AI RMF {item}:" not in res.output, item
