/* postura's service worker: plain JavaScript, no framework, no build step. Served as
 * /sw.js (scope: the whole site). It is an addition: every page works without it.
 *  - It keeps, in one versioned cache, what /offline.json lists: the shell (scripts,
 *    icons, the manifest, the offline page), today's plan and session player, the
 *    pictures and movements of today's exercises, the stop signs and the tips; a
 *    movement it could not keep is answered offline with its still, and the session
 *    player asks it to keep the movements it shows online.
 *  - Pages: network first, so an online person always sees fresh data; the kept copy
 *    when the network fails. Scripts, icons and pictures (their names do not change
 *    meaning): the kept copy first.
 *  - A session or a check-in saved while offline goes into an outbox in IndexedDB and is
 *    sent when the network is back, in order, each with the idempotency key its page
 *    gave it: the server writes a key once, so a write sent twice is saved once. */
'use strict';

var VERSION = 'v1';
var CACHE = 'postura-' + VERSION;
var DB = 'postura';
var OUTBOX = 'outbox';
/* Writes that may be made offline: the forms and the JSON API behind them. */
var WRITES = ['/session', '/checkin', '/api/v1/sessions', '/api/v1/checkins'];

/* --- IndexedDB: the outbox -------------------------------------------------------- */

function db() {
  return new Promise(function (resolve, reject) {
    var rq = indexedDB.open(DB, 1);
    rq.onupgradeneeded = function () {
      rq.result.createObjectStore(OUTBOX, {keyPath: 'seq', autoIncrement: true});
    };
    rq.onsuccess = function () { resolve(rq.result); };
    rq.onerror = function () { reject(rq.error); };
  });
}

function tx(mode, fn) {
  return db().then(function (d) {
    return new Promise(function (resolve, reject) {
      var t = d.transaction(OUTBOX, mode), out;
      out = fn(t.objectStore(OUTBOX));
      t.oncomplete = function () { d.close(); resolve(out && 'result' in out ? out.result : undefined); };
      t.onerror = t.onabort = function () { d.close(); reject(t.error); };
    });
  });
}

function all() { return tx('readonly', function (s) { return s.getAll(); }); }
function put(item) { return tx('readwrite', function (s) { return s.put(item); }); }

/* Tells the open pages the outbox changed (they show what is waiting, and what was sent). */
function notify() {
  return self.clients.matchAll({includeUncontrolled: true}).then(function (cs) {
    cs.forEach(function (c) { c.postMessage({type: 'outbox'}); });
  });
}

/* --- the cache -------------------------------------------------------------------- */

var refreshing = null;
var VERSION_KEY = '/offline.json?kept'; /* the list last kept, in the cache */
var movements = null; /* movement -> the still that stands for it offline (the list's) */

function movementsMap(cache) {
  if (movements) return Promise.resolve(movements);
  return cache.match(VERSION_KEY).then(function (v) { return v ? v.json() : {}; }).then(function (l) {
    movements = l.movements || {};
    return movements;
  });
}

/* Keeps what /offline.json lists: the shell and pictures once, the pages again when the
 * person's data or the day changed. Anything else kept from an older list goes. */
function refresh(force) {
  if (refreshing) return refreshing;
  refreshing = fetch('/offline.json', {cache: 'no-store', credentials: 'same-origin'}).then(function (r) {
    if (!r.ok) throw new Error('offline.json: ' + r.status);
    return r.json();
  }).then(function (list) {
    return caches.open(CACHE).then(function (cache) {
      return cache.match(VERSION_KEY).then(function (v) { return v ? v.json() : {}; }).then(function (kept) {
        return keepList(cache, list, force || list.version !== kept.version);
      });
    });
  });
  refreshing.catch(function () { /* offline: the next visit tries again */ }).then(function () { refreshing = null; });
  return refreshing;
}

function keepList(cache, list, fresh) {
      var keep = {};
      var jobs = [];
      movements = list.movements || {};
      Object.keys(movements).forEach(function (u) { keep[u] = true; });
      list.shell.concat(list.pictures).forEach(function (u) {
        keep[u] = true;
        jobs.push(cache.match(u).then(function (hit) { return hit || cache.add(u); }));
      });
      list.pages.forEach(function (u) {
        keep[u] = true;
        jobs.push(fresh ? cache.add(u) : cache.match(u).then(function (hit) { return hit || cache.add(u); }));
      });
      return Promise.all(jobs).then(function () {
        return cache.put(VERSION_KEY, new Response(JSON.stringify(list)));
      }).then(function () {
        /* Old scripts (a new hashed name), pictures of exercises no longer in the plan. */
        return cache.keys().then(function (keys) {
          return Promise.all(keys.map(function (k) {
            var p = new URL(k.url).pathname;
            if ((p.indexOf('/static/') === 0 || p.indexOf('/img/') === 0) && !keep[p]) return cache.delete(k);
          }));
        });
      });
}

self.addEventListener('install', function (e) {
  e.waitUntil(refresh(true).catch(function () { /* installed anyway; kept on the next visit */ })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (e) {
  e.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.map(function (n) {
      if (n.indexOf('postura-') === 0 && n !== CACHE) return caches.delete(n);
    }));
  }).then(function () { return self.clients.claim(); }));
});

/* --- sending the outbox ------------------------------------------------------------- */

function csrfFrom(html) {
  var m = /name="csrf" value="([^"]+)"/.exec(html);
  return m ? m[1] : null;
}

function send(item) {
  var headers = {'Content-Type': item.ctype, 'Idempotency-Key': item.key};
  return fetch(item.url, {method: 'POST', body: item.body, headers: headers,
    credentials: 'same-origin', redirect: 'follow', cache: 'no-store'});
}

var flushing = null;

/* Sends what waits, oldest first; stops at the first that cannot reach the server (it
 * stays first). A write the server refuses (a form that is not valid) is marked, not
 * sent again; a refused CSRF token (the server restarted) is renewed once. */
function flush() {
  if (flushing) return flushing;
  var sent = 0;
  flushing = all().then(function (items) {
    var waiting = items.filter(function (i) { return i.state === 'waiting'; });
    /* What was sent is said for a week, then forgotten. */
    var old = items.filter(function (i) { return i.state !== 'waiting' && (i.sent || i.failed) < Date.now() - 7 * 86400e3; });
    var chain = old.length ? tx('readwrite', function (s) { old.forEach(function (i) { s.delete(i.seq); }); }).then(function () { return true; })
      : Promise.resolve(true);
    waiting.forEach(function (item) {
      chain = chain.then(function (go) {
        if (!go) return false;
        return send(item).then(function (r) {
          if (r.status === 403 && !item.renewed && item.ctype.indexOf('form') > 0) {
            item.renewed = true;
            return fetch('/today', {credentials: 'same-origin', cache: 'no-store'}).then(function (p) {
              return p.text();
            }).then(function (html) {
              var t = csrfFrom(html);
              if (t) item.body = item.body.replace(/(^|&)csrf=[^&]*/, '$1csrf=' + encodeURIComponent(t));
              return send(item);
            });
          }
          return r;
        }).then(function (r) {
          if (r.status >= 500 || r.status === 429 || r.status === 408) return false; /* later */
          sent++;
          if (r.ok) {
            item.state = 'sent';
            item.sent = Date.now();
            var u = new URL(r.url);
            item.link = u.pathname === '/session/done' || u.pathname === '/history' ? u.pathname + u.search : null;
          } else {
            item.state = 'failed';
            item.failed = Date.now();
            item.status = r.status;
          }
          return put(item).then(function () { return notify(); }).then(function () { return true; });
        }, function () { return false; /* still offline */ });
      });
    });
    return chain;
  }).then(function () {
    /* The person's data changed: today's pages are fetched again. */
    if (sent) return refresh(true).catch(function () {});
  }).catch(function () {}).then(function () { flushing = null; return notify(); });
  return flushing;
}

/* Puts a write that could not reach the server in the outbox, with the time it was made. */
function keep(req, body) {
  var url = new URL(req.url);
  var ctype = req.headers.get('Content-Type') || 'application/x-www-form-urlencoded';
  var key = req.headers.get('Idempotency-Key');
  var form = ctype.indexOf('application/x-www-form-urlencoded') === 0;
  var fields = form ? new URLSearchParams(body) : null;
  if (!key && fields) key = fields.get('idem');
  if (!key) key = randomKey();
  var now = new Date();
  var at = isoLocal(now);
  if (form && !fields.get('at')) body += '&at=' + encodeURIComponent(at);
  var item = {url: url.pathname, ctype: ctype, body: body, key: key, made: now.getTime(),
    state: 'waiting', what: describe(url.pathname, fields, body)};
  return put(item).then(function () {
    if (self.registration.sync) self.registration.sync.register('outbox').catch(function () {});
    return notify();
  });
}

function randomKey() {
  var b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.prototype.map.call(b, function (x) { return (x < 16 ? '0' : '') + x.toString(16); }).join('');
}

/* 2026-11-18T03:10:00+01:00: the local time with its offset, as the server reads it. */
function isoLocal(d) {
  var p = function (n) { return (n < 10 ? '0' : '') + n; };
  var off = -d.getTimezoneOffset(), sign = off >= 0 ? '+' : '-';
  off = Math.abs(off);
  return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate()) + 'T' + p(d.getHours()) + ':' +
    p(d.getMinutes()) + ':' + p(d.getSeconds()) + sign + p(Math.floor(off / 60)) + ':' + p(off % 60);
}

/* What the page says of a waiting write, in words. */
function describe(path, f, body) {
  if (path === '/session' && f) {
    var n = 0;
    f.forEach(function (v, k) { if (/^fb\d+$/.test(k) && v) n++; });
    if (!n) return 'Your pain before a session (' + f.get('pain_before') + '/10)';
    return 'A session: ' + n + ' exercise' + (n === 1 ? '' : 's') + ', pain ' + f.get('pain_before') +
      '/10 before, ' + f.get('pain_after') + '/10 after';
  }
  if (path === '/checkin' && f) return 'A check-in: pain ' + f.get('pain') + '/10';
  try {
    var j = JSON.parse(body);
    if (path === '/api/v1/checkins') return 'A check-in: pain ' + j.pain + '/10';
    return 'A session: pain ' + j.pain_before + '/10 before, ' + j.pain_after + '/10 after';
  } catch (e) { return 'A record'; }
}

function outboxWrite(e) {
  var req = e.request;
  var copy = req.clone();
  return fetch(req).then(function (r) {
    flush(); /* the network is back: whatever waited goes too */
    return r;
  }, function () {
    return copy.text().then(function (body) {
      return keep(copy, body);
    }).then(function () {
      var url = new URL(req.url);
      if (url.pathname.indexOf('/api/') === 0)
        return new Response(JSON.stringify({queued: true}), {status: 202, headers: {'Content-Type': 'application/json'}});
      /* Back to Today, which says what waits to be sent. */
      return Response.redirect('/today?outbox=1', 303);
    });
  });
}

/* --- fetching ------------------------------------------------------------------------ */

/* The kept copy, else the network (and kept); a movement not kept yet is answered,
 * offline, with its still. */
function cacheFirst(req) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(req).then(function (hit) {
      return hit || fetch(req).then(function (r) {
        if (r.ok) cache.put(req, r.clone());
        return r;
      }, function (e) {
        var p = new URL(req.url).pathname;
        return movementsMap(cache).then(function (m) {
          return m[p] ? cache.match(m[p]) : undefined;
        }).then(function (still) {
          if (still) return still;
          throw e;
        });
      });
    });
  });
}

/* A page asks to keep what it shows (the session player: its movements). */
function keepShown(urls) {
  return caches.open(CACHE).then(function (cache) {
    return Promise.all(urls.map(function (u) {
      var url = new URL(u, self.location.origin);
      if (url.origin !== self.location.origin || url.pathname.indexOf('/img/') !== 0) return null;
      return cache.match(url.pathname).then(function (hit) {
        return hit || cache.add(url.pathname).catch(function () {});
      });
    }));
  });
}

function networkFirst(req, page) {
  return fetch(req).then(function (r) {
    var type = r.headers.get('Content-Type') || '';
    if (r.ok && r.type === 'basic' && type.indexOf('application/pdf') < 0) {
      var copy = r.clone();
      caches.open(CACHE).then(function (cache) { return cache.put(req, copy); });
    }
    if (page) flush();
    return r;
  }, function () {
    return caches.open(CACHE).then(function (cache) {
      return cache.match(req).then(function (hit) {
        return hit || cache.match(req, {ignoreSearch: true});
      }).then(function (hit) {
        if (hit) return hit;
        if (page) return cache.match('/offline');
        return undefined;
      }).then(function (hit) { return hit || Response.error(); });
    });
  });
}

self.addEventListener('fetch', function (e) {
  var req = e.request;
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (req.method === 'POST' && WRITES.indexOf(url.pathname) >= 0) {
    e.respondWith(outboxWrite(e));
    return;
  }
  if (req.method !== 'GET') return;
  var p = url.pathname;
  if (p === '/sw.js' || p === '/offline.json') return;
  if (p.indexOf('/static/') === 0 || p.indexOf('/img/') === 0 || /^\/icon-[a-z0-9-]+\.png$/.test(p)) {
    e.respondWith(cacheFirst(req));
    return;
  }
  e.respondWith(networkFirst(req, req.mode === 'navigate'));
});

self.addEventListener('message', function (e) {
  var m = e.data || {};
  if (m.type === 'flush') e.waitUntil(flush());
  else if (m.type === 'refresh') e.waitUntil(refresh(false).catch(function () {}));
  else if (m.type === 'keep' && Array.isArray(m.urls)) e.waitUntil(keepShown(m.urls.slice(0, 64)));
});

self.addEventListener('sync', function (e) {
  if (e.tag === 'outbox') e.waitUntil(flush());
});
