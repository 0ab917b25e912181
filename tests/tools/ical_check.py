"""Parses an iCalendar feed from stdin with the `icalendar` package and prints a JSON
summary: the number of VEVENTs, their UIDs, start dates and summaries."""
import json
import sys

from icalendar import Calendar

calendar = Calendar.from_ical(sys.stdin.buffer.read())
events = [c for c in calendar.walk("VEVENT")]
print(json.dumps({
    "events": len(events),
    "uids": [str(e.get("UID")) for e in events],
    "starts": [e.decoded("DTSTART").isoformat() for e in events],
    "summaries": [str(e.get("SUMMARY")) for e in events],
}))
