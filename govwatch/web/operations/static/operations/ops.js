// The operation page polls its progress every 2 s and reloads once the operation ends,
// so that the result (report, files, links) the server renders appears. No framework:
// government intranets are offline, and this is all it needs.
(function () {
  "use strict";
  var box = document.getElementById("op-progress");
  if (!box || box.getAttribute("data-active") !== "1") {
    return;
  }
  var url = box.getAttribute("data-status-url");
  var state = document.getElementById("op-state");
  var count = document.getElementById("op-count");
  var bar = document.getElementById("op-bar");
  var message = document.getElementById("op-message");

  function show(data) {
    state.textContent = data.state_zh;
    state.className = "badge op-state op-" + data.state;
    count.textContent = data.total ? data.done + "/" + data.total : "";
    bar.value = data.percent;
    bar.textContent = data.percent + "%";
    message.textContent = data.message;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (data) {
        show(data);
        if (data.active) {
          window.setTimeout(poll, 2000);
        } else {
          window.location.reload();
        }
      })
      .catch(function () {
        // A dropped connection or a restarting server: try again a little later.
        window.setTimeout(poll, 5000);
      });
  }

  window.setTimeout(poll, 2000);
})();
