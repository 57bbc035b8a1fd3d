mail-greeting = Bonjour { $name },
mail-signature = L'équipe { $event }
mail-open-app = Ouvrir rendezvous
mail-settings-note = Vous pouvez désactiver les rappels et les avis de demandes dans votre profil.
mail-when = { $date }, { $start }–{ $end } ({ $zone })
mail-where = Table : { $room }
mail-with = Avec : { $names }
mail-calendar-note = L'invitation jointe ajoute ce rendez-vous à votre agenda, ou l'y met à jour.
mail-cancel-note = L'annulation jointe retire ce rendez-vous de votre agenda.

mail-invitation-subject = Votre lien personnel pour les rendez-vous de { $event }
mail-invitation-body = Vous êtes inscrit aux rendez-vous d'affaires de { $event }. Votre lien personnel ouvre votre agenda, l'annuaire et vos demandes de rendez-vous :
mail-invitation-link = Se connecter
mail-invitation-note = Ce lien est personnel : ne le transférez pas. Il remplace tout lien précédent.

mail-request-created-subject = { $from } souhaite vous rencontrer
mail-request-created-body = { $from } vous demande un rendez-vous de { $minutes } minutes à { $event }.
mail-request-message = Son message :
mail-request-answer = Accepter ou refuser

mail-request-accepted-subject = Demande acceptée : { $with }
mail-request-accepted-body = Votre rendez-vous avec { $with } est convenu. L'organisateur lui donnera une heure et une table ; vous les recevrez avec le programme.
mail-request-declined-subject = Demande refusée : { $with }
mail-request-declined-body = { $with } a refusé votre demande de rendez-vous. L'annuaire présente d'autres participants à solliciter.

mail-meeting-booked-subject = Rendez-vous réservé : { $with }, { $when }
mail-meeting-booked-body = Votre rendez-vous avec { $with } est réservé.
mail-meeting-moved-subject = Rendez-vous déplacé : { $with }, désormais { $when }
mail-meeting-moved-body = Votre rendez-vous avec { $with } a été déplacé. Sa nouvelle heure et sa table :
mail-meeting-cancelled-subject = Rendez-vous annulé : { $with }
mail-meeting-cancelled-body = Votre rendez-vous avec { $with } n'aura pas lieu.

mail-timetable-subject = Votre agenda pour { $event } (version { $version })
mail-timetable-body = L'organisateur a publié le programme (version { $version }).
mail-timetable-added = Nouveau dans votre agenda
mail-timetable-moved = Déplacé
mail-timetable-removed = Retiré de votre agenda
mail-timetable-agenda = Votre agenda
mail-timetable-empty = Aucun rendez-vous dans votre agenda.
mail-timetable-feed = Le calendrier joint contient tout votre agenda.

mail-reminder-subject = À { $start } : rendez-vous avec { $with }
mail-reminder-body = Votre rendez-vous avec { $with } commence dans { $minutes } minutes.
