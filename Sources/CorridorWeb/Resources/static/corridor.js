// Scripts of the pages, served from this site (the Content-Security-Policy allows no inline script).

// The case page: open the details that hold a finding when its matrix cell is followed.
(function () {
  function openFinding() {
    if (!location.hash) { return; }
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (!target) { return; }
    var details = target.closest('details');
    if (details) { details.open = true; target.scrollIntoView(); }
  }
  window.addEventListener('hashchange', openFinding);
  openFinding();
})();
