// After a refused submit, the summary of the errors at the top of the page takes the focus.
(function () {
  "use strict";
  var summary = document.getElementById("erreurs");
  if (summary) { summary.focus(); }
}());
