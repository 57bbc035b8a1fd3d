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

  // The board: drag a card to a cell to pin it there. The drop fills in the card's own pin
  // form (slot and room) and submits it, so the server's answer is the same as the form's.
  var board = document.querySelector('[data-board]');
  if (board) {
    var dragged = null;
    var cards = board.querySelectorAll('[data-request]');
    for (var i = 0; i < cards.length; i++) cards[i].setAttribute('draggable', 'true');
    var cellOf = function (e) {
      return e.target.closest ? e.target.closest('td[data-slot]') : null;
    };
    board.addEventListener('dragstart', function (e) {
      dragged = e.target.closest ? e.target.closest('[data-request]') : null;
      if (!dragged) return;
      e.dataTransfer.effectAllowed = 'move';
      e.dataTransfer.setData('text/plain', dragged.getAttribute('data-request'));
    });
    board.addEventListener('dragend', function () { dragged = null; });
    board.addEventListener('dragover', function (e) {
      var cell = cellOf(e);
      if (!cell || !dragged) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'move';
      cell.classList.add('drop');
    });
    board.addEventListener('dragleave', function (e) {
      var cell = cellOf(e);
      if (cell) cell.classList.remove('drop');
    });
    board.addEventListener('drop', function (e) {
      var cell = cellOf(e);
      if (!cell || !dragged) return;
      e.preventDefault();
      cell.classList.remove('drop');
      var form = dragged.querySelector('form[data-pin]');
      if (!form) return;
      form.elements.slot.value = cell.getAttribute('data-slot');
      form.elements.room.value = cell.getAttribute('data-room');
      dragged = null;
      if (form.requestSubmit) form.requestSubmit(); else form.submit();
    });
  }
})();
