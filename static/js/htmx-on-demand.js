/* htmx on demand (public pages). Every public page works without JavaScript; htmx only
   makes the search form answer while typing, and starting it costs a cheap phone ~250 ms
   of CPU. So it is fetched when the visitor first touches a form that uses it (focus,
   tap, typing, a changed filter), and never on a page without one. Until it arrives the
   form is a plain GET form; what was typed meanwhile is searched as soon as it is here.
   The script tag carries htmx's address: <script src=this data-htmx="..."> */
(function () {
  'use strict';
  var me = document.currentScript;
  var src = me && me.getAttribute('data-htmx');
  var forms = document.querySelectorAll('form[hx-get]');
  // Each search form brings this tag: one copy is enough, and none where htmx came first.
  if (!src || !forms.length || window.htmxOnDemand || window.htmx) return;
  window.htmxOnDemand = true;

  var contentLoaded = false;
  document.addEventListener('DOMContentLoaded', function () { contentLoaded = true; });
  var requested = false;

  function load() {
    if (requested) return;
    requested = true;
    var script = document.createElement('script');
    script.src = src;
    script.onload = started;
    // No signal: the plain form still works; the next touch tries again.
    script.onerror = function () { requested = false; script.remove(); };
    document.head.appendChild(script);
  }

  function started() {
    // htmx 2 starts on DOMContentLoaded, or at once if the page has finished loading.
    // Arriving in between (photos still loading), it would wait for an event that has
    // passed: announce it again so htmx reads its config and processes the page.
    if (contentLoaded && document.readyState !== 'complete') {
      document.dispatchEvent(new Event('DOMContentLoaded'));
    }
    Array.prototype.forEach.call(forms, function (form) {
      if (changed(form)) searchAgain(form);
    });
  }

  // Whether the visitor typed or chose something since the page was served.
  function changed(form) {
    return Array.prototype.some.call(form.elements, function (field) {
      if (field.type === 'select-one') {
        var initial = 0;
        Array.prototype.forEach.call(field.options, function (option, i) {
          if (option.defaultSelected) initial = i;
        });
        return field.selectedIndex !== initial;
      }
      if (field.type === 'checkbox' || field.type === 'radio') {
        return field.checked !== field.defaultChecked;
      }
      return 'defaultValue' in field && field.value !== field.defaultValue;
    });
  }

  // The search box's "search" trigger sends the whole form, and its hx-sync drops this
  // answer if typing goes on; a form without one answers "submit".
  function searchAgain(form) {
    var box = form.querySelector('input[type=search][hx-get]');
    window.htmx.trigger(box || form, box ? 'search' : 'submit');
  }

  function touched(event) {
    var target = event.target;
    if (target.closest && target.closest('form[hx-get]')) load();
  }
  ['focusin', 'pointerdown', 'input', 'change'].forEach(function (type) {
    document.addEventListener(type, touched, true);
  });
})();
