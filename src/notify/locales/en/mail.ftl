greeting = Hello { $name },
signature = The { $event } team
open-app = Open rendezvous
settings-note = You can turn reminders and request notices off on your profile.
when = { $date }, { $start }–{ $end } ({ $zone })
where = Table: { $room }
with = With: { $names }
summary = Meeting with { $with }
calendar-note = The attached invitation adds this meeting to your calendar, or updates it there.
cancel-note = The attached cancellation removes this meeting from your calendar.

invitation-subject = Your personal link to the meetings of { $event }
invitation-body = You are registered for the B2B meetings of { $event }. Your personal link opens your agenda, the directory and your meeting requests:
invitation-link = Sign in
invitation-note = The link is personal: do not forward it. It replaces any earlier link.

request-created-subject = { $from } would like to meet you
request-created-body = { $from } asks you for a { $minutes }-minute meeting at { $event }.
request-message = Their message:
request-answer = Accept or decline

request-accepted-subject = Meeting request accepted: { $with }
request-accepted-body = Your meeting with { $with } is agreed. The organiser will give it a time and a table; you will get them with the timetable.
request-declined-subject = Meeting request declined: { $with }
request-declined-body = { $with } declined your meeting request. The directory lists other participants you can ask.

meeting-booked-subject = Meeting booked: { $with }, { $when }
meeting-booked-body = Your meeting with { $with } is booked.
meeting-moved-subject = Meeting moved: { $with }, now { $when }
meeting-moved-body = Your meeting with { $with } has moved. Its new time and table:
meeting-cancelled-subject = Meeting cancelled: { $with }
meeting-cancelled-body = Your meeting with { $with } will not take place.

timetable-subject = Your agenda for { $event } (version { $version })
timetable-body = The organiser published the timetable (version { $version }).
timetable-added = New in your agenda
timetable-moved = Moved
timetable-removed = No longer in your agenda
timetable-agenda = Your agenda
timetable-empty = No meeting in your agenda.
timetable-feed = The attached calendar holds your whole agenda.

reminder-subject = Starting at { $start }: meeting with { $with }
reminder-body = Your meeting with { $with } starts in { $minutes } minutes.
