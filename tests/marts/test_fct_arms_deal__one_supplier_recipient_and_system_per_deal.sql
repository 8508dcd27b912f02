-- A deal is one supplier sending one canonical weapon system to one recipient: every stage fact linked by a
-- deal_key must agree on all three (a deal_key typo or a spelling resolving to another system fails here).
select
    deal_key,
    count(distinct supplier_iso3) as suppliers,
    count(distinct recipient_iso3) as recipients,
    count(distinct weapon_system_id) as systems
from {{ ref('int_arms_transfers_resolved') }}
group by deal_key
having
    count(distinct supplier_iso3) > 1
    or count(distinct recipient_iso3) > 1
    or count(distinct weapon_system_id) > 1
