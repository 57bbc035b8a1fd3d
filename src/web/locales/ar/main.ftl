language-name = العربية
language-label = اللغة
skip-to-content = الانتقال إلى المحتوى
nav-label = التنقل الرئيسي
nav-home = الرئيسية
nav-directory = الدليل
nav-requests = الطلبات
nav-agenda = جدول مواعيدي
sign-out = تسجيل الخروج

login-title = تسجيل الدخول
login-intro = افتح الرابط الشخصي الذي أرسله المنظم، أو الصق رمز الدخول هنا.
login-token = رمز الدخول
login-submit = دخول
login-empty = أدخل رمز الدخول.
login-unknown = رمز الدخول هذا غير معروف.

error-not-found = الصفحة غير موجودة
error-forbidden = الإجراء مرفوض
error-conflict = لم يعد هذا الإجراء ممكنًا
error-too-many = طلبات كثيرة جدًا: أعد المحاولة بعد دقيقة
error-internal = حدث خطأ

home-title = الرئيسية
home-welcome = مرحبًا، { $name } — { $event }
home-next = الموعد القادم
home-no-next = لا يوجد موعد قادم في الجدول المنشور.
home-waiting = طلبات تنتظر ردك
home-no-waiting = لا توجد طلبات في الانتظار.
meeting-room = المكان: { $room }
meeting-with = مع:

requests-title = طلباتي
requests-incoming = الواردة
requests-outgoing = المرسلة
requests-none = لا توجد طلبات.
request-title = طلب موعد
request-from = طلب من { $name }
request-to = طلب إلى { $names }
request-summary = { $minutes } دقيقة، الأولوية { $priority }
request-open = عرض الطلب
request-accept = قبول
request-decline = رفض
request-withdraw = سحب
request-answers = الردود
request-features = التجهيزات:
request-new-from-directory = اطلب موعدًا من الدليل
status-pending = قيد الانتظار
status-accepted = مقبول
status-declined = مرفوض
status-withdrawn = مسحوب
answer-pending = لم يرد بعد
answer-accepted = قبل
answer-declined = رفض

form-title = طلب موعد
form-with = مع من
form-duration = المدة بالدقائق (بفترات من { $slot } دقيقة)
form-priority = الأولوية
priority-value = { $priority } من 5
form-message = الرسالة
form-features = تجهيزات القاعة المطلوبة
form-send = إرسال الطلب

directory-title = الدليل
directory-search = بحث (الاسم، المؤسسة، المدينة، الموضوع)
directory-kind = النوع
directory-country = البلد
directory-any = الكل
directory-submit = بحث
directory-count = { $count ->
    [0] لم يُعثر على أي مشارك
    [one] مشارك واحد
   *[other] { $count } مشاركًا
}
directory-refine = ضيّق البحث لرؤية الآخرين.
kind-delegation = وفد
kind-company = شركة
kind-researcher = باحث
kind-institution = مؤسسة
profile-topics = المواضيع
profile-offers = يقدّم
profile-seeks = يبحث عن
profile-languages = اللغات
profile-request = اطلب موعدًا

agenda-title = جدول مواعيدي
agenda-print-title = جدول المواعيد للطباعة
agenda-version = الإصدار { $version } من الجدول، نُشر { $when }
agenda-unpublished = لم يُنشر الجدول بعد.
agenda-empty = لا توجد مواعيد لك في هذا الجدول.
agenda-time = الوقت
agenda-room = الطاولة أو القاعة
agenda-with = مع
agenda-ics = تنزيل الجدول (.ics)
agenda-print = نسخة للطباعة

date = { $weekday } { $day } { $month }
datetime = { $date }، الساعة { $time }
weekday-1 = الاثنين
weekday-2 = الثلاثاء
weekday-3 = الأربعاء
weekday-4 = الخميس
weekday-5 = الجمعة
weekday-6 = السبت
weekday-7 = الأحد
month-1 = يناير
month-2 = فبراير
month-3 = مارس
month-4 = أبريل
month-5 = مايو
month-6 = يونيو
month-7 = يوليو
month-8 = أغسطس
month-9 = سبتمبر
month-10 = أكتوبر
month-11 = نوفمبر
month-12 = ديسمبر

nav-recommendations = اقتراحات
recommendations-title = مواعيد مقترحة
recommendations-none = لا توجد اقتراحات حاليًا.
recommendations-why = السبب:
recommendations-request = اطلب موعدًا مع { $name }

nav-profile = ملفي
profile-title = ملفي الشخصي
profile-public = عرض ملفي العام
profile-name = الاسم
profile-organization = المؤسسة
profile-city = المدينة
profile-country = البلد (رمز ISO من حرفين، مثل MA أو TH)
profile-one-per-line = (عنصر في كل سطر)
profile-unavailable = الفترات التي لا أكون فيها متاحًا
profile-save = حفظ

# Form errors: one message per rule (its code), naming the field; values as the rule says.
field-with = مع من
field-duration_minutes = المدة
field-priority = الأولوية
field-message = الرسالة
field-features = التجهيزات
field-name = الاسم
field-organization = المؤسسة
field-city = المدينة
field-country = البلد
field-languages = اللغات
field-topics = المواضيع
field-offers = يقدّم
field-seeks = يبحث عن
field-unavailable = فترات عدم التوفر
field-id = المشارك
err-item = { $field }، العنصر { $number }
err-required = { $field }: هذا الحقل مطلوب.
err-too-long = { $field }: { $max } حرفًا على الأكثر.
err-too-many-items = { $field }: { $max } عنصرًا على الأكثر.
err-duplicate = { $field }: «{ $value }» مذكور مرتين.
err-between = { $field }: اختر قيمة بين { $min } و{ $max }.
err-country-code = { $field }: رمز بلد من حرفين كبيرين، مثل MA أو TH.
err-unknown-slot = { $field }: هذه الفترة ليست من فترات الحدث.
err-whole-slots = { $field }: يجب أن تكون المدة من مضاعفات { $slot } دقيقة.
err-longer-than-sessions = { $field }: أطول من أطول جلسة ({ $max } دقيقة).
err-no-invitee = { $field }: اختر مشاركًا واحدًا على الأقل.
err-too-many-invitees = { $field }: { $max } مشاركين على الأكثر.
err-yourself = { $field }: لا يمكنك اختيار نفسك.
err-unknown-participant = { $field }: هذا المشارك ليس من مشاركي الحدث.
err-invited-twice = { $field }: هذا المشارك مختار مرتين.
err-email-address = { $field }: عنوان بريد إلكتروني، مثل name@example.org.
err-language-code = { $field }: الفرنسية أو الإنجليزية أو العربية.
err-slot-started = { $field }: الفترة { $value } بدأت بالفعل.
err-past-session-end = { $field }: إذا بدأ في { $value } فسيتجاوز الموعد نهاية الجلسة.
err-slot-refused = { $field }: رُفضت الفترة { $value } لهذا الموعد.
err-slot-not-free = { $field }: الفترة { $value } ليست متاحة لجميع المشاركين.
err-no-room = { $field }: لا توجد قاعة مناسبة متاحة في { $value }.
err-time-zone = { $field }: «{ $value }» ليست منطقة زمنية معروفة (مثل Africa/Casablanca).
err-date = { $field }: تاريخ مثل 2027-04-17.
err-time-of-day = { $field }: أوقات مثل 09:00-12:30.
err-control-character = { $field }: حرف التحكم { $value } غير مسموح به هنا.
err-invalid = { $field }: هذه القيمة غير مقبولة.

# The calendar file (.ics).
ics-calendar = { $event } — { $name }
ics-summary = موعد مع { $names }
ics-description = { $event } — موعد أعمال
ics-description-cancelled = { $event } — موعد أعمال أُلغي: { $reason }

# Want to meet.
interest-explain = أشر إلى أنك ترغب في لقاء { $name }: إذا كانت الرغبة متبادلة، يُتفق على الموعد.
interest-marked = أنت ترغب في لقاء { $name }. إذا كانت الرغبة متبادلة، يُتفق على الموعد.
interest-mutual = أنت و{ $name } ترغبان في اللقاء: اتُّفق على الموعد وستتم جدولته.
interest-add = أرغب في اللقاء
interest-remove = لم أعد أرغب في اللقاء
request-mutual = اتُّفق عليه برغبة متبادلة: كلاكما أراد اللقاء.
error-unprocessable = لا يمكن القيام بهذا الإجراء

# Adding invitees on the request form.
form-with-none = لم يُختر أحد بعد: ابحث عن مشاركين أدناه، أو اختر من الدليل.
form-find = ابحث عن مشارك لإضافته (الاسم، المؤسسة، المدينة، الموضوع)
form-find-submit = بحث
form-find-none = لا أحد يطابق «{ $find }».

# Why a participant is suggested (the quoted words are the participants' own).
reason-they-offer = تبحث عن «{ $seek }»؛ { $name } يقدّم «{ $offer }»
reason-they-seek = { $name } يبحث عن «{ $seek }»؛ أنت تقدّم «{ $offer }»
reason-shared-topics = تعملان كلاكما على { $topics }
reason-shared-languages = تتحدثان كلاكما { $languages }
reason-no-common-language = لا لغة مشتركة: قد تلزم الاستعانة بمترجم
reason-highlighted = أبرزه المنظمون
reason-highlighted-group = أبرزه المنظمون: مجموعة { $value }
reason-highlighted-city = أبرزه المنظمون: { $value }
reason-highlighted-country = أبرزه المنظمون: البلد { $value }
reason-highlighted-kind = أبرزه المنظمون: { $value }
list-two = { $first } و{ $second }
list-more = { $first }، { $rest }

# Spoken languages, by ISO 639-1 code.
spoken-en = الإنجليزية
spoken-fr = الفرنسية
spoken-ar = العربية
spoken-es = الإسبانية
spoken-de = الألمانية
spoken-pt = البرتغالية
spoken-it = الإيطالية
spoken-th = التايلاندية
spoken-vi = الفيتنامية
spoken-id = الإندونيسية
spoken-ms = الملايوية
spoken-tl = الفلبينية
spoken-km = الخميرية
spoken-lo = اللاوية
spoken-my = البورمية
spoken-zh = الصينية
spoken-ja = اليابانية
spoken-ko = الكورية
spoken-nl = الهولندية
spoken-ru = الروسية
spoken-tr = التركية
spoken-zgh = الأمازيغية

# حياة الموعد (صفحة الطلب، جداول المواعيد).
status-cancelled = ملغى
status-expired = منتهي الصلاحية (لم يُجب أحد في الوقت)
state-booked = محجوز
state-scheduled = مُجدول
state-confirmed = مؤكد
state-cancelled = ملغى
meeting-title = الموعد
meeting-slot = { $day }، { $start }–{ $end }، { $room }
meeting-cancelled = أُلغي: { $reason }
meeting-attendance-held = عُقد الموعد.
meeting-attendance-no-show = سُجّل غياب.
meeting-unplaced = مقبول: سيحدد المنظم له وقتًا وطاولة.
meeting-proposed-slots = الأوقات المقترحة: { $slots }
meeting-choose-slot = اقبل في أحد الأوقات المتاحة للجميع
meeting-proposed = مقترح
meeting-no-free-slot = لا يوجد حاليًا وقت متاح لجميع المشاركين.
meeting-accept-at = اقبل في هذا الوقت
meeting-offer = أصبح وقت متاحًا: { $when }.
meeting-offer-take = احجز هذا الوقت
meeting-move-waiting = اقترحت نقله إلى { $when }؛ في انتظار الرد.
meeting-move-withdraw = اسحب الاقتراح
meeting-move-proposed = اقتُرح نقله إلى { $when }.
meeting-move-accept = اقبل النقل
meeting-move-decline = أبقِ الوقت الحالي
meeting-confirm = أكّد هذا الوقت
meeting-refuse = اطلب وقتًا آخر
meeting-check-in = هل عُقد الموعد؟
meeting-held = نعم، عُقد
meeting-no-show = لا، لم يحضر الطرف الآخر
meeting-move = اقترح وقتًا آخر
meeting-book = اقترح وقتًا
meeting-move-send = اقترح هذا الوقت
meeting-cancel = ألغِ الموعد
meeting-feedback = تقييمك (خاص: لا يراه غيرك)
meeting-feedback-saved = تقييمك: { $rating } / 5
meeting-follow-up = أرغب في متابعة
meeting-feedback-send = احفظ تقييمي
field-slot = الوقت
field-reason = سبب الإلغاء
field-rating = التقييم
