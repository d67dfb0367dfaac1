/* postura on every page: registers the service worker (data/web/sw.js: offline use), gives
 * each write a page makes an idempotency key (so the server saves it once however often
 * it is sent), and says what waits in the outbox to be sent, and what was sent. The
 * pages work without it. */
(function () {
  'use strict';
  var doc = document;
  if (!('serviceWorker' in navigator)) return;
  var sw = navigator.serviceWorker;

  /* A random key per write: set when the form is sent, kept if it is sent again (a
   * second tap, the browser resending it); a page brought back from the history starts
   * a new write. */
  function randomKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return (x < 16 ? '0' : '') + x.toString(16); }).join('');
  }
  var forms = doc.querySelectorAll('form[method=post][action="/session"], form[method=post][action="/checkin"]');
  Array.prototype.forEach.call(forms, function (f) {
    f.addEventListener('submit', function () {
      var k = f.querySelector('input[name=idem]');
      if (!k) {
        k = doc.createElement('input');
        k.type = 'hidden';
        k.name = 'idem';
        f.appendChild(k);
      }
      if (!k.value) k.value = randomKey();
    });
  });
  window.addEventListener('pageshow', function (e) {
    if (!e.persisted) return;
    Array.prototype.forEach.call(doc.querySelectorAll('input[name=idem]'), function (k) { k.value = ''; });
  });

  /* --- the outbox, as the page shows it ------------------------------------------------ */

  function items() {
    return new Promise(function (resolve) {
      var rq = indexedDB.open('postura', 1);
      rq.onupgradeneeded = function () {
        rq.result.createObjectStore('outbox', {keyPath: 'seq', autoIncrement: true});
      };
      rq.onerror = function () { resolve([]); };
      rq.onsuccess = function () {
        var d = rq.result, t = d.transaction('outbox', 'readonly'), g = t.objectStore('outbox').getAll();
        g.onsuccess = function () { d.close(); resolve(g.result || []); };
        g.onerror = function () { d.close(); resolve([]); };
      };
    });
  }

  function forget(list) {
    var rq = indexedDB.open('postura', 1);
    rq.onsuccess = function () {
      var d = rq.result, t = d.transaction('outbox', 'readwrite'), s = t.objectStore('outbox');
      list.forEach(function (i) { s.delete(i.seq); });
      t.oncomplete = function () { d.close(); show(); };
    };
  }

  function time(ms) {
    var d = new Date(ms), p = function (n) { return (n < 10 ? '0' : '') + n; };
    var today = new Date();
    var day = d.toDateString() === today.toDateString() ? 'today'
      : d.toLocaleDateString('en-GB', {weekday: 'long', day: 'numeric', month: 'long'});
    return day + ' at ' + p(d.getHours()) + ':' + p(d.getMinutes());
  }

  function el(tag, attrs, text) {
    var e = doc.createElement(tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text) e.textContent = text;
    return e;
  }

  var box = null;
  function show() {
    items().then(function (all) {
      var waiting = all.filter(function (i) { return i.state === 'waiting'; });
      var done = all.filter(function (i) { return i.state !== 'waiting' && !i.seen; });
      var main = doc.getElementById('main');
      if (!main) return;
      if (!box) {
        box = el('section', {'class': 'outbox', id: 'outbox', role: 'status', 'aria-live': 'polite', 'aria-label': 'Saved on this phone'});
        main.insertBefore(box, main.firstChild);
      }
      box.textContent = '';
      box.hidden = !waiting.length && !done.length;
      if (waiting.length) {
        var w = el('div', {'class': 'notice warn waiting'});
        w.appendChild(el('h2', {}, 'Waiting to be sent'));
        w.appendChild(el('p', {}, (navigator.onLine ? 'Sending now, in order: ' : 'You are offline. Kept on this phone, and sent in order when the network is back: ')));
        var ul = el('ul');
        waiting.forEach(function (i) { ul.appendChild(el('li', {}, i.what + ' (made ' + time(i.made) + ')')); });
        w.appendChild(ul);
        box.appendChild(w);
      }
      if (done.length) {
        var s = el('div', {'class': 'notice ok sent'});
        s.appendChild(el('h2', {}, 'Sent'));
        var ul2 = el('ul');
        done.forEach(function (i) {
          var li = el('li');
          if (i.state === 'sent') {
            li.appendChild(doc.createTextNode(i.what + ' (made ' + time(i.made) + '): sent ' + time(i.sent) + ', saved. '));
            if (i.link) li.appendChild(el('a', {href: i.link}, i.link.indexOf('/session/done') === 0 ? 'See what it changes' : 'See your history'));
          } else {
            li.appendChild(doc.createTextNode(i.what + ' (made ' + time(i.made) + '): the server did not take it (' + i.status + '). Please enter it again.'));
          }
          ul2.appendChild(li);
        });
        s.appendChild(ul2);
        var ok = el('button', {type: 'button', 'class': 'secondary'}, 'OK');
        ok.addEventListener('click', function () { forget(done); });
        s.appendChild(ok);
        box.appendChild(s);
      }
    });
  }

  function kick() {
    if (!sw.controller) return;
    if (navigator.onLine) {
      sw.controller.postMessage({type: 'flush'});
      sw.controller.postMessage({type: 'refresh'});
      /* The session player's movements: kept for the next time, offline. */
      var moving = doc.querySelectorAll('img.moving');
      if (moving.length)
        sw.controller.postMessage({type: 'keep', urls: Array.prototype.map.call(moving, function (i) { return i.getAttribute('src'); })});
    }
  }

  sw.addEventListener('message', function (e) { if (e.data && e.data.type === 'outbox') show(); });
  sw.addEventListener('controllerchange', kick);
  window.addEventListener('online', function () { kick(); show(); });
  window.addEventListener('offline', show);
  sw.register('/sw.js', {scope: '/'}).then(kick, function () { /* the pages work without it */ });
  show();
})();
