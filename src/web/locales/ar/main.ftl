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
login-organiser = صفحات المنظم غير متاحة بعد: استخدم واجهة البرمجة.

error-not-found = الصفحة غير موجودة
error-forbidden = الإجراء مرفوض
error-conflict = لم يعد هذا الإجراء ممكنًا
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
form-with-choose = اختر من الدليل
form-duration = المدة بالدقائق (بفترات من { $slot } دقيقة)
form-priority = الأولوية
priority-value = { $priority } من 5
form-message = الرسالة
form-features = تجهيزات القاعة المطلوبة
form-send = إرسال الطلب
err-with = اختر مشاركًا واحدًا على الأقل (غيرك).
err-duration = يجب أن تكون المدة من مضاعفات { $slot } دقيقة وأن تتسع لها جلسة واحدة.
err-priority = اختر أولوية بين 1 و5.
err-message = الرسالة طويلة جدًا (2000 حرف على الأكثر).
err-features = تجهيز غير معروف أو مكرر.

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
recommendations-why = السبب (بالإنجليزية):
recommendations-request = اطلب موعدًا مع { $name }
