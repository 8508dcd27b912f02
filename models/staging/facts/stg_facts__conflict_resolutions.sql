-- depends_on: {{ ref('conflict_resolutions') }}
select
    resolution_id,
    lower(trim(conflict_kind)) as conflict_kind,
    trim(compared_thing) as compared_thing,
    trim(adopted_reading) as adopted_reading,
    trim(reason) as reason
from {{ source('facts', 'conflict_resolutions') }}
