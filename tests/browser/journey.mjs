// The participant journey in real headless Chromium, in French, English and Arabic, against
// a running `rendezvous serve` (BASE, ORGANISER): sign in with a personal link, find someone
// in the directory, request a meeting, the other accepts in its own session, after a publish
// both see it in their agenda, download the .ics, open the printable agenda, sign out.
// axe-core checks every page visited; screenshots go to SHOTS.
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

function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

const problems = [];
async function audit(page, name) {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () => await window.axe.run());
  for (const v of result.violations) {
    if (v.impact === 'serious' || v.impact === 'critical') {
      problems.push(`${name}: ${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    }
  }
  check((await page.locator('h1').count()) === 1, `${name}: one h1`);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

const event = (await api('POST', '/events', {
  name: 'Smart City Expo Casablanca 2027', timezone: 'Africa/Casablanca', slot_minutes: 20,
  days: [{ date: '2027-04-17', sessions: [['10:00', '13:00']] }],
})).id;
await api('POST', `/events/${event}/rooms`, { name: 'Table 42', capacity: 4, features: ['video'] });
const langs = ['fr', 'en', 'ar'];
const people = {};
for (const lang of langs) {
  const a = await api('POST', `/events/${event}/participants`,
    { name: `Bangkok ${lang}`, kind: 'delegation', city: 'Bangkok', country: 'TH' });
  const b = await api('POST', `/events/${event}/participants`,
    { name: `HydroSense ${lang}`, kind: 'company', city: 'Casablanca', country: 'MA' });
  people[lang] = { a, b };
}

const browser = await chromium.launch({
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
  check(!page.url().includes('token='), `the token leaves the URL: ${page.url()} ${(await page.content()).slice(0, 300)}`);
  // Switch language with the switcher link on the page.
  if (lang !== 'fr') {
    await page.locator(`nav.langs a[hreflang="${lang}"]`).click();
  }
  check((await page.locator('html').getAttribute('lang')) === lang, `${lang} page`);
  check((await page.locator('html').getAttribute('dir')) === (lang === 'ar' ? 'rtl' : 'ltr'), 'direction');
  return { context, page };
}

for (const lang of langs) {
  const a = await session(lang, 'a');
  sessions[lang] = { a };
  const { page } = a;
  await audit(page, `${lang}-1-home`);
  await page.locator('nav a[href="/directory"]').first().click();
  await page.locator('#q').fill(`HydroSense ${lang}`);
  await page.locator('form.search button').click();
  await audit(page, `${lang}-2-directory`);
  await page.locator(`a[href="/people/${people[lang].b.id}"]`).click();
  await audit(page, `${lang}-3-profile`);
  await page.locator(`a[href="/requests/new?with=${people[lang].b.id}"]`).click();
  await audit(page, `${lang}-4-request-form`);
  // Keyboard only: from the duration field to the send button.
  await page.locator('#duration').focus();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('40');
  await page.keyboard.press('Tab');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Flood sensors for the Chao Phraya');
  await page.locator('button[type="submit"]').last().focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(`${BASE}/requests`);
  await audit(page, `${lang}-5-requests-sent`);

  const b = await session(lang, 'b');
  sessions[lang].b = b;
  await b.page.goto(`${BASE}/requests`);
  await audit(b.page, `${lang}-6-requests-received`);
  await b.page.locator('button.accept').click();
  await b.page.waitForURL(`${BASE}/requests`);
  check((await b.page.locator('.status.accepted').count()) === 1, 'accepted');
}

// The organiser solves and publishes.
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
    await audit(page, `${lang}-7-agenda-${who}`);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('a[href="/agenda.ics"]').click(),
    ]);
    const ics = readFileSync(await download.path(), 'utf8');
    check(ics.includes('BEGIN:VEVENT') && ics.includes('Table 42'), 'the .ics holds the meeting');
    await page.locator('a[href="/agenda/print"]').click();
    await page.emulateMedia({ media: 'print' });
    await audit(page, `${lang}-8-print-${who}`);
    await page.emulateMedia({ media: 'screen' });
    await page.locator('form[action="/logout"] button').click();
    await page.waitForURL(`${BASE}/login`);
    await page.goto(`${BASE}/agenda`);
    check(page.url() === `${BASE}/login`, 'signed out');
  }
}
await browser.close();
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`browser: journey passed in ${langs.join(', ')}; screenshots in ${SHOTS}`);
// The plain closing line CI reads: one journey per language.
console.log(`browser: ${langs.length} passed, 0 failed`);
