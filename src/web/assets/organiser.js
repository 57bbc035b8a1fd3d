// The organiser's pages' own small script (progressive enhancement: every page works
// without it). A run's page follows the run's live stream instead of reloading itself.
(function () {
  'use strict';
  var live = document.querySelector('[data-run-events]');
  if (live && window.EventSource) {
    var source = new EventSource(live.getAttribute('data-run-events'));
    var set = function (name, value) {
      var cell = live.querySelector('[data-field="' + name + '"]');
      if (cell && value !== undefined && value !== null) cell.textContent = String(value);
    };
    source.addEventListener('progress', function (e) {
      var p = JSON.parse(e.data);
      set('objective', p.incumbent);
      set('bound', p.bound);
      if (typeof p.gap === 'number') set('gap', (100 * p.gap).toFixed(1) + ' %');
      set('elapsed', p.elapsed_seconds);
    });
    source.addEventListener('status', function (e) {
      var run = JSON.parse(e.data);
      if (run.status === 'done' || run.status === 'failed') {
        source.close();
        window.location.reload();
      }
    });
  }
})();
