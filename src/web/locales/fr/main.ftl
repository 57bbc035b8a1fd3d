language-name = Français
language-label = Langue
skip-to-content = Aller au contenu
nav-label = Navigation principale
nav-home = Accueil
nav-directory = Annuaire
nav-requests = Demandes
nav-agenda = Mon agenda
sign-out = Se déconnecter

login-title = Connexion
login-intro = Ouvrez le lien personnel reçu de l’organisateur, ou collez ici votre code d’accès.
login-token = Code d’accès
login-submit = Se connecter
login-empty = Saisissez votre code d’accès.
login-unknown = Ce code d’accès n’est pas reconnu.

error-not-found = Page introuvable
error-forbidden = Action refusée
error-conflict = Cette action n’est plus possible
error-too-many = Trop de demandes : réessayez dans une minute
error-internal = Une erreur est survenue

home-title = Accueil
home-welcome = Bienvenue, { $name } — { $event }
home-next = Prochain rendez-vous
home-no-next = Aucun rendez-vous à venir dans l’agenda publié.
home-waiting = Demandes en attente de votre réponse
home-no-waiting = Aucune demande en attente.
meeting-room = Lieu : { $room }
meeting-with = Avec :

requests-title = Mes demandes
requests-incoming = Reçues
requests-outgoing = Envoyées
requests-none = Aucune demande.
request-title = Demande de rendez-vous
request-from = Demande de { $name }
request-to = Demande à { $names }
request-summary = { $minutes } minutes, priorité { $priority }
request-open = Voir la demande
request-accept = Accepter
request-decline = Refuser
request-withdraw = Retirer
request-answers = Réponses
request-features = Équipements :
request-new-from-directory = Demander un rendez-vous depuis l’annuaire
status-pending = En attente
status-accepted = Acceptée
status-declined = Refusée
status-withdrawn = Retirée
answer-pending = pas encore répondu
answer-accepted = a accepté
answer-declined = a refusé

form-title = Demander un rendez-vous
form-with = Avec qui
form-duration = Durée en minutes (par créneaux de { $slot } minutes)
form-priority = Priorité
priority-value = { $priority } sur 5
form-message = Message
form-features = Équipements de salle nécessaires
form-send = Envoyer la demande

directory-title = Annuaire
directory-search = Rechercher (nom, organisation, ville, thème)
directory-kind = Type
directory-country = Pays
directory-any = Tous
directory-submit = Rechercher
directory-count = { $count ->
    [0] Aucun participant trouvé
    [one] 1 participant trouvé
   *[other] { $count } participants trouvés
}
directory-refine = Affinez la recherche pour voir les autres.
kind-delegation = Délégation
kind-company = Entreprise
kind-researcher = Chercheur·e
kind-institution = Institution
profile-topics = Thèmes
profile-offers = Propose
profile-seeks = Recherche
profile-languages = Langues
profile-request = Demander un rendez-vous

agenda-title = Mon agenda
agenda-print-title = Agenda imprimable
agenda-version = Version { $version } du planning, publiée le { $when }
agenda-unpublished = Le planning n’est pas encore publié.
agenda-empty = Aucun rendez-vous pour vous dans ce planning.
agenda-time = Heure
agenda-room = Table ou salle
agenda-with = Avec
agenda-ics = Télécharger l’agenda (.ics)
agenda-print = Version imprimable

date = { $weekday } { $day } { $month }
datetime = { $date } à { $time }
weekday-1 = lundi
weekday-2 = mardi
weekday-3 = mercredi
weekday-4 = jeudi
weekday-5 = vendredi
weekday-6 = samedi
weekday-7 = dimanche
month-1 = janvier
month-2 = février
month-3 = mars
month-4 = avril
month-5 = mai
month-6 = juin
month-7 = juillet
month-8 = août
month-9 = septembre
month-10 = octobre
month-11 = novembre
month-12 = décembre

nav-recommendations = Suggestions
recommendations-title = Suggestions de rendez-vous
recommendations-none = Aucune suggestion pour l’instant.
recommendations-why = Pourquoi :
recommendations-request = Demander un rendez-vous à { $name }

nav-profile = Mon profil
profile-title = Mon profil
profile-public = Voir mon profil public
profile-name = Nom
profile-organization = Organisation
profile-city = Ville
profile-country = Pays (code ISO à deux lettres, comme MA ou TH)
profile-one-per-line = (un par ligne)
profile-unavailable = Créneaux où je ne suis pas disponible
profile-save = Enregistrer

# Form errors: one message per rule (its code), naming the field; values as the rule says.
field-with = Avec qui
field-duration_minutes = Durée
field-priority = Priorité
field-message = Message
field-features = Équipements
field-name = Nom
field-organization = Organisation
field-city = Ville
field-country = Pays
field-languages = Langues
field-topics = Thèmes
field-offers = Propose
field-seeks = Recherche
field-unavailable = Indisponibilités
field-id = Participant
err-item = { $field }, entrée { $number }
err-required = { $field } : ce champ est obligatoire.
err-too-long = { $field } : { $max } caractères au plus.
err-too-many-items = { $field } : { $max } entrées au plus.
err-duplicate = { $field } : « { $value } » figure deux fois.
err-between = { $field } : choisissez entre { $min } et { $max }.
err-country-code = { $field } : un code pays à deux lettres majuscules, comme MA ou TH.
err-unknown-slot = { $field } : ce créneau n’est pas un créneau de l’événement.
err-whole-slots = { $field } : la durée doit être un multiple de { $slot } minutes.
err-longer-than-sessions = { $field } : plus long que la plus longue session ({ $max } minutes).
err-no-invitee = { $field } : choisissez au moins un participant.
err-too-many-invitees = { $field } : { $max } participants au plus.
err-yourself = { $field } : vous ne pouvez pas vous choisir vous-même.
err-unknown-participant = { $field } : ce participant ne fait pas partie de l’événement.
err-invited-twice = { $field } : ce participant est choisi deux fois.
err-email-address = { $field } : une adresse électronique, comme nom@exemple.org.
err-language-code = { $field } : français, anglais ou arabe.
err-slot-started = { $field } : le créneau { $value } a déjà commencé.
err-past-session-end = { $field } : commencé à { $value }, le rendez-vous dépasserait la fin de la session.
err-slot-refused = { $field } : le créneau { $value } a été refusé pour ce rendez-vous.
err-slot-not-free = { $field } : le créneau { $value } n’est pas libre pour tous les participants.
err-no-room = { $field } : aucune salle adaptée n’est libre à { $value }.
err-time-zone = { $field } : « { $value } » n’est pas un fuseau horaire connu (comme Africa/Casablanca).
err-date = { $field } : une date comme 2027-04-17.
err-time-of-day = { $field } : des heures comme 09:00-12:30.
err-control-character = { $field } : caractère de contrôle { $value } non admis ici.
err-invalid = { $field } : cette valeur n’est pas acceptée.

# The calendar file (.ics).
ics-calendar = { $event } — { $name }
ics-summary = Rendez-vous avec { $names }
ics-description = { $event } — rendez-vous d’affaires
ics-description-cancelled = { $event } — rendez-vous d’affaires annulé : { $reason }

# Want to meet.
interest-explain = Indiquez que vous souhaitez rencontrer { $name } : si c’est réciproque, le rendez-vous est convenu.
interest-marked = Vous souhaitez rencontrer { $name }. Si c’est réciproque, le rendez-vous est convenu.
interest-mutual = { $name } et vous souhaitez vous rencontrer : le rendez-vous est convenu et sera planifié.
interest-add = Je souhaite rencontrer
interest-remove = Je ne souhaite plus rencontrer
request-mutual = Convenu par intérêt réciproque : vous souhaitiez tous deux vous rencontrer.
error-unprocessable = Cette action n’est pas possible

# Adding invitees on the request form.
form-with-none = Personne n’est encore choisi : cherchez des participants ci-dessous, ou choisissez dans l’annuaire.
form-find = Chercher un participant à ajouter (nom, organisation, ville, thème)
form-find-submit = Chercher
form-find-none = Personne ne correspond à « { $find } ».

# Why a participant is suggested (the quoted words are the participants' own).
reason-they-offer = vous recherchez « { $seek } » ; { $name } propose « { $offer } »
reason-they-seek = { $name } recherche « { $seek } » ; vous proposez « { $offer } »
reason-shared-topics = vous travaillez tous deux sur { $topics }
reason-shared-languages = vous parlez tous deux { $languages }
reason-no-common-language = aucune langue en commun : un interprète peut être nécessaire
reason-highlighted = mis en avant par les organisateurs
reason-highlighted-group = mis en avant par les organisateurs : groupe { $value }
reason-highlighted-city = mis en avant par les organisateurs : { $value }
reason-highlighted-country = mis en avant par les organisateurs : pays { $value }
reason-highlighted-kind = mis en avant par les organisateurs : { $value }
list-two = { $first } et { $second }
list-more = { $first }, { $rest }

# Spoken languages, by ISO 639-1 code.
spoken-en = anglais
spoken-fr = français
spoken-ar = arabe
spoken-es = espagnol
spoken-de = allemand
spoken-pt = portugais
spoken-it = italien
spoken-th = thaï
spoken-vi = vietnamien
spoken-id = indonésien
spoken-ms = malais
spoken-tl = filipino
spoken-km = khmer
spoken-lo = lao
spoken-my = birman
spoken-zh = chinois
spoken-ja = japonais
spoken-ko = coréen
spoken-nl = néerlandais
spoken-ru = russe
spoken-tr = turc
spoken-zgh = amazighe

# La vie d’un rendez-vous (page de la demande, agendas).
status-cancelled = Annulée
status-expired = Expirée (sans réponse à temps)
state-booked = Réservé
state-scheduled = Planifié
state-confirmed = Confirmé
state-cancelled = Annulé
meeting-title = Le rendez-vous
meeting-slot = { $day }, { $start }–{ $end }, { $room }
meeting-cancelled = Annulé : { $reason }
meeting-attendance-held = Le rendez-vous a eu lieu.
meeting-attendance-no-show = Absence constatée.
meeting-unplaced = Accepté : l’organisateur lui donnera une heure et une table.
meeting-proposed-slots = Créneaux proposés : { $slots }
meeting-choose-slot = Accepter à l’un des créneaux libres pour tous
meeting-proposed = proposé
meeting-no-free-slot = Aucun créneau n’est libre pour tous les participants pour l’instant.
meeting-accept-at = Accepter à ce créneau
meeting-offer = Un créneau s’est libéré : { $when }.
meeting-offer-take = Réserver ce créneau
meeting-move-waiting = Vous avez proposé de le déplacer à { $when } ; en attente de réponse.
meeting-move-withdraw = Retirer la proposition
meeting-move-proposed = Un déplacement à { $when } est proposé.
meeting-move-accept = Accepter le déplacement
meeting-move-decline = Garder l’heure actuelle
meeting-confirm = Confirmer ce créneau
meeting-refuse = Demander un autre créneau
meeting-check-in = Le rendez-vous a-t-il eu lieu ?
meeting-held = Oui, il a eu lieu
meeting-no-show = Non, l’autre partie n’est pas venue
meeting-move = Proposer un autre créneau
meeting-book = Proposer un créneau
meeting-move-send = Proposer ce créneau
meeting-cancel = Annuler le rendez-vous
meeting-feedback = Votre note (privée : vous seul la voyez)
meeting-feedback-saved = Votre note : { $rating } / 5
meeting-follow-up = Je souhaite un suivi
meeting-feedback-send = Enregistrer ma note
field-slot = Créneau
field-reason = Motif de l’annulation
field-rating = Note
