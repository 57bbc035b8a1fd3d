language-name = English
language-label = Language
skip-to-content = Skip to content
nav-label = Main navigation
nav-home = Home
nav-directory = Directory
nav-requests = Requests
nav-agenda = My agenda
sign-out = Sign out

login-title = Sign in
login-intro = Open the personal link the organiser sent you, or paste your access code here.
login-token = Access code
login-submit = Sign in
login-empty = Enter your access code.
login-unknown = This access code is not recognised.

error-not-found = Page not found
error-forbidden = Action refused
error-conflict = This action is no longer possible
error-too-many = Too many requests: try again in a minute
error-internal = Something went wrong

home-title = Home
home-welcome = Welcome, { $name } — { $event }
home-next = Next meeting
home-no-next = No upcoming meeting in the published agenda.
home-waiting = Requests waiting for your answer
home-no-waiting = No request is waiting.
meeting-room = Where: { $room }
meeting-with = With:

requests-title = My requests
requests-incoming = Received
requests-outgoing = Sent
requests-none = No request.
request-title = Meeting request
request-from = Request from { $name }
request-to = Request to { $names }
request-summary = { $minutes } minutes, priority { $priority }
request-open = View the request
request-accept = Accept
request-decline = Decline
request-withdraw = Withdraw
request-answers = Answers
request-features = Equipment:
request-new-from-directory = Request a meeting from the directory
status-pending = Pending
status-accepted = Accepted
status-declined = Declined
status-withdrawn = Withdrawn
answer-pending = has not answered yet
answer-accepted = accepted
answer-declined = declined

form-title = Request a meeting
form-with = With whom
form-duration = Duration in minutes (in { $slot }-minute slots)
form-priority = Priority
priority-value = { $priority } of 5
form-message = Message
form-features = Room equipment needed
form-send = Send the request

directory-title = Directory
directory-search = Search (name, organisation, city, topic)
directory-kind = Kind
directory-country = Country
directory-any = All
directory-submit = Search
directory-count = { $count ->
    [0] No participant found
    [one] 1 participant found
   *[other] { $count } participants found
}
directory-refine = Refine the search to see the others.
kind-delegation = Delegation
kind-company = Company
kind-researcher = Researcher
kind-institution = Institution
profile-topics = Topics
profile-offers = Offers
profile-seeks = Seeks
profile-languages = Languages
profile-request = Request a meeting

agenda-title = My agenda
agenda-print-title = Printable agenda
agenda-version = Timetable version { $version }, published { $when }
agenda-unpublished = The timetable is not published yet.
agenda-empty = No meeting for you in this timetable.
agenda-time = Time
agenda-room = Table or room
agenda-with = With
agenda-ics = Download the agenda (.ics)
agenda-print = Printable version

date = { $weekday } { $day } { $month }
datetime = { $date } at { $time }
weekday-1 = Monday
weekday-2 = Tuesday
weekday-3 = Wednesday
weekday-4 = Thursday
weekday-5 = Friday
weekday-6 = Saturday
weekday-7 = Sunday
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December

nav-recommendations = Suggestions
recommendations-title = Suggested meetings
recommendations-none = No suggestion for now.
recommendations-why = Why:
recommendations-request = Request a meeting with { $name }

nav-profile = My profile
profile-title = My profile
profile-public = See my public profile
profile-name = Name
profile-organization = Organisation
profile-city = City
profile-country = Country (two-letter ISO code, as MA or TH)
profile-one-per-line = (one per line)
profile-unavailable = Slots when I am not available
profile-save = Save

# Form errors: one message per rule (its code), naming the field; values as the rule says.
field-with = With whom
field-duration_minutes = Duration
field-priority = Priority
field-message = Message
field-features = Equipment
field-name = Name
field-organization = Organisation
field-city = City
field-country = Country
field-languages = Languages
field-topics = Topics
field-offers = Offers
field-seeks = Seeks
field-unavailable = Unavailable slots
field-id = Participant
err-item = { $field }, entry { $number }
err-required = { $field }: this field is required.
err-too-long = { $field }: { $max } characters at most.
err-too-many-items = { $field }: { $max } entries at most.
err-duplicate = { $field }: “{ $value }” is listed twice.
err-between = { $field }: choose between { $min } and { $max }.
err-country-code = { $field }: a two-letter country code in capitals, as MA or TH.
err-unknown-slot = { $field }: this slot is not one of the event's.
err-whole-slots = { $field }: the duration must be a multiple of { $slot } minutes.
err-longer-than-sessions = { $field }: longer than the longest session ({ $max } minutes).
err-no-invitee = { $field }: choose at least one participant.
err-too-many-invitees = { $field }: { $max } participants at most.
err-yourself = { $field }: you cannot choose yourself.
err-unknown-participant = { $field }: this participant is not part of the event.
err-invited-twice = { $field }: this participant is chosen twice.
err-email-address = { $field }: an e-mail address, as name@example.org.
err-language-code = { $field }: French, English or Arabic.
err-slot-started = { $field }: slot { $value } has already begun.
err-past-session-end = { $field }: starting at { $value }, the meeting would run past the end of the session.
err-slot-refused = { $field }: slot { $value } was refused for this meeting.
err-slot-not-free = { $field }: slot { $value } is not free for every participant.
err-no-room = { $field }: no suitable room is free at { $value }.
err-time-zone = { $field }: “{ $value }” is not a known time zone (as Africa/Casablanca).
err-date = { $field }: a date, as 2027-04-17.
err-time-of-day = { $field }: times as 09:00-12:30.
err-control-character = { $field }: control character { $value } is not allowed here.
err-invalid = { $field }: this value is not accepted.

# The calendar file (.ics).
ics-calendar = { $event } — { $name }
ics-summary = Meeting with { $names }
ics-description = { $event } — B2B meeting
ics-description-cancelled = { $event } — B2B meeting, cancelled: { $reason }

# Want to meet.
interest-explain = Mark { $name } as someone you want to meet: if they mark you too, the meeting is agreed.
interest-marked = You want to meet { $name }. If they want to meet you too, the meeting is agreed.
interest-mutual = You and { $name } both want to meet: the meeting is agreed and will be scheduled.
interest-add = Want to meet
interest-remove = No longer want to meet
request-mutual = Agreed by mutual interest: you both wanted to meet.
error-unprocessable = This action cannot be done

# Adding invitees on the request form.
form-with-none = Nobody chosen yet: find participants below, or choose from the directory.
form-find = Find a participant to add (name, organisation, city, topic)
form-find-submit = Find
form-find-none = Nobody found for “{ $find }”.

# Why a participant is suggested (the quoted words are the participants' own).
reason-they-offer = you seek “{ $seek }”; { $name } offers “{ $offer }”
reason-they-seek = { $name } seeks “{ $seek }”; you offer “{ $offer }”
reason-shared-topics = you both work on { $topics }
reason-shared-languages = you both speak { $languages }
reason-no-common-language = no language in common: an interpreter may be needed
reason-highlighted = highlighted by the organisers
reason-highlighted-group = highlighted by the organisers: group { $value }
reason-highlighted-city = highlighted by the organisers: { $value }
reason-highlighted-country = highlighted by the organisers: country { $value }
reason-highlighted-kind = highlighted by the organisers: { $value }
list-two = { $first } and { $second }
list-more = { $first }, { $rest }

# Spoken languages, by ISO 639-1 code.
spoken-en = English
spoken-fr = French
spoken-ar = Arabic
spoken-es = Spanish
spoken-de = German
spoken-pt = Portuguese
spoken-it = Italian
spoken-th = Thai
spoken-vi = Vietnamese
spoken-id = Indonesian
spoken-ms = Malay
spoken-tl = Filipino
spoken-km = Khmer
spoken-lo = Lao
spoken-my = Burmese
spoken-zh = Chinese
spoken-ja = Japanese
spoken-ko = Korean
spoken-nl = Dutch
spoken-ru = Russian
spoken-tr = Turkish
spoken-zgh = Amazigh

# A meeting's life (the request's page, agendas).
status-cancelled = Cancelled
status-expired = Expired (nobody answered in time)
state-booked = Booked
state-scheduled = Scheduled
state-confirmed = Confirmed
state-cancelled = Cancelled
meeting-title = The meeting
meeting-slot = { $day }, { $start }–{ $end }, { $room }
meeting-cancelled = Cancelled: { $reason }
meeting-attendance-held = The meeting was held.
meeting-attendance-no-show = Marked as a no-show.
meeting-unplaced = Accepted: the organiser will give it a time and a table.
meeting-proposed-slots = Proposed times: { $slots }
meeting-choose-slot = Accept at one of the times free for everyone
meeting-proposed = proposed
meeting-no-free-slot = No time is free for every participant right now.
meeting-accept-at = Accept at this time
meeting-offer = A time became free: { $when }.
meeting-offer-take = Book this time
meeting-move-waiting = You proposed to move it to { $when }; waiting for the answer.
meeting-move-withdraw = Withdraw the proposal
meeting-move-proposed = A move to { $when } is proposed.
meeting-move-accept = Accept the move
meeting-move-decline = Keep the current time
meeting-confirm = Confirm this time
meeting-refuse = Ask for another time
meeting-check-in = Did the meeting take place?
meeting-held = Yes, it was held
meeting-no-show = No, the other side did not come
meeting-move = Propose another time
meeting-book = Propose a time
meeting-move-send = Propose this time
meeting-cancel = Cancel the meeting
meeting-feedback = Your rating (private: only you see it)
meeting-feedback-saved = Your rating: { $rating } / 5
meeting-follow-up = I would like a follow-up
meeting-feedback-send = Save my rating
field-slot = Time
field-reason = Reason for cancelling
field-rating = Rating
