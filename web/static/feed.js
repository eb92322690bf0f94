// What the live page and the wallboard share: the feed's state line, elapsed times,
// and showing a supervisor's broadcast (SSE `broadcast`) at the top of a list.
"use strict";
window.callboxFeed = (function () {
  // Show the feed-state element's text for key (its data-* attributes hold the words).
  function say(feedState, key) {
    feedState.textContent = feedState.dataset[key] || "";
  }

  // Return seconds as m:ss, or h:mm:ss from an hour on.
  function elapsed(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    const mm = String(m).padStart(h ? 2 : 1, "0"), ss = String(r).padStart(2, "0");
    return h ? h + ":" + mm + ":" + ss : mm + ":" + ss;
  }

  // Put a broadcast first in list (from the template's item), keeping the last five.
  function showBroadcast(list, template, message, clockChars) {
    const item = template.content.firstElementChild.cloneNode(true);
    item.querySelector("time").textContent =
      new Date(message.at * 1000).toTimeString().slice(0, clockChars);
    item.querySelector(".from").textContent = message.from;
    item.querySelector(".text").textContent = message.text;
    list.insertBefore(item, list.firstChild);
    while (list.children.length > 5) list.removeChild(list.lastChild);
  }

  return { say: say, elapsed: elapsed, showBroadcast: showBroadcast };
})();
