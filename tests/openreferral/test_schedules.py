"""Reading a provider's schedule words into HSDS days and times: what the words say for
certain, and nothing invented."""
from __future__ import annotations

import pytest

from marketplace.demo.words import SCHEDULES
from marketplace.openreferral.schedules import (
    DAYS, ScheduleRule, clock, parse_clock, parse_day, read_schedule)

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR")


@pytest.mark.parametrize("words, rules", [
    ("Tuesdays, 10am to 12pm", [ScheduleRule(("TU",), 600, 720)]),
    ("Tuesday evenings, 6.30pm to 8.30pm", [ScheduleRule(("TU",), 1110, 1230)]),
    ("Every other Tuesday, 7pm to 9pm", [ScheduleRule(("TU",), 1140, 1260, interval=2)]),
    ("Monday to Friday, 9am to 5pm; Thursdays until 8pm",
     [ScheduleRule(WEEKDAYS, 540, 1020), ScheduleRule(("TH",), None, 1200)]),
    ("Monday to Friday 6.30am to 9.30pm, weekends 8am to 6pm",
     [ScheduleRule(WEEKDAYS, 390, 1290), ScheduleRule(("SA", "SU"), 480, 1080)]),
    ("Every evening, 6pm to midnight", [ScheduleRule(DAYS, 1080, 1440)]),
    ("Friday to Sunday, 5pm to 11pm", [ScheduleRule(("FR", "SA", "SU"), 1020, 1380)]),
    ("Three nights, Friday to Monday, on dates through the year",
     [ScheduleRule(("MO", "FR", "SA", "SU"))]),
    ("Flexible, including evenings and weekends", [ScheduleRule(DAYS)]),
    ("Weekday stays, Monday to Thursday nights", [ScheduleRule(("MO", "TU", "WE", "TH"))]),
    ("Mondays, Wednesdays, 10am to 12pm", [ScheduleRule(("MO", "WE"), 600, 720)]),
    ("mon-fri 18:00-20:00", [ScheduleRule(WEEKDAYS, 1080, 1200)]),
    ("Sat 9am till noon", [ScheduleRule(("SA",), 540, 720)]),
    ("Ready within two weeks of ordering", []),
    ("", []),
])
def test_the_words_become_rules(words, rules):
    assert list(read_schedule(words)) == rules


def test_the_weekend_tick_adds_saturday_and_sunday_only_when_the_words_do_not():
    assert read_schedule("By arrangement", True) == (ScheduleRule(("SA", "SU")),)
    assert read_schedule("Saturdays, 10am to 1pm", True) == (ScheduleRule(("SA",), 600, 780),)


def test_every_demo_schedule_reads_as_its_ticks_say():
    for rows in SCHEDULES.values():
        for words, evenings, weekends in rows:
            rules = read_schedule(words.format(day="Wednesday"), weekends)
            weekend_days = {day for rule in rules for day in rule.days} & {"SA", "SU"}
            assert bool(weekend_days) == weekends or not rules, words


def test_a_rule_matches_a_day_and_times_it_knows():
    evening = ScheduleRule(("TU",), 1080, 1200)
    assert evening.matches("TU", 1080, 1200) and evening.matches(None, 1000, None)
    assert not evening.matches("WE", None, None) and not evening.matches(None, 1100, None)
    assert not ScheduleRule(("TU",)).matches("TU", 600, None)  # times unknown


def test_days_and_times_as_asked_for():
    assert [parse_day(text) for text in ("MO", "su", "Saturday", "thurs", "Fridays", "x")] == [
        "MO", "SU", "SA", "TH", "FR", None]
    assert [parse_clock(text) for text in ("18:00", "09:30:00", "6pm", "6.30am", "25:00",
                                           "noon", "soon")] == [
        1080, 570, 1080, 390, None, 720, None]
    assert [clock(minutes) for minutes in (0, 570, 1440, None)] == ["00:00", "09:30", "00:00",
                                                                    None]
