// Parse an .ics file with ical.js (Mozilla's parser, as in Thunderbird) and print JSON:
// the calendar METHOD and, per event, its start/end as written (wall clock and TZID) and in UTC
// as ical.js computes it from the VTIMEZONE of the file.
// Usage: node tests/js/parse_ics.mjs FILE.ics
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const text = readFileSync(process.argv[2], "utf8");
const calendar = new ICAL.Component(ICAL.parse(text));

// Use the file's own VTIMEZONE definitions, as a calendar client does.
for (const vtimezone of calendar.getAllSubcomponents("vtimezone")) {
  const timezone = new ICAL.Timezone(vtimezone);
  ICAL.TimezoneService.register(timezone, timezone.tzid);
}

function moment(time) {
  if (!time) {
    return null;
  }
  return {
    local: time.toString(),
    tzid: time.isDate ? null : time.zone.tzid,
    is_date: time.isDate,
    utc: time.isDate ? null : time.toJSDate().toISOString(),
  };
}

const events = calendar.getAllSubcomponents("vevent").map((vevent) => {
  const event = new ICAL.Event(vevent);
  return {
    uid: event.uid,
    summary: event.summary,
    sequence: event.sequence,
    status: vevent.getFirstPropertyValue("status"),
    start: moment(event.startDate),
    end: moment(event.endDate),
    attendees: event.attendees.map((attendee) => ({
      address: attendee.getFirstValue(),
      partstat: attendee.getParameter("partstat"),
    })),
    alarms: vevent.getAllSubcomponents("valarm").length,
  };
});

process.stdout.write(JSON.stringify({
  method: calendar.getFirstPropertyValue("method"),
  timezones: calendar.getAllSubcomponents("vtimezone").map((tz) => tz.getFirstPropertyValue("tzid")),
  events,
}, null, 2));
