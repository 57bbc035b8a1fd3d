greeting = مرحبًا { $name }،
signature = فريق { $event }
open-app = فتح rendezvous
settings-note = يمكنك إيقاف التذكيرات وإشعارات الطلبات من ملفك الشخصي.
when = { $date }، { $start }–{ $end } ({ $zone })
where = الطاولة: { $room }
with = مع: { $names }
summary = لقاء مع { $with }
calendar-note = الدعوة المرفقة تضيف هذا الموعد إلى تقويمك أو تحدّثه فيه.
cancel-note = الإلغاء المرفق يحذف هذا الموعد من تقويمك.

invitation-subject = رابطك الشخصي لمواعيد { $event }
invitation-body = أنت مسجّل في لقاءات الأعمال في { $event }. رابطك الشخصي يفتح جدول مواعيدك والدليل وطلبات اللقاء:
invitation-link = تسجيل الدخول
invitation-note = هذا الرابط شخصي: لا تُعِد توجيهه. وهو يحلّ محلّ أي رابط سابق.

request-created-subject = { $from } يرغب في لقائك
request-created-body = يطلب منك { $from } لقاءً مدته { $minutes } دقيقة في { $event }.
request-message = رسالته:
request-answer = القبول أو الرفض

request-accepted-subject = قُبل طلب اللقاء: { $with }
request-accepted-body = تمّ الاتفاق على لقائك مع { $with }. سيحدّد المنظّم موعده وطاولته، وستصلك مع البرنامج.
request-declined-subject = رُفض طلب اللقاء: { $with }
request-declined-body = رفض { $with } طلب اللقاء. يعرض الدليل مشاركين آخرين يمكنك مراسلتهم.

meeting-booked-subject = تمّ حجز اللقاء: { $with }، { $when }
meeting-booked-body = تمّ حجز لقائك مع { $with }.
meeting-moved-subject = تغيّر موعد اللقاء: { $with }، الآن { $when }
meeting-moved-body = تغيّر موعد لقائك مع { $with }. موعده الجديد وطاولته:
meeting-cancelled-subject = أُلغي اللقاء: { $with }
meeting-cancelled-body = لن يُعقد لقاؤك مع { $with }.

timetable-subject = جدول مواعيدك في { $event } (الإصدار { $version })
timetable-body = نشر المنظّم البرنامج (الإصدار { $version }).
timetable-added = جديد في جدولك
timetable-moved = تغيّر موعده
timetable-removed = لم يعد في جدولك
timetable-agenda = جدول مواعيدك
timetable-empty = لا لقاء في جدولك.
timetable-feed = التقويم المرفق يضمّ جدول مواعيدك كاملًا.

reminder-subject = عند { $start }: لقاء مع { $with }
reminder-body = يبدأ لقاؤك مع { $with } بعد { $minutes } دقيقة.
