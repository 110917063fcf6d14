// The sheet's Print button (the page allows no inline script).
"use strict";
document.getElementById("print-button")?.addEventListener("click", () => window.print());
