/*
 * The join form: fill in the agency from the .gov registry while the person types their work
 * address, and say so next to the field. Only the domain is sent (GET /api/v1/gov-domains/...).
 * Without this script the server fills in a blank agency the same way when the form is sent.
 * Never overwrites an agency the person typed.
 */
(function () {
  var email = document.getElementById('email');
  var agency = document.getElementById('agency');
  var note = document.getElementById('agency-lookup');
  if (!email || !agency || !note || !window.fetch) return;
  var filled = ''; // the value this script put in the field, if it is still there
  var asked = '';
  var timer;

  function domainOf(address) {
    var at = address.lastIndexOf('@');
    var domain =
      at < 0
        ? ''
        : address
            .slice(at + 1)
            .trim()
            .toLowerCase()
            .replace(/\.$/, '');
    return /^[a-z0-9.-]+\.gov$/.test(domain) ? domain : '';
  }

  function look() {
    var domain = domainOf(email.value);
    if (!domain || domain === asked) return;
    asked = domain;
    if (agency.value.trim() && agency.value !== filled) return; // typed by the person: theirs
    fetch('/api/v1/gov-domains/' + encodeURIComponent(domain), { headers: { accept: 'application/json' } })
      .then(function (res) {
        return res.ok ? res.json() : null;
      })
      .then(function (found) {
        if (domainOf(email.value) !== domain) return; // the address changed meanwhile
        if (agency.value.trim() && agency.value !== filled) return;
        if (found && found.agency) {
          agency.value = filled = found.agency;
          note.textContent = 'Filled in from the .gov registry for ' + found.registered + '. Change it if it is not right.';
        } else if (filled && agency.value === filled) {
          agency.value = filled = '';
          note.textContent = '';
        }
      })
      .catch(function () {
        /* no answer: the person types it, or the server fills it in */
      });
  }

  email.addEventListener('change', look);
  email.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(look, 400);
  });
  agency.addEventListener('input', function () {
    if (agency.value !== filled) note.textContent = '';
  });
})();
