-- Superset's security-ties table: each country pair, tie kind and year a tie is in force, with its basis, the
-- number of fact rows and texts behind it and the latest text that states it.
select
    t.country_pair,
    t.tie_kind,
    t.from_country_name,
    t.from_role,
    t.to_country_name,
    t.to_role,
    t.year_number,
    t.tie_basis,
    t.evidence_count,
    t.document_count,
    t.latest_doc_id
from marts.mart_security_ties as t
