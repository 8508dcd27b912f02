-- depends_on: {{ ref('membership_statuses') }}
select
    membership_status,
    description
from {{ source('vocabulary', 'membership_statuses') }}
