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
login-organiser = The organiser's pages are not available yet: use the API.

error-not-found = Page not found
error-forbidden = Action refused
error-conflict = This action is no longer possible
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
form-with-choose = Choose in the directory
form-duration = Duration in minutes (in { $slot }-minute slots)
form-priority = Priority
priority-value = { $priority } of 5
form-message = Message
form-features = Room equipment needed
form-send = Send the request
err-with = Choose at least one participant (other than yourself).
err-duration = The duration must be a multiple of { $slot } minutes and fit in one session.
err-priority = Choose a priority between 1 and 5.
err-message = The message is too long (2,000 characters at most).
err-features = Unknown or repeated equipment.

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
