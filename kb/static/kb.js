// Reading-room pages: small progressive enhancements only; every page works without this file.
// Loaded as a file (never inline) so that the pages satisfy a strict Content-Security-Policy.
(function () {
  "use strict";
  // "Copy citation": copy the text of the element named by data-copy.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.kb-copy") : null;
    if (!button) { return; }
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) { return; }
    var text = source.value !== undefined ? source.value : source.textContent;
    var done = function () { button.textContent = "Copied"; setTimeout(function () { button.textContent = "Copy citation"; }, 2000); };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, function () { source.select && source.select(); });
    } else if (source.select) {
      source.select();
      document.execCommand("copy");
      done();
    }
  });
})();
