// The screening results' filter and sort, applied in place: the same rules the server
// applies to the form's GET (app/screen_view.py), so the page works without this script.
(function () {
  var form = document.querySelector('form[data-screen-filters]');
  if (!form) return;
  document.documentElement.classList.add('has-screen-js');
  var tbody = document.querySelector('table.results-table tbody');
  var shown = form.querySelector('[data-shown]');
  var keys = {
    row: function (r) { return [+r.dataset.order]; },
    risk: function (r) { return [-r.dataset.rank, -r.dataset.score, +r.dataset.order]; },
    score: function (r) { return [-r.dataset.score, -r.dataset.rank, +r.dataset.order]; }
  };
  function compare(a, b) {
    for (var i = 0; i < a.length; i++) { if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1; }
    return 0;
  }
  function apply() {
    var risk = form.elements.risk.value, only = form.elements.candidates.checked, sort = form.elements.sort.value;
    var rows = Array.prototype.slice.call(tbody.rows), key = keys[sort] || keys.row, n = 0;
    rows.forEach(function (r) {
      var show = (!risk || r.dataset.level === risk) && (!only || r.dataset.matches === '1');
      r.hidden = !show;
      if (show) n++;
    });
    rows.sort(function (a, b) { return compare(key(a), key(b)); }).forEach(function (r) { tbody.appendChild(r); });
    shown.textContent = n + ' of ' + rows.length + ' rows shown';
    var params = new URLSearchParams();
    if (risk) params.set('risk', risk);
    if (only) params.set('candidates', '1');
    if (sort !== 'row') params.set('sort', sort);
    var q = params.toString();
    history.replaceState(null, '', location.pathname + (q ? '?' + q : ''));
  }
  form.addEventListener('change', apply);
  form.addEventListener('submit', function (e) { e.preventDefault(); apply(); });
})();
