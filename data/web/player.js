/* postura's session player: one exercise at a time, hold countdowns, rep and breath
 * counts, sides, rests, a progress bar, optional sounds and a screen kept awake. It
 * enhances the session form: without JavaScript the same form lists every exercise. */
(function () {
  'use strict';
  var doc = document;
  doc.documentElement.classList.add('js');
  var store = {
    get: function (k) { try { return localStorage.getItem(k); } catch (e) { return null; } },
    set: function (k, v) { try { localStorage.setItem(k, v); } catch (e) { /* private mode */ } }
  };
  var SOUND = 'postura.sound';
  var AUTO = 'postura.auto';
  var READY_S = 5; /* moving on by itself: time to get into position for the next one */

  function bindSound(box) {
    if (!box) return;
    box.checked = store.get(SOUND) === '1';
    box.addEventListener('change', function () { store.set(SOUND, box.checked ? '1' : '0'); });
  }
  bindSound(doc.getElementById('sound'));

  function el(tag, attrs, text) {
    var e = doc.createElement(tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (text) e.textContent = text;
    return e;
  }

  /* The pictures of a movement loop; a button pauses them all (the poses are shown
   * still instead), remembered. Nothing moves for those who asked for reduced motion. */
  var MOTION = 'postura.motion';
  var moving = doc.querySelectorAll('.poses[data-moving]');
  if (moving.length && window.matchMedia && window.matchMedia('(prefers-reduced-motion: no-preference)').matches) {
    var toggles = [];
    var setMotion = function (paused) {
      Array.prototype.forEach.call(moving, function (p) { p.classList.toggle('paused', paused); });
      toggles.forEach(function (b) { b.setAttribute('aria-pressed', paused ? 'true' : 'false'); });
    };
    Array.prototype.forEach.call(moving, function (p) {
      var b = el('button', {type: 'button', 'class': 'secondary motion', 'aria-pressed': 'false'}, 'Pause the movement');
      b.addEventListener('click', function () {
        var paused = b.getAttribute('aria-pressed') !== 'true';
        store.set(MOTION, paused ? 'off' : 'on');
        setMotion(paused);
      });
      toggles.push(b);
      p.parentNode.insertBefore(b, p.nextSibling);
    });
    setMotion(store.get(MOTION) === 'off');
  }

  var form = doc.getElementById('session-form');
  var host = doc.getElementById('player');
  if (!form || !host) return;

  var reduced = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  var steps = Array.prototype.slice.call(form.querySelectorAll('.step'));
  var finish = form.querySelector('.finish');
  var before = form.querySelector('select[name=pain_before]');
  var noneToday = form.querySelector('input[name=none_today]');
  /* Without JavaScript, "Check my pain first" sends the pain for the server's advice; here
   * the advice follows the choice as it is made, so the button goes (removed, not hidden:
   * Enter in the form must not press it). */
  var beforeCheck = form.querySelector('.before-check');
  if (beforeCheck) beforeCheck.parentNode.removeChild(beforeCheck);
  var noted = form.querySelector('.pain-noted');
  if (noted && before) before.addEventListener('change', function () { noted.hidden = true; });
  /* High pain before the session: the advice a check-in that high gets. */
  var advice = form.querySelector('.pain-advice');
  if (before && advice) {
    var showAdvice = function () {
      advice.hidden = !(before.value !== '' && parseInt(before.value, 10) >= parseInt(advice.getAttribute('data-from'), 10));
    };
    before.addEventListener('change', showAdvice);
    showAdvice();
  }
  var num = function (el, k) { return parseInt(el.getAttribute('data-' + k), 10) || 0; };

  /* The timeline of one exercise: segments of work and rest, in order. */
  function timeline(li, ready) {
    var sets = Math.max(1, num(li, 'sets')), reps = num(li, 'reps'), hold = num(li, 'hold');
    var breaths = num(li, 'breaths'), repS = num(li, 'rep-s') || 3, rest = num(li, 'rest');
    var sides = num(li, 'sides') || 1, segs = [];
    if (ready) segs.push({kind: 'ready', secs: READY_S, where: '', side: ''});
    for (var s = 1; s <= sets; s++) {
      for (var side = 1; side <= sides; side++) {
        var where = (sets > 1 ? 'Set ' + s + ' of ' + sets : '');
        var sideName = sides > 1 ? (side === 1 ? 'Left side' : 'Right side') : '';
        if (breaths) {
          segs.push({kind: 'breaths', secs: breaths * 6, count: breaths, where: where, side: sideName});
        } else if (hold) {
          var n = Math.max(1, reps);
          for (var r = 1; r <= n; r++) {
            segs.push({kind: 'hold', secs: hold, rep: r, of: n, where: where, side: sideName});
            if (r < n) segs.push({kind: 'release', secs: 3, where: where, side: sideName});
          }
        } else {
          segs.push({kind: 'reps', secs: Math.max(1, reps) * repS, count: Math.max(1, reps), repS: repS, where: where, side: sideName});
        }
      }
      if (s < sets && rest) segs.push({kind: 'rest', secs: rest, where: 'Rest before set ' + (s + 1), side: ''});
    }
    return segs;
  }

  /* The player's controls. */
  var box = el('div', {'class': 'player', role: 'region', 'aria-label': 'Session player'});
  var bar = el('progress', {max: String(steps.length), value: '0', 'aria-label': 'Progress through the routine'});
  var where = el('p', {'class': 'where'});
  var what = el('p', {'class': 'what', 'aria-live': 'polite'});
  var side = el('p', {'class': 'side'});
  var breath = el('div', {'class': 'breath', 'aria-hidden': 'true'});
  var count = el('p', {'class': 'count', role: 'timer', 'aria-live': 'off'});
  var controls = el('div', {'class': 'controls'});
  var back = el('button', {type: 'button', 'class': 'secondary'}, 'Back');
  var play = el('button', {type: 'button'}, 'Start');
  var next = el('button', {type: 'button', 'class': 'secondary'}, 'Next');
  var soundLabel = el('label', {'class': 'check'});
  var soundBox = el('input', {type: 'checkbox'});
  soundLabel.appendChild(soundBox);
  soundLabel.appendChild(doc.createTextNode(' Sounds'));
  bindSound(soundBox);
  /* Moving on by itself: the next exercise starts when one's time is done, and how each
   * went is asked once, at the end. Remembered. */
  var autoLabel = el('label', {'class': 'check'});
  var autoBox = el('input', {type: 'checkbox', name: 'auto_advance'});
  autoLabel.appendChild(autoBox);
  autoLabel.appendChild(doc.createTextNode(' Move on by itself when an exercise\u2019s time is done (how each went is asked at the end)'));
  autoBox.checked = store.get(AUTO) === '1';
  autoBox.addEventListener('change', function () { store.set(AUTO, autoBox.checked ? '1' : '0'); });
  var auto = function () { return autoBox.checked; };
  /* The picture of the current exercise sits beside the timer (on a phone too). */
  var now = el('div', {'class': 'now'});
  var timerCol = el('div', {'class': 'timer'});
  [what, side, breath, count].forEach(function (c) { timerCol.appendChild(c); });
  now.appendChild(timerCol);
  controls.appendChild(back); controls.appendChild(play); controls.appendChild(next);
  var options = el('div', {'class': 'options'});
  options.appendChild(soundLabel); options.appendChild(autoLabel);
  [bar, where, now, controls, options].forEach(function (c) { box.appendChild(c); });
  breath.hidden = true;
  host.appendChild(box);
  host.hidden = false;

  var cur = -1, segs = [], seg = 0, elapsed = 0, running = false, last = 0, tick = null;
  var didAny = false; /* an exercise's time ran to its end */
  var lock = null, audio = null;

  function beep(freq) {
    if (store.get(SOUND) !== '1') return;
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var o = audio.createOscillator(), g = audio.createGain();
      o.frequency.value = freq || 660;
      g.gain.setValueAtTime(0.0001, audio.currentTime);
      g.gain.exponentialRampToValueAtTime(0.2, audio.currentTime + 0.02);
      g.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.35);
      o.connect(g); g.connect(audio.destination);
      o.start(); o.stop(audio.currentTime + 0.4);
    } catch (e) { /* no sound */ }
  }

  function wake(on) {
    if (!('wakeLock' in navigator)) return;
    if (on && !lock) {
      navigator.wakeLock.request('screen').then(function (l) {
        lock = l;
        l.addEventListener('release', function () { lock = null; });
      }).catch(function () { lock = null; });
    } else if (!on && lock) {
      lock.release(); lock = null;
    }
  }
  doc.addEventListener('visibilitychange', function () {
    if (doc.visibilityState === 'visible' && running) wake(true);
  });

  function fmt(s) {
    s = Math.max(0, Math.ceil(s));
    var m = Math.floor(s / 60), r = s % 60;
    return m + ':' + (r < 10 ? '0' : '') + r;
  }

  /* When an exercise is done, its feedback comes up beside the timer (the player is
   * inside the form, so it is still sent); it goes back when the exercise changes. */
  var moved = null;
  function restoreFeedback() {
    if (moved) { moved.home.appendChild(moved.el); moved = null; }
  }
  function showFeedback() {
    if (moved || cur < 0 || cur >= steps.length) return;
    var fb = steps[cur].querySelector('.feedback');
    if (!fb) return;
    moved = {el: fb, home: fb.parentNode};
    box.insertBefore(fb, options);
  }

  var pic = null;
  function restorePicture() {
    if (pic) { pic.home.insertBefore(pic.el, pic.next); pic = null; }
  }
  function showPicture(i) {
    restorePicture();
    if (i < 0 || i >= steps.length) return;
    var p = steps[i].querySelector('.poses');
    if (!p) return;
    pic = {el: p, home: p.parentNode, next: p.nextSibling};
    now.insertBefore(p, timerCol);
  }

  /* At the end, when the player moved on by itself: how each exercise went, all at once. */
  var asked = null;
  function askAll() {
    if (asked) return;
    asked = el('div', {'class': 'feedback-all'});
    asked.appendChild(el('h3', {}, 'How was each exercise?'));
    asked.appendChild(el('p', {}, 'An exercise left without an answer is not logged.'));
    steps.forEach(function (li) {
      var fb = li.querySelector('.feedback');
      if (fb) asked.appendChild(fb);
    });
    finish.insertBefore(asked, finish.querySelector('h2').nextSibling);
  }

  function show(i) {
    steps.forEach(function (li, k) { li.classList.toggle('current', k === i); });
    finish.classList.toggle('current', i === steps.length);
    showPicture(i);
    progress();
  }

  /* The progress bar moves with the time of the current exercise, the first included. */
  function progress() {
    var frac = 0;
    if (cur >= 0 && cur < steps.length && segs.length) {
      var total = 0, done = 0;
      segs.forEach(function (sg, k) { total += sg.secs; if (k < seg) done += sg.secs; });
      done += seg < segs.length ? Math.min(elapsed, segs[seg].secs) : 0;
      frac = total ? Math.min(1, done / total) : 0;
      if (seg >= segs.length) frac = 1;
    }
    var v = Math.max(0, cur) + frac;
    bar.value = Math.min(steps.length, v);
    bar.setAttribute('aria-valuetext', cur < 0 ? 'Not started'
      : cur >= steps.length ? 'All done' : 'Exercise ' + (cur + 1) + ' of ' + steps.length + ', ' + Math.round(frac * 100) + '% through');
  }

  function render() {
    if (cur < 0) {
      where.textContent = 'Before you start';
      what.textContent = noneToday ? 'Check the stop signs above and choose your pain now, then press Start.' : 'Choose your pain now, then press Start.';
      count.textContent = ''; side.textContent = ''; breath.hidden = true;
      return;
    }
    progress();
    if (cur >= steps.length) {
      where.textContent = 'All done';
      /* "Well done" only for something done (as the terminal says it). */
      what.textContent = !didAny ? 'No exercise was done. Save to keep the pain you gave before as today\u2019s check-in.'
        : auto() ? 'Well done. Say how each exercise went and how your back is now, then save the session.'
        : 'Well done. Say how your back is now, and save the session.';
      count.textContent = ''; side.textContent = ''; breath.hidden = true;
      play.hidden = true; next.hidden = true;
      return;
    }
    play.hidden = false; next.hidden = false;
    var li = steps[cur];
    where.textContent = 'Exercise ' + (cur + 1) + ' of ' + steps.length + ': ' + li.getAttribute('data-name');
    if (seg >= segs.length) {
      what.textContent = 'Done. How was it? Choose, then press Next.';
      count.textContent = '✓'; side.textContent = ''; breath.hidden = true;
      play.textContent = 'Again';
      if (!auto()) showFeedback();
      return;
    }
    var s = segs[seg], left = s.secs - elapsed, label;
    side.textContent = s.side;
    breath.hidden = s.kind !== 'breaths';
    if (s.kind === 'ready') label = 'Get into position';
    else if (s.kind === 'hold') label = s.of > 1 ? 'Hold — ' + s.rep + ' of ' + s.of : 'Hold';
    else if (s.kind === 'release') label = 'Release, and get ready';
    else if (s.kind === 'rest') label = 'Rest';
    else if (s.kind === 'reps') label = s.count > 1 ? 'Rep ' + Math.min(s.count, Math.floor(elapsed / s.repS) + 1) + ' of ' + s.count : 'Once';
    else {
      var b = Math.min(s.count, Math.floor(elapsed / 6) + 1), inhale = (elapsed % 6) < 3;
      label = 'Breath ' + b + ' of ' + s.count + ': breathe ' + (inhale ? 'in' : 'out');
      if (!reduced) breath.classList.toggle('in', inhale);
    }
    if (s.where) label += ' · ' + s.where;
    if (what.textContent !== label) what.textContent = label; /* announced: a rep, a breath */
    count.textContent = fmt(left);
    play.textContent = running ? 'Pause' : (elapsed > 0 || seg > 0 ? 'Resume' : 'Start');
  }

  /* The screen stays awake from Start to the end of the session, between exercises too;
   * Pause lets it sleep. */
  function stop() {
    running = false;
    if (tick) clearInterval(tick);
    tick = null;
  }

  function step(now) {
    if (!running) return;
    elapsed += (now - last) / 1000;
    last = now;
    while (seg < segs.length && elapsed >= segs[seg].secs) {
      elapsed -= segs[seg].secs;
      seg++;
      beep(seg < segs.length ? 660 : 880);
    }
    if (seg >= segs.length) {
      stop();
      elapsed = 0;
      didAny = true;
      if (auto()) { go(cur + 1, true); return; }
    }
    render();
  }

  function start() {
    if (running) return;
    running = true;
    last = performance.now();
    tick = setInterval(function () { step(performance.now()); }, 250);
    wake(true);
    render();
  }

  /* go(i, moving): to exercise i; moving on by itself, it starts after a moment to get
   * into position. */
  function go(i, moving) {
    stop();
    restoreFeedback();
    cur = Math.max(0, Math.min(steps.length, i));
    segs = cur < steps.length ? timeline(steps[cur], moving && cur > 0) : [];
    seg = 0; elapsed = 0;
    show(cur);
    render();
    if (cur === steps.length) {
      wake(false);
      if (auto()) askAll();
      var f = finish.querySelector(auto() ? 'input' : 'select');
      if (f) f.focus();
    } else if (moving) {
      start();
    }
  }

  play.addEventListener('click', function () {
    if (cur < 0) {
      if (noneToday && !noneToday.checked) {
        what.textContent = 'First check the stop signs: tick "None of these today", or do not exercise today.';
        noneToday.focus();
        return;
      }
      if (before && !before.value) {
        what.textContent = 'First choose your pain now, from 0 to 10.';
        before.focus();
        return;
      }
      form.classList.add('started');
      doc.body.classList.add('playing'); /* the notes above were read: room for the timer */
      if (before) before.parentNode.hidden = true;
      if (noneToday) noneToday.closest('fieldset').hidden = true; /* still sent */
      go(0);
      start();
      return;
    }
    if (running) { stop(); wake(false); render(); return; }
    if (seg >= segs.length) { seg = 0; elapsed = 0; }
    start();
  });
  next.addEventListener('click', function () { if (cur >= 0) go(cur + 1); });
  back.addEventListener('click', function () {
    if (cur > 0) go(cur - 1);
    else if (cur === 0) go(0);
  });

  show(-1);
  render();
})();
