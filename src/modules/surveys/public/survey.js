/* Touchpoint hosted survey page: branching, partial saves, submission and per-question errors. No framework. */
/* global window, document, fetch, setTimeout, clearTimeout */
(function () {
  'use strict';
  var form = document.getElementById('tp-survey');
  var configEl = document.getElementById('tp-config');
  if (!form || !configEl) return;
  var cfg = JSON.parse(configEl.textContent || '{}');
  var startedAt = Date.now();
  var storeKey = 'tp-survey:' + cfg.submitUrl;
  var responseToken = null;
  try {
    responseToken = window.sessionStorage.getItem(storeKey);
  } catch {
    responseToken = null;
  }
  var byId = {};
  cfg.questions.forEach(function (q) {
    byId[q.id] = q;
  });

  function fieldset(id) {
    return document.getElementById('q-' + id);
  }

  function valuesOf(name) {
    var out = [];
    var els = form.elements;
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if (el.name !== name) continue;
      if ((el.type === 'radio' || el.type === 'checkbox') && !el.checked) continue;
      if (el.value === '') continue;
      out.push(el.value);
    }
    return out;
  }

  /** Whether two of a ranking's positions are the same number (the server's `tied`). */
  function tied(positions) {
    var seen = {};
    for (var k in positions) {
      if (!Object.prototype.hasOwnProperty.call(positions, k)) continue;
      var key = String(positions[k]);
      if (seen[key]) return true;
      seen[key] = true;
    }
    return false;
  }

  /** The shown ranking questions that give two options the same position (the server's `rankingTies`). */
  function rankTies(shown) {
    var out = [];
    cfg.questions.forEach(function (q) {
      if (q.type !== 'ranking' || !shown[q.id]) return;
      var name = 'q.' + q.id + '.';
      var positions = {};
      var els = form.querySelectorAll('[name^="' + name + '"]');
      for (var i = 0; i < els.length; i++)
        if (els[i].value !== '') positions[els[i].name.slice(name.length)] = Number(els[i].value);
      if (tied(positions)) out.push({ questionId: q.id, code: 'RANK_TIE' });
    });
    return out;
  }

  /** The page's message for a problem, in its language: the question's own, the common one for the code, or a generic one. */
  function messageOf(p) {
    var m = cfg.messages;
    var has = function (o, k) {
      return !!o && Object.prototype.hasOwnProperty.call(o, k);
    };
    var own = has(m.questions, p.questionId) ? m.questions[p.questionId] : null;
    if (has(own, p.code)) return own[p.code];
    if (has(m.common, p.code)) return m.common[p.code];
    return m.common.GENERIC;
  }

  function answerOf(q) {
    var name = 'q.' + q.id;
    var v, i, o, answer;
    switch (q.type) {
      case 'nps':
      case 'csat':
      case 'ces':
      case 'rating':
        v = valuesOf(name);
        return v.length ? Number(v[0]) : undefined;
      case 'single_choice':
        v = valuesOf(name);
        if (!v.length) return undefined;
        if (v[0] === '__other') return { other: (valuesOf(name + '.other')[0] || '').slice(0, 500) };
        return v[0];
      case 'multiple_choice':
        v = valuesOf(name);
        if (!v.length) return undefined;
        return v.map(function (x) {
          return x === '__other' ? { other: (valuesOf(name + '.other')[0] || '').slice(0, 500) } : x;
        });
      case 'text':
        v = valuesOf(name);
        return v.length && v[0].trim() ? v[0] : undefined;
      case 'matrix':
      case 'constant_sum':
      case 'ranking':
        answer = {};
        var any = false;
        var els = form.querySelectorAll('[name^="' + name + '."]');
        for (i = 0; i < els.length; i++) {
          o = els[i];
          if ((o.type === 'radio' && !o.checked) || o.value === '') continue;
          answer[o.name.slice(name.length + 1)] = q.type === 'matrix' ? o.value : Number(o.value);
          any = true;
        }
        if (!any) return undefined;
        if (q.type === 'ranking') {
          // A tie has no order: no answer (not saved; the submission is refused by rankTies).
          if (tied(answer)) return undefined;
          return Object.keys(answer).sort(function (a, b) {
            return answer[a] - answer[b];
          });
        }
        return answer;
      case 'expectation_perception':
        var e = valuesOf(name + '.expectation');
        var p = valuesOf(name + '.perception');
        if (!e.length && !p.length) return undefined;
        return { expectation: e.length ? Number(e[0]) : null, perception: p.length ? Number(p[0]) : null };
    }
    return undefined;
  }

  function collect() {
    var answers = {};
    cfg.questions.forEach(function (q) {
      var a = answerOf(q);
      if (a !== undefined) answers[q.id] = a;
    });
    return answers;
  }

  function compare(c, actual) {
    if (c.op === 'answered') return actual !== undefined && actual !== '';
    if (c.op === 'not_answered') return actual === undefined || actual === '';
    if (actual === undefined) return false;
    var scalar = typeof actual === 'number' || typeof actual === 'string' ? actual : null;
    var value = c.value;
    function eq(a, b) {
      return typeof a === 'number' || typeof b === 'number' ? Number(a) === Number(b) : a === b;
    }
    switch (c.op) {
      case 'eq':
        return scalar !== null && eq(scalar, value);
      case 'neq':
        return scalar !== null && !eq(scalar, value);
      case 'lt':
        return scalar !== null && Number(scalar) < Number(value);
      case 'lte':
        return scalar !== null && Number(scalar) <= Number(value);
      case 'gt':
        return scalar !== null && Number(scalar) > Number(value);
      case 'gte':
        return scalar !== null && Number(scalar) >= Number(value);
      case 'in':
      case 'not_in':
        var found =
          scalar !== null &&
          (value || []).some(function (x) {
            return eq(scalar, x);
          });
        return c.op === 'in' ? found : scalar !== null && !found;
      case 'contains':
        if (typeof actual === 'string') return actual.indexOf(value) >= 0;
        if (Array.isArray(actual))
          return actual.some(function (x) {
            return typeof x === 'string' ? x === value : value === 'other';
          });
        return false;
    }
    return false;
  }

  function holds(c, answers) {
    if (c.type === 'all')
      return c.conditions.every(function (x) {
        return holds(x, answers);
      });
    if (c.type === 'any')
      return c.conditions.some(function (x) {
        return holds(x, answers);
      });
    if (c.type === 'answer') return compare(c, answers[c.question]);
    return compare(
      c,
      Object.prototype.hasOwnProperty.call(cfg.hidden, c.field) ? cfg.hidden[c.field] : undefined,
    );
  }

  /** The same walk as the server: rules after each question jump forward or end. */
  function path(answers) {
    var ids = cfg.questions.map(function (q) {
      return q.id;
    });
    var shown = {};
    var i = 0;
    while (i < ids.length) {
      shown[ids[i]] = true;
      var next = i + 1;
      for (var r = 0; r < cfg.logic.length; r++) {
        var rule = cfg.logic[r];
        if (rule.from !== ids[i] || !holds(rule.when, answers)) continue;
        next = rule.then.type === 'end' ? ids.length : ids.indexOf(rule.then.to);
        break;
      }
      i = Math.max(next, i + 1);
    }
    return shown;
  }

  function applyLogic() {
    var answers = collect();
    var shown = path(answers);
    cfg.questions.forEach(function (q) {
      var fs = fieldset(q.id);
      if (fs) fs.classList.toggle('hidden', !shown[q.id]);
    });
    var totals = form.querySelectorAll('output[data-total-for]');
    for (var i = 0; i < totals.length; i++) {
      var a = answers[totals[i].getAttribute('data-total-for')] || {};
      var sum = 0;
      for (var k in a) if (Object.prototype.hasOwnProperty.call(a, k)) sum += Number(a[k]) || 0;
      totals[i].textContent = String(sum);
    }
    return { answers: answers, shown: shown };
  }

  function clearErrors() {
    var errs = form.querySelectorAll('.error');
    for (var i = 0; i < errs.length; i++) errs[i].textContent = '';
    var bad = form.querySelectorAll('.has-error');
    for (i = 0; i < bad.length; i++) {
      bad[i].classList.remove('has-error');
      bad[i].removeAttribute('aria-invalid');
    }
    // The summary a form post without script rendered (links to each question) goes too.
    var summary = document.getElementById('tp-summary');
    summary.textContent = '';
    summary.classList.remove('summary');
  }

  function showErrors(problems) {
    var first = null;
    problems.forEach(function (p) {
      var fs = fieldset(p.questionId);
      var el = document.getElementById('q-' + p.questionId + '-error');
      if (fs && el) {
        fs.classList.add('has-error');
        fs.setAttribute('aria-invalid', 'true');
        el.textContent = messageOf(p);
        if (!first) first = fs;
      }
    });
    document.getElementById('tp-summary').textContent = cfg.ui.errorSummary;
    if (first) {
      first.scrollIntoView({ block: 'center' });
      var input = first.querySelector('input,textarea,select');
      if (input) input.focus();
    }
  }

  function send(complete) {
    var state = applyLogic();
    var answers = {};
    for (var k in state.answers) if (state.shown[k]) answers[k] = state.answers[k];
    var body = {
      answers: answers,
      complete: complete,
      language: cfg.language,
      hidden: cfg.hidden,
      startedAt: startedAt,
    };
    if (responseToken) body.responseToken = responseToken;
    return fetch(cfg.submitUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-language': cfg.language },
      body: JSON.stringify(body),
      credentials: 'omit',
    }).then(function (res) {
      return res.json().then(function (json) {
        return { ok: res.ok, status: res.status, json: json };
      });
    });
  }

  var saveTimer = null;
  form.addEventListener('change', function () {
    applyLogic();
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = setTimeout(function () {
      send(false)
        .then(function (r) {
          if (r.ok && r.json.responseToken) {
            responseToken = r.json.responseToken;
            try {
              window.sessionStorage.setItem(storeKey, responseToken);
            } catch {
              /* private mode: saves still work within this page */
            }
          }
        })
        .catch(function () {
          /* a failed partial save is retried by the next change or the submission */
        });
    }, 1200);
  });
  form.addEventListener('input', applyLogic);

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    if (saveTimer) clearTimeout(saveTimer);
    clearErrors();
    var ties = rankTies(applyLogic().shown);
    if (ties.length) {
      showErrors(ties);
      return;
    }
    var status = document.getElementById('tp-status');
    status.textContent = cfg.ui.saving;
    send(true)
      .then(function (r) {
        status.textContent = '';
        if (r.ok) {
          form.classList.add('hidden');
          var thanks = document.getElementById('tp-thanks');
          thanks.textContent = cfg.thanks;
          thanks.classList.remove('hidden');
          thanks.focus();
          try {
            window.sessionStorage.removeItem(storeKey);
          } catch {
            /* ignore */
          }
          if (window.parent !== window)
            window.parent.postMessage({ type: 'touchpoint:survey:completed' }, '*');
          return;
        }
        var details = (r.json && r.json.error && r.json.error.details) || {};
        if (details.questions) showErrors(details.questions);
        else document.getElementById('tp-summary').textContent = (r.json.error && r.json.error.message) || '';
      })
      .catch(function () {
        status.textContent = '';
        document.getElementById('tp-summary').textContent = cfg.ui.errorSummary;
      });
  });
  applyLogic();
})();
