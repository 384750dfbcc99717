/*
 * Touchpoint survey widget. One script tag:
 *   <script src="https://cx.example.com/widget.js" data-write-key="WRITE_KEY" data-user-id="USER_ID" async></script>
 * then, when the customer reaches a moment: window.touchpointSurveys.check({ event: 'Trial Ended' }) or
 * check({ touchpointKey: 'trial' }). The server decides (targeting, sampling, recontact rules, cooldown); when it
 * says yes, a small accessible panel shows the hosted survey in an iframe. No framework, no cookies.
 */
/* global window, document, navigator, fetch, setTimeout, URL */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script) return;
  var origin = new URL(script.src, window.location.href).origin;
  var base = {
    writeKey: script.getAttribute('data-write-key') || '',
    userId: script.getAttribute('data-user-id') || undefined,
    anonymousId: script.getAttribute('data-anonymous-id') || undefined,
    language: script.getAttribute('data-language') || navigator.language || undefined,
  };
  var open = false;

  function close(panel, previousFocus) {
    if (panel && panel.parentNode) panel.parentNode.removeChild(panel);
    open = false;
    if (previousFocus && previousFocus.focus) previousFocus.focus();
  }

  function show(url, language) {
    if (open) return;
    open = true;
    var previousFocus = document.activeElement;
    var zh =
      String(language || '')
        .toLowerCase()
        .indexOf('zh') === 0;
    var panel = document.createElement('div');
    panel.setAttribute('role', 'dialog');
    panel.setAttribute('aria-modal', 'false');
    panel.setAttribute('aria-label', zh ? '满意度调查' : 'Feedback survey');
    panel.style.cssText =
      'position:fixed;right:16px;bottom:16px;width:min(420px,calc(100vw - 32px));height:min(600px,calc(100vh - 32px));' +
      'background:#fff;border:1px solid #d0d7de;border-radius:12px;box-shadow:0 8px 24px rgba(0,0,0,.2);z-index:2147483647;' +
      'display:flex;flex-direction:column;overflow:hidden';
    var bar = document.createElement('div');
    bar.style.cssText = 'display:flex;justify-content:flex-end;padding:4px';
    var button = document.createElement('button');
    button.type = 'button';
    button.textContent = '×';
    button.setAttribute('aria-label', zh ? '关闭' : 'Close');
    button.style.cssText = 'font:20px/1 sans-serif;border:0;background:none;cursor:pointer;padding:6px 10px';
    button.addEventListener('click', function () {
      close(panel, previousFocus);
    });
    bar.appendChild(button);
    var frame = document.createElement('iframe');
    frame.src =
      url +
      (url.indexOf('?') >= 0 ? '&' : '?') +
      'embed=1' +
      (language ? '&lang=' + encodeURIComponent(language) : '');
    frame.title = zh ? '满意度调查' : 'Feedback survey';
    frame.style.cssText = 'border:0;flex:1;width:100%';
    panel.appendChild(bar);
    panel.appendChild(frame);
    panel.addEventListener('keydown', function (e) {
      if (e.key === 'Escape') close(panel, previousFocus);
    });
    window.addEventListener('message', function (e) {
      if (e.origin === origin && e.data && e.data.type === 'touchpoint:survey:completed')
        setTimeout(function () {
          close(panel, previousFocus);
        }, 2500);
    });
    document.body.appendChild(panel);
    button.focus();
  }

  function check(options) {
    options = options || {};
    var body = {
      writeKey: base.writeKey,
      userId: options.userId || base.userId,
      anonymousId: options.anonymousId || base.anonymousId,
      event: options.event,
      touchpointKey: options.touchpointKey,
      language: options.language || base.language,
    };
    if (!body.writeKey || (!body.userId && !body.anonymousId)) return Promise.resolve({ show: false });
    return fetch(origin + '/api/v1/public/widget/check', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      credentials: 'omit',
    })
      .then(function (res) {
        return res.ok ? res.json() : { show: false };
      })
      .then(function (decision) {
        if (decision.show && decision.url) show(decision.url, body.language);
        return decision;
      })
      .catch(function () {
        return { show: false };
      });
  }

  window.touchpointSurveys = {
    check: check,
    identify: function (ids) {
      if (ids && ids.userId) base.userId = ids.userId;
      if (ids && ids.anonymousId) base.anonymousId = ids.anonymousId;
    },
  };
  if (script.getAttribute('data-check-on-load') !== 'false') {
    if (document.readyState === 'loading')
      document.addEventListener('DOMContentLoaded', function () {
        check({});
      });
    else check({});
  }
})();
