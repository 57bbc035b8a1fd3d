mail-greeting = Hello { $name },
mail-signature = The { $event } team
mail-open-app = Open rendezvous
mail-settings-note = You can turn reminders and request notices off on your profile.
mail-when = { $date }, { $start }–{ $end } ({ $zone })
mail-where = Table: { $room }
mail-with = With: { $names }
mail-calendar-note = The attached invitation adds this meeting to your calendar, or updates it there.
mail-cancel-note = The attached cancellation removes this meeting from your calendar.

mail-invitation-subject = Your personal link to the meetings of { $event }
mail-invitation-body = You are registered for the B2B meetings of { $event }. Your personal link opens your agenda, the directory and your meeting requests:
mail-invitation-link = Sign in
mail-invitation-note = The link is personal: do not forward it. It replaces any earlier link.

mail-request-created-subject = { $from } would like to meet you
mail-request-created-body = { $from } asks you for a { $minutes }-minute meeting at { $event }.
mail-request-message = Their message:
mail-request-answer = Accept or decline

mail-request-accepted-subject = Meeting request accepted: { $with }
mail-request-accepted-body = Your meeting with { $with } is agreed. The organiser will give it a time and a table; you will get them with the timetable.
mail-request-declined-subject = Meeting request declined: { $with }
mail-request-declined-body = { $with } declined your meeting request. The directory lists other participants you can ask.

mail-meeting-booked-subject = Meeting booked: { $with }, { $when }
mail-meeting-booked-body = Your meeting with { $with } is booked.
mail-meeting-moved-subject = Meeting moved: { $with }, now { $when }
mail-meeting-moved-body = Your meeting with { $with } has moved. Its new time and table:
mail-meeting-cancelled-subject = Meeting cancelled: { $with }
mail-meeting-cancelled-body = Your meeting with { $with } will not take place.

mail-timetable-subject = Your agenda for { $event } (version { $version })
mail-timetable-body = The organiser published the timetable (version { $version }).
mail-timetable-added = New in your agenda
mail-timetable-moved = Moved
mail-timetable-removed = No longer in your agenda
mail-timetable-agenda = Your agenda
mail-timetable-empty = No meeting in your agenda.
mail-timetable-feed = The attached calendar holds your whole agenda.

mail-reminder-subject = Starting at { $start }: meeting with { $with }
mail-reminder-body = Your meeting with { $with } starts in { $minutes } minutes.
