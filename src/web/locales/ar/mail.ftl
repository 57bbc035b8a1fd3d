mail-greeting = مرحبًا { $name }،
mail-signature = فريق { $event }
mail-open-app = فتح rendezvous
mail-settings-note = يمكنك إيقاف التذكيرات وإشعارات الطلبات من ملفك الشخصي.
mail-when = { $date }، { $start }–{ $end } ({ $zone })
mail-where = الطاولة: { $room }
mail-with = مع: { $names }
mail-calendar-note = الدعوة المرفقة تضيف هذا الموعد إلى تقويمك أو تحدّثه فيه.
mail-cancel-note = الإلغاء المرفق يحذف هذا الموعد من تقويمك.

mail-invitation-subject = رابطك الشخصي لمواعيد { $event }
mail-invitation-body = أنت مسجّل في لقاءات الأعمال في { $event }. رابطك الشخصي يفتح جدول مواعيدك والدليل وطلبات اللقاء:
mail-invitation-link = تسجيل الدخول
mail-invitation-note = هذا الرابط شخصي: لا تُعِد توجيهه. وهو يحلّ محلّ أي رابط سابق.

mail-request-created-subject = { $from } يرغب في لقائك
mail-request-created-body = يطلب منك { $from } لقاءً مدته { $minutes } دقيقة في { $event }.
mail-request-message = رسالته:
mail-request-answer = القبول أو الرفض

mail-request-accepted-subject = قُبل طلب اللقاء: { $with }
mail-request-accepted-body = تمّ الاتفاق على لقائك مع { $with }. سيحدّد المنظّم موعده وطاولته، وستصلك مع البرنامج.
mail-request-declined-subject = رُفض طلب اللقاء: { $with }
mail-request-declined-body = رفض { $with } طلب اللقاء. يعرض الدليل مشاركين آخرين يمكنك مراسلتهم.

mail-meeting-booked-subject = تمّ حجز اللقاء: { $with }، { $when }
mail-meeting-booked-body = تمّ حجز لقائك مع { $with }.
mail-meeting-moved-subject = تغيّر موعد اللقاء: { $with }، الآن { $when }
mail-meeting-moved-body = تغيّر موعد لقائك مع { $with }. موعده الجديد وطاولته:
mail-meeting-cancelled-subject = أُلغي اللقاء: { $with }
mail-meeting-cancelled-body = لن يُعقد لقاؤك مع { $with }.

mail-timetable-subject = جدول مواعيدك في { $event } (الإصدار { $version })
mail-timetable-body = نشر المنظّم البرنامج (الإصدار { $version }).
mail-timetable-added = جديد في جدولك
mail-timetable-moved = تغيّر موعده
mail-timetable-removed = لم يعد في جدولك
mail-timetable-agenda = جدول مواعيدك
mail-timetable-empty = لا لقاء في جدولك.
mail-timetable-feed = التقويم المرفق يضمّ جدول مواعيدك كاملًا.

mail-reminder-subject = عند { $start }: لقاء مع { $with }
mail-reminder-body = يبدأ لقاؤك مع { $with } بعد { $minutes } دقيقة.
