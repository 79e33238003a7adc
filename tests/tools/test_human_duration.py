"""AGE cells: apimachinery's HumanDuration, one test per row of the reference table (§2.3)."""

import pytest

from cluster_engine.printers.duration import age, human_duration


@pytest.mark.parametrize("seconds, expected", [(-2, "<invalid>"), (-100, "<invalid>")])
def test_more_than_a_second_in_the_future_is_invalid(seconds, expected):
    assert human_duration(seconds) == expected


@pytest.mark.parametrize("seconds", [-1.9, -1, -0.5, 0])
def test_up_to_a_second_in_the_future_reads_as_zero_seconds(seconds):
    assert human_duration(seconds) == "0s"


@pytest.mark.parametrize("seconds, expected", [(5, "5s"), (59, "59s"), (60, "60s"), (119, "119s"),
                                               (119.9, "119s")])
def test_under_two_minutes_counts_seconds(seconds, expected):
    assert human_duration(seconds) == expected


@pytest.mark.parametrize("seconds, expected", [(120, "2m"), (123, "2m3s"), (599, "9m59s")])
def test_under_ten_minutes_gives_minutes_and_seconds(seconds, expected):
    assert human_duration(seconds) == expected


@pytest.mark.parametrize("seconds, expected", [(600, "10m"), (137 * 60 + 59, "137m"),
                                               (179 * 60 + 59, "179m")])
def test_under_three_hours_gives_minutes(seconds, expected):
    assert human_duration(seconds) == expected


@pytest.mark.parametrize("seconds, expected", [(3 * 3600, "3h"), (3 * 3600 + 5 * 60, "3h5m"),
                                               (8 * 3600 - 1, "7h59m")])
def test_under_eight_hours_gives_hours_and_minutes(seconds, expected):
    assert human_duration(seconds) == expected


@pytest.mark.parametrize("seconds, expected", [(8 * 3600, "8h"), (48 * 3600 - 1, "47h")])
def test_under_two_days_gives_hours(seconds, expected):
    assert human_duration(seconds) == expected


@pytest.mark.parametrize("seconds, expected", [(48 * 3600, "2d"), (51 * 3600, "2d3h"),
                                               (8 * 86400 - 1, "7d23h")])
def test_under_eight_days_gives_days_and_hours(seconds, expected):
    assert human_duration(seconds) == expected


@pytest.mark.parametrize("seconds, expected", [(8 * 86400, "8d"), (400 * 86400, "400d"),
                                               (730 * 86400 - 1, "729d")])
def test_under_two_years_gives_days(seconds, expected):
    assert human_duration(seconds) == expected


@pytest.mark.parametrize("seconds, expected", [(730 * 86400, "2y"), (740 * 86400, "2y10d"),
                                               (8 * 365 * 86400 - 1, "7y364d")])
def test_under_eight_years_gives_years_and_days(seconds, expected):
    assert human_duration(seconds) == expected


def test_eight_years_and_more_gives_years():
    assert human_duration(8 * 365 * 86400) == "8y"
    assert human_duration(20 * 365 * 86400 + 100 * 86400) == "20y"


def test_an_object_without_a_creation_time_has_an_unknown_age():
    assert age(None, 1000.0) == "<unknown>"
    assert age(900.0, 1000.0) == "100s"
