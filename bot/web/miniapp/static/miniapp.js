// The clinic's Mini App calendar: free days of a month, a day's free times, choose one.
//
// Telegram opens this page with its launch parameters in the URL fragment (tgWebAppData: the
// signed initData; tgWebAppThemeParams: the client's colours). telegram-web-app.js is not
// loaded (no CDN; see bot/web/miniapp/__init__.py): a window.Telegram.WebApp already present
// is used first, else the fragment is read here. Every call to the server carries initData,
// which the server verifies; nothing here is trusted by it. No innerHTML: text only.
(function () {
  "use strict";

  var app = document.getElementById("app");
  var api = app.getAttribute("data-api");
  var hashParams = new URLSearchParams(window.location.hash.replace(/^#/, ""));
  var webApp = window.Telegram && window.Telegram.WebApp ? window.Telegram.WebApp : null;
  var initData = (webApp && webApp.initData) || hashParams.get("tgWebAppData") || "";
  var busy = false;

  var THEME = {
    bg_color: "--tg-bg",
    text_color: "--tg-text",
    hint_color: "--tg-hint",
    link_color: "--tg-link",
    button_color: "--tg-button",
    button_text_color: "--tg-button-text",
    secondary_bg_color: "--tg-secondary-bg",
    accent_text_color: "--tg-accent",
    destructive_text_color: "--tg-destructive",
    section_bg_color: "--tg-section-bg"
  };
  var COLOUR = /^#[0-9a-fA-F]{3,8}$/;

  function $(id) {
    return document.getElementById(id);
  }

  function themeParams() {
    if (webApp && webApp.themeParams) {
      return webApp.themeParams;
    }
    try {
      return JSON.parse(hashParams.get("tgWebAppThemeParams") || "{}") || {};
    } catch (e) {
      return {};
    }
  }

  // Telegram's colours as CSS variables (CSSOM, which the CSP allows; no inline style).
  function applyTheme(params) {
    var root = document.documentElement.style;
    Object.keys(THEME).forEach(function (key) {
      var value = params[key];
      if (typeof value === "string" && COLOUR.test(value)) {
        root.setProperty(THEME[key], value);
      }
    });
  }

  // Telegram's documented bridge (web_app_ready, web_app_close) without its SDK.
  function postEvent(type) {
    if (webApp) {
      if (type === "web_app_ready" && webApp.ready) { webApp.ready(); }
      if (type === "web_app_close" && webApp.close) { webApp.close(); }
      return;
    }
    var message = JSON.stringify({ eventType: type, eventData: {} });
    if (window.TelegramWebviewProxy && window.TelegramWebviewProxy.postEvent) {
      window.TelegramWebviewProxy.postEvent(type, "{}");
    } else if (window.parent && window.parent !== window) {
      window.parent.postMessage(message, "https://web.telegram.org");
    }
  }

  function show(id, visible) {
    $(id).hidden = !visible;
  }

  function say(text, kind) {
    var status = $("status");
    status.textContent = text || "";
    status.className = "status" + (kind ? " " + kind : "");
    status.hidden = !text;
    if (text && status.scrollIntoView) {
      status.scrollIntoView({ block: "nearest" });  // above the calendar: bring it into view
    }
  }

  function post(path, body) {
    body.init_data = initData;
    return fetch(api + path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (data) {
        return { status: response.status, data: data };
      });
    });
  }

  function failed(answer) {
    var data = answer.data || {};
    say(data.message || app.getAttribute("data-error"), "error");
    if (answer.status === 401 || answer.status === 403 || data.error === "not_now") {
      show("month", false);
      show("times", false);
      $("intro").textContent = "";
    }
  }

  function onError() {
    busy = false;
    say(app.getAttribute("data-error"), "error");
  }

  function button(text, className, onClick) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = className;
    element.textContent = text;
    element.addEventListener("click", onClick);
    return element;
  }

  function loadMonth(month) {
    var body = month ? { month: month } : {};
    return post("/month", body).then(function (answer) {
      if (answer.status !== 200) {
        failed(answer);
        return;
      }
      drawMonth(answer.data, !month);
    }, onError);
  }

  function drawMonth(view, openSelected) {
    $("intro").textContent = view.intro;
    $("month-title").textContent = view.title;
    navButton($("previous"), view.previous, view.previous_label);
    navButton($("following"), view.following, view.following_label);
    var head = $("weekdays");
    head.textContent = "";
    view.weekdays.forEach(function (name) {
      var cell = document.createElement("th");
      cell.scope = "col";
      cell.textContent = name;
      head.appendChild(cell);
    });
    var body = $("weeks");
    body.textContent = "";
    view.weeks.forEach(function (week) {
      var row = document.createElement("tr");
      week.forEach(function (day) {
        var cell = document.createElement("td");
        if (day && day.free) {
          var pick = button(String(day.number), "day free", function () {
            markSelected(pick);
            loadDay(day.day, true);
          });
          pick.setAttribute("data-day", day.day);
          pick.setAttribute("aria-label", day.day + ", " + view.free_label);
          if (day.day === view.selected) {
            pick.classList.add("selected");
          }
          cell.appendChild(pick);
        } else if (day) {
          var span = document.createElement("span");
          span.className = "day";
          span.textContent = String(day.number);
          cell.appendChild(span);
        }
        row.appendChild(cell);
      });
      body.appendChild(row);
    });
    $("empty").textContent = view.empty;
    show("empty", Boolean(view.empty));
    show("month", true);
    if (openSelected && view.selected) {
      loadDay(view.selected);
    }
  }

  function navButton(element, month, label) {
    element.textContent = label;
    element.disabled = !month;
    element.onclick = month ? function () {
      show("times", false);
      say("");
      loadMonth(month);
    } : null;
  }

  function markSelected(chosen) {
    var days = document.querySelectorAll("button.day.selected");
    Array.prototype.forEach.call(days, function (element) {
      element.classList.remove("selected");
    });
    chosen.classList.add("selected");
  }

  function loadDay(day, picked) {
    say("");
    return post("/day", { day: day }).then(function (answer) {
      if (answer.status !== 200) {
        failed(answer);
        return;
      }
      drawDay(answer.data);
      if (picked && $("times").scrollIntoView) {
        $("times").scrollIntoView({ block: "nearest" });  // on a phone the times are below
      }
    }, onError);
  }

  function drawDay(view) {
    $("times-heading").textContent = view.heading;
    var list = $("time-list");
    list.textContent = "";
    view.times.forEach(function (option) {
      var pick = button(option.label, "time", function () {
        choose(option.start);
      });
      pick.setAttribute("data-start", option.start);
      list.appendChild(pick);
    });
    show("times", true);
  }

  function choose(start) {
    if (busy) {
      return;
    }
    busy = true;
    Array.prototype.forEach.call(document.querySelectorAll("button"), function (element) {
      element.disabled = true;
    });
    post("/choose", { start: start }).then(function (answer) {
      busy = false;
      var data = answer.data || {};
      if (answer.status === 200 && data.outcome === "chosen") {
        show("month", false);
        show("times", false);
        $("intro").textContent = "";
        say(data.message, "done");
        show("done", true);
        $("back-to-chat").disabled = false;
        return;
      }
      Array.prototype.forEach.call(document.querySelectorAll("button"), function (element) {
        element.disabled = element.classList.contains("nav") && !element.onclick;
      });
      if (data.outcome === "taken") {
        if (data.day) {
          drawDay(data.day);
        }
        say(data.message, "error");
        return;
      }
      failed(answer);
    }, onError);
  }

  applyTheme(themeParams());
  $("back-to-chat").addEventListener("click", function () {
    postEvent("web_app_close");
  });
  if (!initData) {
    $("intro").textContent = app.getAttribute("data-open-in-telegram");
    return;
  }
  postEvent("web_app_ready");
  loadMonth(null);
})();
