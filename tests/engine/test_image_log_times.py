"""Times in the programs' own log lines must read exactly as the real programs print them."""

from datetime import datetime, timezone

from hypothesis import example, given
from hypothesis import strategies as st

from cluster_engine.images import js_date


@given(st.floats(min_value=0, max_value=4_102_444_800, allow_nan=False))
@example(1_700_000_000.9999995)  # rounds up into the next second
@example(1_700_000_000.0015)
def test_a_javascript_date_reads_as_node_prints_it(at):
    moment = datetime.fromtimestamp(at, tz=timezone.utc)
    assert js_date(at) == moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
