-- The four theme rules of ../shared/domain.md as plain DuckDB SQL, over the same staged tables.
-- Used by benchmarks/bench_pipeline.py as the speed reference for the Polars theme stage, and by
-- tests/themas/test_sql_kruiscontrole.py as an independent second rendering of the rules (the
-- final signal sets must be identical). Parameters: $P (peildatum) and the leverdatum per source.
CREATE OR REPLACE TEMP VIEW pop AS
SELECT dossier_id, bsn, partner_bsn, normcategorie, kostendelers, datum_aanvang
FROM gemeente_uitkeringen
WHERE leverdatum = $lg AND regeling = 'PW' AND datum_aanvang <= $P AND (datum_einde IS NULL OR datum_einde >= $P);

CREATE OR REPLACE TEMP VIEW hh AS
SELECT dossier_id, bsn, 'aanvrager' AS rol FROM pop
UNION ALL SELECT dossier_id, partner_bsn, 'partner' FROM pop WHERE partner_bsn IS NOT NULL;

CREATE OR REPLACE TEMP VIEW overleden AS
SELECT bsn FROM brp_personen WHERE leverdatum = $lb AND datum_overlijden_vroegst <= $P;

CREATE OR REPLACE TEMP VIEW uitgesloten AS
SELECT DISTINCT hh.dossier_id, t.thema
FROM hh JOIN overleden USING (bsn)
CROSS JOIN (VALUES ('vermogen_voertuigen'), ('vermogen_bank'), ('huisvesting_bezetting'), ('huisvesting_kostendelers')) t(thema)
UNION
SELECT dossier_id, thema FROM gemeente_onderzoeken
WHERE leverdatum = $lg AND thema IS NOT NULL AND (
    (uitkomst = 'geen_afwijking' AND datum_einde > $P - INTERVAL 12 MONTH AND datum_einde <= $P)
    OR ((uitkomst = 'lopend' OR datum_einde IS NULL) AND datum_start <= $P));

CREATE OR REPLACE TEMP VIEW woon AS
SELECT v.bsn, v.adres_id, v.datum_aanvang_laatst AS aanvang
FROM brp_verblijfplaatsen v
WHERE v.leverdatum = $lb AND v.functie_adres = 'W' AND v.adres_id IS NOT NULL AND v.datum_aanvang_laatst <= $P
  AND (v.datum_einde IS NULL OR v.datum_einde_vroegst > $P)
  AND v.bsn NOT IN (SELECT bsn FROM overleden);

CREATE OR REPLACE TEMP VIEW sql_vermogen_voertuigen AS
SELECT dossier_id FROM hh JOIN rdw_tenaamstellingen t USING (bsn)
WHERE t.leverdatum = $lr AND t.voertuigsoort IN ('Personenauto', 'Bedrijfsauto', 'Motorfiets')
  AND t.datum_aanvang_tenaamstelling_vroegst > $P - INTERVAL 12 MONTH AND t.datum_aanvang_tenaamstelling_vroegst <= $P
GROUP BY dossier_id HAVING count(DISTINCT t.kenteken) >= 3;

CREATE OR REPLACE TEMP VIEW sql_vermogen_bank AS
WITH saldi AS (
    SELECT hh.dossier_id, v.rekening_id, v.saldo_cent,
           row_number() OVER (PARTITION BY hh.dossier_id, v.rekening_id ORDER BY v.saldo_peildatum DESC, v.bsn DESC) AS r
    FROM hh JOIN ib_vermogen v USING (bsn) WHERE v.leverdatum = $li AND v.saldo_peildatum <= $P)
SELECT s.dossier_id FROM saldi s JOIN pop p USING (dossier_id)
WHERE s.r = 1
GROUP BY s.dossier_id, p.normcategorie
HAVING sum(s.saldo_cent) / 100.0 - CASE WHEN p.normcategorie = 'alleenstaande' THEN $grens_alleen ELSE $grens_samen END > 500;

CREATE OR REPLACE TEMP VIEW sql_huisvesting_bezetting AS
WITH bewoners AS (SELECT adres_id, count(*) AS n FROM woon GROUP BY adres_id)
SELECT DISTINCT hh.dossier_id
FROM hh JOIN woon w USING (bsn) JOIN bewoners b USING (adres_id)
JOIN brp_adressen a ON a.adres_id = w.adres_id AND a.leverdatum = $lb
WHERE b.n >= 8 OR a.oppervlakte_m2 / b.n < 12 OR a.status = 'Verblijfsobject buiten gebruik'
   OR NOT list_contains(string_split(a.gebruiksdoel, '|'), 'woonfunctie');

CREATE OR REPLACE TEMP VIEW sql_huisvesting_kostendelers AS
WITH adres AS (SELECT p.dossier_id, p.bsn, p.partner_bsn, p.kostendelers, w.adres_id FROM pop p JOIN woon w USING (bsn)),
studie AS (SELECT DISTINCT bsn FROM suwi_studiefinanciering WHERE leverdatum = $ls AND soort IN ('WSF', 'WTOS')
           AND datum_aanvang <= $P AND (datum_einde IS NULL OR datum_einde >= $P)),
mede AS (
    SELECT a.dossier_id, count(*) AS n
    FROM adres a JOIN woon w ON w.adres_id = a.adres_id AND w.bsn <> a.bsn AND (a.partner_bsn IS NULL OR w.bsn <> a.partner_bsn)
    JOIN brp_personen pe ON pe.bsn = w.bsn AND pe.leverdatum = $lb
    WHERE pe.geboortedatum_laatst + INTERVAL 27 YEAR <= $P AND w.bsn NOT IN (SELECT bsn FROM studie)
    GROUP BY a.dossier_id)
SELECT a.dossier_id FROM adres a LEFT JOIN mede m USING (dossier_id)
WHERE a.kostendelers < 1 + (a.partner_bsn IS NOT NULL)::INT + coalesce(m.n, 0);
