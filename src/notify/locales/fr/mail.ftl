greeting = Bonjour { $name },
signature = L'équipe { $event }
open-app = Ouvrir rendezvous
settings-note = Vous pouvez désactiver les rappels et les avis de demandes dans votre profil.
when = { $date }, { $start }–{ $end } ({ $zone })
where = Table : { $room }
with = Avec : { $names }
summary = Rendez-vous avec { $with }
calendar-note = L'invitation jointe ajoute ce rendez-vous à votre agenda, ou l'y met à jour.
cancel-note = L'annulation jointe retire ce rendez-vous de votre agenda.

invitation-subject = Votre lien personnel pour les rendez-vous de { $event }
invitation-body = Vous êtes inscrit aux rendez-vous d'affaires de { $event }. Votre lien personnel ouvre votre agenda, l'annuaire et vos demandes de rendez-vous :
invitation-link = Se connecter
invitation-note = Ce lien est personnel : ne le transférez pas. Il remplace tout lien précédent.

request-created-subject = { $from } souhaite vous rencontrer
request-created-body = { $from } vous demande un rendez-vous de { $minutes } minutes à { $event }.
request-message = Son message :
request-answer = Accepter ou refuser

request-accepted-subject = Demande acceptée : { $with }
request-accepted-body = Votre rendez-vous avec { $with } est convenu. L'organisateur lui donnera une heure et une table ; vous les recevrez avec le programme.
request-declined-subject = Demande refusée : { $with }
request-declined-body = { $with } a refusé votre demande de rendez-vous. L'annuaire présente d'autres participants à solliciter.

meeting-booked-subject = Rendez-vous réservé : { $with }, { $when }
meeting-booked-body = Votre rendez-vous avec { $with } est réservé.
meeting-moved-subject = Rendez-vous déplacé : { $with }, désormais { $when }
meeting-moved-body = Votre rendez-vous avec { $with } a été déplacé. Sa nouvelle heure et sa table :
meeting-cancelled-subject = Rendez-vous annulé : { $with }
meeting-cancelled-body = Votre rendez-vous avec { $with } n'aura pas lieu.

timetable-subject = Votre agenda pour { $event } (version { $version })
timetable-body = L'organisateur a publié le programme (version { $version }).
timetable-added = Nouveau dans votre agenda
timetable-moved = Déplacé
timetable-removed = Retiré de votre agenda
timetable-agenda = Votre agenda
timetable-empty = Aucun rendez-vous dans votre agenda.
timetable-feed = Le calendrier joint contient tout votre agenda.

reminder-subject = À { $start } : rendez-vous avec { $with }
reminder-body = Votre rendez-vous avec { $with } commence dans { $minutes } minutes.
