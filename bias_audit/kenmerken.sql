-- Audit attributes of the applicant of every population dossier on the peildatum ($peildatum).
-- The audit's own path: populatie -> the accepted gemeente delivery (for the applicant's BSN) -> the
-- accepted BRP delivery (persons, the special data in audit.brp_personen_bijzonder, the current
-- woonadres and its wijk). The BSN is only a join key here; it never leaves this query.
WITH lev AS (
    SELECT bron, leverdatum FROM run_bronnen WHERE peildatum = $peildatum AND status = 'geaccepteerd'
), pop AS (
    SELECT dossier_id, aanvrager_ph, partner_ph, normcategorie, datum_aanvang FROM populatie WHERE peildatum = $peildatum
), aanvrager AS (
    SELECT u.dossier_id, any_value(u.bsn) AS bsn
    FROM gemeente_uitkeringen u JOIN pop USING (dossier_id)
    WHERE u.leverdatum = (SELECT leverdatum FROM lev WHERE bron = 'gemeente')
    GROUP BY u.dossier_id
), persoon AS (
    SELECT bsn, any_value(geboortedatum_laatst) AS geboren, any_value(geslacht) AS geslacht
    FROM brp_personen
    WHERE leverdatum = (SELECT leverdatum FROM lev WHERE bron = 'brp') AND bsn IN (SELECT bsn FROM aanvrager)
    GROUP BY bsn
), bijzonder AS (
    SELECT bsn, any_value(geboorteland) AS geboorteland, any_value(nationaliteit) AS nationaliteit
    FROM audit.brp_personen_bijzonder
    WHERE leverdatum = (SELECT leverdatum FROM lev WHERE bron = 'brp') AND bsn IN (SELECT bsn FROM aanvrager)
    GROUP BY bsn
), woonregels AS MATERIALIZED (
    -- the applicants' current woonadres rows first (at landelijk ~340 k of 30 M rows), and only those joined
    -- to the addresses: joined the other way round DuckDB matched all 17 M current rows to 10 M addresses
    SELECT v.bsn, v.adres_id, v.datum_aanvang_laatst
    FROM brp_verblijfplaatsen v
    WHERE v.leverdatum = (SELECT leverdatum FROM lev WHERE bron = 'brp')
      AND v.bsn IN (SELECT bsn FROM aanvrager)
      AND v.functie_adres = 'W' AND v.adres_id IS NOT NULL
      AND v.datum_aanvang_laatst <= $peildatum
      AND (v.datum_einde IS NULL OR v.datum_einde_vroegst > $peildatum)
), woon AS (
    SELECT v.bsn, arg_max(a.wijk_code, v.datum_aanvang_laatst) AS wijk_code,
           arg_max(v.adres_id, v.datum_aanvang_laatst) AS adres_id
    FROM woonregels v
    LEFT JOIN brp_adressen a ON a.adres_id = v.adres_id
        AND a.leverdatum = (SELECT leverdatum FROM lev WHERE bron = 'brp')
    GROUP BY v.bsn
), bewoners AS (
    -- legitimate factor of the housing themes: persons with a current woonadres at the applicant's address,
    -- counted as those themes count them (assets/themas/wonen.py): a person who may have died by then does not
    SELECT v.adres_id, count(DISTINCT v.bsn) AS bewoners
    FROM brp_verblijfplaatsen v
    WHERE v.leverdatum = (SELECT leverdatum FROM lev WHERE bron = 'brp')
      AND v.adres_id IN (SELECT adres_id FROM woon)
      AND v.functie_adres = 'W'
      AND v.datum_aanvang_laatst <= $peildatum
      AND (v.datum_einde IS NULL OR v.datum_einde_vroegst > $peildatum)
      AND v.bsn NOT IN (SELECT bsn FROM brp_personen WHERE leverdatum = (SELECT leverdatum FROM lev WHERE bron = 'brp')
                        AND datum_overlijden_vroegst <= $peildatum)
    GROUP BY v.adres_id
)
SELECT pop.dossier_id, pop.aanvrager_ph, pop.normcategorie,
       CASE WHEN persoon.geboren IS NULL THEN NULL
            ELSE year($peildatum) - year(persoon.geboren)
                 - CASE WHEN month(persoon.geboren) * 100 + day(persoon.geboren)
                             > month($peildatum) * 100 + day($peildatum) THEN 1 ELSE 0 END
       END AS leeftijd_jaren,
       persoon.geslacht,
       woon.wijk_code,
       CASE WHEN pop.datum_aanvang IS NULL THEN NULL
            ELSE year($peildatum) - year(pop.datum_aanvang)
                 - CASE WHEN month(pop.datum_aanvang) * 100 + day(pop.datum_aanvang)
                             > month($peildatum) * 100 + day($peildatum) THEN 1 ELSE 0 END
       END AS duur_jaren,
       bijzonder.geboorteland, bijzonder.nationaliteit,
       CASE WHEN pop.partner_ph IS NULL THEN 1 ELSE 2 END AS personen_in_dossier,
       bewoners.bewoners AS bewoners_op_adres
FROM pop
LEFT JOIN aanvrager USING (dossier_id)
LEFT JOIN persoon ON persoon.bsn = aanvrager.bsn
LEFT JOIN bijzonder ON bijzonder.bsn = aanvrager.bsn
LEFT JOIN woon ON woon.bsn = aanvrager.bsn
LEFT JOIN bewoners ON bewoners.adres_id = woon.adres_id
ORDER BY pop.dossier_id
