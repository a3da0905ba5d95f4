"""When a service runs, read from the provider's own words ("Tuesdays, 6pm to 8pm") into the
days and times HSDS schedules hold, for the feed's schedules and its day/start_time/end_time
filters.

A provider writes the schedule in plain English; we keep their words (each HSDS schedule's
description) and add only what the words say for certain: the days named ("Mondays", "Monday
to Friday", "weekdays", "weekends", "every day"), "every other" (interval 2) and a time range
("10am to 12.30pm", "18:00-20:00", "until 8pm"). Words we cannot read give a schedule with the
description only. The service's own "runs at weekends" tick adds Saturday and Sunday when the
words name no weekend day. Nothing is guessed from "evenings": no hours are invented.

Times are minutes after midnight, London wall time; "midnight" as a closing time is 1440.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

#: HSDS (RFC 5545) day codes, in week order.
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WEEKDAYS = DAYS[:5]
WEEKEND = DAYS[5:]
END_OF_DAY = 24 * 60

_DAY_NAMES = {
    "monday": "MO", "mon": "MO",
    "tuesday": "TU", "tue": "TU", "tues": "TU",
    "wednesday": "WE", "wed": "WE",
    "thursday": "TH", "thu": "TH", "thur": "TH", "thurs": "TH",
    "friday": "FR", "fri": "FR",
    "saturday": "SA", "sat": "SA",
    "sunday": "SU", "sun": "SU",
}
_DAY = r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues|tue|wed|thurs|thur|thu|fri|sat|sun)s?"
_PART_OF_DAY = r"(?:\s+(?:morning|afternoon|evening|night)s?)?"
_DAY_RANGE = re.compile(rf"\b{_DAY}{_PART_OF_DAY}\s*(?:to|-|until|till|through)\s*{_DAY}\b")
_ONE_DAY = re.compile(rf"\b{_DAY}\b")
_GROUPS: tuple[tuple[re.Pattern, tuple[str, ...]], ...] = (
    (re.compile(r"\bweek\s?(?:days?|nights?)\b"), WEEKDAYS),
    (re.compile(r"\bweekends?\b"), WEEKEND),
    (re.compile(r"\b(?:every|any|each)\s+(?:day|evening|night|morning|afternoon)s?\b|\bdaily\b"
                r"|\b(?:7|seven)\s+days\b"), DAYS),
)
#: Words meaning "whenever suits you": any day of the week, at times agreed.
_FLEXIBLE = re.compile(r"\bflexible\b|\bany\s*time\b")
_EVERY_OTHER = re.compile(r"\bevery\s+(?:other|second)\b|\bfortnightly\b")

_TIME = r"(?:(\d{1,2})(?:[.:](\d{2}))?\s*(am|pm)|(\d{1,2}):(\d{2})|(midnight|noon|midday))"
_TIME_RANGE = re.compile(rf"{_TIME}\s*(?:to|-|until|till)\s*{_TIME}")
_UNTIL = re.compile(rf"\b(?:until|till|to)\s+{_TIME}")
_FROM = re.compile(rf"\b(?:from|after)\s+{_TIME}")


@dataclass(frozen=True)
class ScheduleRule:
    days: tuple[str, ...]
    opens: int | None = None
    closes: int | None = None
    #: 1 every week, 2 every other week.
    interval: int = 1

    def matches(self, day: str | None, start: int | None, end: int | None) -> bool:
        """Runs on `day`, opening at `start` or later and closing at `end` or earlier (each
        check only when asked; a time we do not know never matches a time asked for)."""
        if day is not None and day not in self.days:
            return False
        if start is not None and (self.opens is None or self.opens < start):
            return False
        if end is not None and (self.closes is None or self.closes > end):
            return False
        return True


def _minutes(groups: tuple) -> int | None:
    hour12, minute12, meridiem, hour24, minute24, word = groups
    if word:
        return END_OF_DAY if word == "midnight" else 12 * 60
    if meridiem:
        hour, minute = int(hour12), int(minute12 or 0)
        if not 1 <= hour <= 12 or minute > 59:
            return None
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
        return hour * 60 + minute
    hour, minute = int(hour24), int(minute24)
    if hour > 24 or minute > 59 or (hour == 24 and minute):
        return None
    return hour * 60 + minute


def _times(part: str) -> tuple[int | None, int | None]:
    found = _TIME_RANGE.search(part)
    if found:
        opens, closes = _minutes(found.groups()[:6]), _minutes(found.groups()[6:])
        if opens == END_OF_DAY:
            opens = 0
        return opens, closes
    until, start = _UNTIL.search(part), _FROM.search(part)
    return (_minutes(start.groups()) if start else None,
            _minutes(until.groups()) if until else None)


def _day_span(first: str, last: str) -> list[str]:
    start, end = DAYS.index(_DAY_NAMES[first]), DAYS.index(_DAY_NAMES[last])
    length = (end - start) % 7 + 1
    return [DAYS[(start + step) % 7] for step in range(length)]


def _days(part: str) -> set[str]:
    found: set[str] = set()
    rest = part
    for span in _DAY_RANGE.finditer(part):
        found.update(_day_span(span.group(1), span.group(2)))
    rest = _DAY_RANGE.sub(" ", rest)
    for single in _ONE_DAY.finditer(rest):
        found.add(_DAY_NAMES[single.group(1)])
    for pattern, days in _GROUPS:
        if pattern.search(part):
            found.update(days)
    return found


def _in_week_order(days: set[str]) -> tuple[str, ...]:
    return tuple(day for day in DAYS if day in days)


_ADDING = re.compile(r"^\s*(?:including|and|also|plus)\b")


def _merge_days(before: set[str], days: set[str], part: str, opens, closes) -> set[str] | None:
    """The days of one rule when a part naming days follows a rule with no times yet, or None
    when the part starts a rule of its own. "..., including weekends" and a list of days
    ("Mondays, Wednesdays, 10am to 12pm") add up; "Weekday stays, Monday to Thursday nights"
    narrows to the days named last."""
    if _ADDING.match(part):
        return before | days
    if days <= before or before <= days:
        return days
    if not before & days and opens is None and closes is None:
        return before | days
    return None


@lru_cache(maxsize=4096)
def read_schedule(text: str, weekends: bool = False) -> tuple[ScheduleRule, ...]:
    """The rules the words say for certain (cached: many services share a wording)."""
    rules: list[ScheduleRule] = []
    cleaned = (text or "").lower().replace("\u2013", "-").replace("\u2014", "-")
    for clause in cleaned.split(";"):
        pending: dict | None = None
        flexible = bool(_FLEXIBLE.search(clause))
        for part in clause.split(","):
            days = set(DAYS) if flexible else _days(part)
            flexible = False  # one rule for "flexible", however many parts follow
            opens, closes = _times(part)
            timeless = pending is not None and pending["opens"] is None and (
                pending["closes"] is None)
            if days and timeless:
                merged = _merge_days(set(pending["days"]), days, part, opens, closes)
                if merged is not None:
                    pending.update(days=_in_week_order(merged), opens=opens, closes=closes)
                    continue
            if days:
                if pending:
                    rules.append(ScheduleRule(**pending))
                pending = {"days": _in_week_order(days), "opens": opens, "closes": closes,
                           "interval": 2 if _EVERY_OTHER.search(part) else 1}
            elif timeless and (opens is not None or closes is not None):
                pending.update(opens=opens, closes=closes)
        if pending:
            rules.append(ScheduleRule(**pending))
    if weekends and not any(set(rule.days) & set(WEEKEND) for rule in rules):
        rules.append(ScheduleRule(WEEKEND))
    return tuple(rules)


def clock(minutes: int | None) -> str | None:
    """HSDS HH:MM; midnight at the end of the day is 00:00 (closing after opening)."""
    if minutes is None:
        return None
    hours, rest = divmod(minutes % END_OF_DAY, 60)
    return f"{hours:02d}:{rest:02d}"


def parse_day(text: str) -> str | None:
    """'MO', 'mo', 'Monday', 'mon' -> 'MO'; None when it names no day."""
    value = (text or "").strip().lower()
    if value.upper() in DAYS:
        return value.upper()
    return _DAY_NAMES.get(value.removesuffix("s"))


def parse_clock(text: str) -> int | None:
    """'18:00', '18:00:00', '6pm', '6.30pm' -> minutes after midnight; None if not a time."""
    value = (text or "").strip().lower()
    found = re.fullmatch(r"(\d{1,2}):(\d{2})(?::(\d{2}))?", value)
    if found:
        hour, minute = int(found.group(1)), int(found.group(2))
        if hour < 24 and minute < 60 and int(found.group(3) or 0) < 60:
            return hour * 60 + minute
        return None
    found = re.fullmatch(_TIME, value)
    return _minutes(found.groups()) if found else None
