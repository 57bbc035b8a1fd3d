// The participant journey in real headless Chromium, in French, English and Arabic, against
// a running `rendezvous serve` (BASE, ORGANISER): sign in with a personal link, find someone
// in the directory, mark "want to meet" on the profile, request a meeting with the keyboard
// only (Tab, Enter and typing), the other accepts in its own session and marks back (mutual),
// after a publish both see it in their agenda, download the .ics, open the printable agenda,
// sign out. axe-core checks every page visited (recommendations and my profile included);
// screenshots go to SHOTS. Prints one summary line per language and a closing total.
import { chromium } from 'playwright-core';
import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const BASE = process.env.BASE;
const ORGANISER = process.env.ORGANISER;
const SHOTS = process.env.SHOTS;
mkdirSync(SHOTS, { recursive: true });
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

async function api(method, path, body, token = ORGANISER) {
  const response = await fetch(`${BASE}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

let step = 'start';
function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

const problems = [];
let audited = 0;
async function audit(page, name) {
  step = name;
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () => await window.axe.run());
  for (const v of result.violations) {
    if (v.impact === 'serious' || v.impact === 'critical') {
      problems.push(`${name}: ${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    }
  }
  check((await page.locator('h1').count()) === 1, `${name}: one h1`);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  audited += 1;
}

// Keyboard only: Tab until `selector` has the focus (in page order), failing if it never
// does within `most` presses.
async function tabTo(page, selector, most = 40) {
  for (let i = 0; i < most; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  throw new Error(`check failed: ${selector} not reached with Tab`);
}

const langs = ['fr', 'en', 'ar'];
const results = Object.fromEntries(langs.map((l) => [l, 'not run']));
let browser;

async function journey() {
  const event = (await api('POST', '/events', {
    name: 'Smart City Expo Casablanca 2027', timezone: 'Africa/Casablanca', slot_minutes: 20,
    days: [{ date: '2027-04-17', sessions: [['10:00', '13:00']] }],
  })).id;
  await api('POST', `/events/${event}/rooms`, { name: 'Table 42', capacity: 4, features: ['video'] });
  const people = {};
  for (const lang of langs) {
    const a = await api('POST', `/events/${event}/participants`,
      { name: `Bangkok ${lang}`, kind: 'delegation', city: 'Bangkok', country: 'TH',
        seeks: ['flood sensors'], topics: ['water'] });
    const b = await api('POST', `/events/${event}/participants`,
      { name: `HydroSense ${lang}`, kind: 'company', city: 'Casablanca', country: 'MA',
        offers: ['flood sensors'], topics: ['water'] });
    people[lang] = { a, b };
  }

  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    // Playwright gives `launch` a fresh temporary --user-data-dir of its own (it refuses one
    // passed in args); every session below is also a new isolated context.
  });
  const sessions = {};
  async function session(lang, who) {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, acceptDownloads: true, locale: 'fr-FR' });
    const page = await context.newPage();
    await page.goto(`${BASE}/login?token=${people[lang][who].token}`);
    check(!page.url().includes('token='), `the token leaves the URL: ${page.url()}`);
    // Switch language with the switcher link on the page.
    if (lang !== 'fr') {
      await page.locator(`nav.langs a[hreflang="${lang}"]`).click();
    }
    check((await page.locator('html').getAttribute('lang')) === lang, `${lang} page`);
    check((await page.locator('html').getAttribute('dir')) === (lang === 'ar' ? 'rtl' : 'ltr'), 'direction');
    return { context, page };
  }

  for (const lang of langs) {
    results[lang] = 'failed';
    const { a: personA, b: personB } = people[lang];
    const a = await session(lang, 'a');
    sessions[lang] = { a };
    const { page } = a;
    await audit(page, `${lang}-01-home`);
    await page.locator('nav a[href="/recommendations"]').click();
    await audit(page, `${lang}-02-recommendations`);
    check((await page.locator(`a[href="/people/${personB.id}"]`).count()) === 1, `${lang}: HydroSense suggested`);
    await page.locator('nav a[href="/profile"]').click();
    await audit(page, `${lang}-03-my-profile`);
    await page.locator('nav a[href="/directory"]').first().click();
    await page.locator('#q').fill(`HydroSense ${lang}`);
    await page.locator('form.search button').click();
    await audit(page, `${lang}-04-directory`);
    await page.locator(`a[href="/people/${personB.id}"]`).click();
    await audit(page, `${lang}-05-profile`);
    // Want to meet: marked, not mutual yet.
    await page.locator('button.interest').click();
    await page.waitForURL(`${BASE}/people/${personB.id}`);
    check((await page.locator('button.unmark').count()) === 1, `${lang}: marked`);
    await audit(page, `${lang}-06-profile-marked`);

    // The request form, keyboard only: Tab between fields, typing, Enter to send.
    await page.goto(`${BASE}/requests/new?with=${personB.id}`);
    await audit(page, `${lang}-07-request-form`);
    step = `${lang}-keyboard`;
    await tabTo(page, '#duration');
    await page.keyboard.type('40');
    await tabTo(page, '#priority', 2);
    await page.keyboard.type('5');
    await tabTo(page, '#message', 2);
    await page.keyboard.type('Flood sensors for the Chao Phraya');
    await tabTo(page, 'button.send');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${BASE}/requests`);
    await audit(page, `${lang}-08-requests-sent`);
    const sent = await api('GET', `/events/${event}/requests`, undefined, personA.token);
    check(sent.length === 1 && sent[0].duration_minutes === 40 && sent[0].priority === 5,
      `${lang}: the keyboard request as typed: ${JSON.stringify(sent)}`);

    const b = await session(lang, 'b');
    sessions[lang].b = b;
    await b.page.goto(`${BASE}/requests`);
    await audit(b.page, `${lang}-09-requests-received`);
    await b.page.locator('button.accept').click();
    await b.page.waitForURL(`${BASE}/requests`);
    check((await b.page.locator('.status.accepted').count()) === 1, 'accepted');
    // HydroSense wants to meet Bangkok too: mutual, and no second meeting for the pair.
    await b.page.goto(`${BASE}/people/${personA.id}`);
    await b.page.locator('button.interest').click();
    await b.page.waitForURL(`${BASE}/people/${personA.id}`);
    check((await b.page.locator('p.status.accepted').count()) === 1, `${lang}: mutual interest shown`);
    await audit(b.page, `${lang}-10-profile-mutual`);
    const after = await api('GET', `/events/${event}/requests`, undefined, personA.token);
    check(after.length === 1, `${lang}: the pair keeps one request`);
    results[lang] = 'requested';
  }

  // The organiser solves and publishes.
  step = 'publish';
  const run = await api('POST', `/events/${event}/schedules`, { time_limit_seconds: 5 });
  for (let i = 0; ; i++) {
    const status = (await api('GET', `/events/${event}/schedules/${run.id}`)).status;
    if (status === 'done') break;
    check(status !== 'failed' && i < 600, `run ${status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  await api('POST', `/events/${event}/schedules/${run.id}/publish`, {});

  for (const lang of langs) {
    for (const who of ['a', 'b']) {
      const { page } = sessions[lang][who];
      await page.goto(`${BASE}/agenda`);
      check((await page.locator('td.room', { hasText: 'Table 42' }).count()) === 1, `${lang}/${who} agenda`);
      await audit(page, `${lang}-11-agenda-${who}`);
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.locator('a[href="/agenda.ics"]').click(),
      ]);
      const ics = readFileSync(await download.path(), 'utf8');
      check(ics.includes('BEGIN:VEVENT') && ics.includes('Table 42'), 'the .ics holds the meeting');
      const summary = { fr: 'Rendez-vous avec', en: 'Meeting with', ar: 'موعد مع' }[lang];
      check(ics.includes(`SUMMARY:${summary}`), `${lang}: the .ics in the page's language`);
      await page.locator('a[href="/agenda/print"]').click();
      await page.emulateMedia({ media: 'print' });
      await audit(page, `${lang}-12-print-${who}`);
      await page.emulateMedia({ media: 'screen' });
      await page.locator('form[action="/logout"] button').click();
      await page.waitForURL(`${BASE}/login`);
      await page.goto(`${BASE}/agenda`);
      check(page.url() === `${BASE}/login`, 'signed out');
    }
    results[lang] = problems.some((p) => p.startsWith(`${lang}-`)) ? 'accessibility issues' : 'passed';
  }
}

let failure = null;
try {
  await journey();
} catch (err) {
  failure = `${step}: ${err.message}`;
} finally {
  if (browser) await browser.close();
}
for (const p of problems) console.error(`browser: axe: ${p}`);
if (failure) console.error(`browser: FAILED at ${failure}`);
for (const lang of langs) console.log(`browser: ${lang}: ${results[lang]}`);
const passed = langs.filter((l) => results[l] === 'passed').length;
console.log(`browser: ${audited} pages checked by axe-core; screenshots in ${SHOTS}`);
// The plain closing line CI reads: one journey per language.
console.log(`browser: ${passed} passed, ${langs.length - passed} failed`);
process.exit(passed === langs.length && !failure ? 0 : 1);
