// Stands in for VS Code in the standalone page test: acquireVsCodeApi, state
// kept in sessionStorage (so a reload restores it, like a hidden panel), and
// replies from precomputed fixture views (window.__fixture, loaded before).
(function () {
  'use strict';
  window.__sent = [];
  var stateKey = 'tokenmeter-dashboard-state';
  function reply(message) {
    setTimeout(function () { window.postMessage(message, '*'); }, 5);
  }
  function keyOf(query) {
    return query.range === 'custom' ? 'custom' : query.range + '|' + query.source;
  }
  function sendView(query) {
    var view = window.__fixture.views[keyOf(query)];
    if (view) reply({ type: 'view', view: view });
    else reply({ type: 'error', message: 'No fixture for ' + keyOf(query) });
  }
  window.acquireVsCodeApi = function () {
    return {
      postMessage: function (message) {
        window.__sent.push(message);
        if (message.type === 'ready') sendView(message.query || { range: '30d', source: 'all' });
        else if (message.type === 'query') sendView(message.query);
        else if (message.type === 'sessionDetails') reply({ type: 'sessionDetails', sessionId: message.sessionId, details: window.__fixture.details[message.sessionId] || null });
      },
      getState: function () {
        var saved = sessionStorage.getItem(stateKey);
        return saved ? JSON.parse(saved) : undefined;
      },
      setState: function (state) {
        sessionStorage.setItem(stateKey, JSON.stringify(state));
      },
    };
  };
})();
