"""The bias report renders every state a theme's audit can be in, also one that could not be computed."""
from datetime import date

from assets.themas.kader import laad_parameters
from assets.themas.register import THEMAS
from bias_audit import audit, instellingen, oordeel, rapport
from kern.omgeving import STANDAARD_FILTERS

P = date(2026, 10, 31)


def test_an_audit_that_could_not_be_computed_is_reported_as_blocking():
    inst, par = instellingen.laad(), laad_parameters(STANDAARD_FILTERS)
    docs = {}
    for t, thema in THEMAS.items():
        doc = audit._leeg_document(thema, P, inst, par)
        doc["fouten"] = [f"bias-audit {t}: geen trechter om te toetsen (thema niet berekend)"]
        oordeel.beoordeel(doc, [], None, P)
        docs[t] = doc
    html = rapport.bouw_html(docs, P, "/werk", monitoring=False)
    assert html.count('<span class="afw">blokkeert</span>') == len(THEMAS)
    for t in THEMAS:
        assert f"bias-audit {t}: geen trechter om te toetsen (thema niet berekend)" in html
    assert "drie kenmerken in de laatste stap (–)" in html
    assert "Geen eerdere runs van dit thema met een audit." in html
    assert "monitoringsrapport" not in html
