/* rmkit LMS launcher: the page an LMS opens (the SCO of a SCORM package, the AU of a cmi5 one).
 *
 * Each page load of the site would end an LMS session, so this page keeps the session for the
 * whole visit and shows the site in a frame. It records which module pages the learner opened
 * (all of them: the course is completed) and which self-assessment objectives they ticked, saves
 * that progress in the LMS, and reopens the last page on the next launch. Without an LMS (the
 * package opened from disk) it opens the site, and nothing is tracked.
 *
 * Settings (JSON in #rmkit-course): standard (scorm12 | scorm2004 | cmi5), start (the first
 * page), modules (module page paths), objectives ("<module-id>.<objective-id>" in page order),
 * fingerprint (of those two lists).
 */
(function () {
  "use strict";

  var settings = JSON.parse(document.getElementById("rmkit-course").textContent);
  var frame = document.getElementById("rmkit-site");
  var started = Date.now();

  // -- progress: a bit per module page opened and per objective ticked -------------------------

  function Progress() {
    this.visited = {};  // module index → true
    this.ticked = {};   // objective index → true
    this.location = "";
    this.completed = false;
  }

  function toHex(marks, size) {
    var out = "";
    for (var i = 0; i < size; i += 4) {
      var nibble = 0;
      for (var k = 0; k < 4; k++) if (marks[i + k]) nibble |= 1 << k;
      out += nibble.toString(16);
    }
    return out;
  }

  function fromHex(text, size) {
    var marks = {};
    for (var i = 0; i < text.length && i * 4 < size; i++) {
      var nibble = parseInt(text.charAt(i), 16) || 0;
      for (var k = 0; k < 4; k++) if (nibble & (1 << k) && i * 4 + k < size) marks[i * 4 + k] = true;
    }
    return marks;
  }

  function count(marks) {
    return Object.keys(marks).length;
  }

  // "1.<fingerprint>.<modules>.<objectives>": a few characters per ten modules, so that it fits
  // SCORM 1.2's 4096 characters of suspend data whatever the size of the program.
  Progress.prototype.encode = function () {
    return ["1", settings.fingerprint, toHex(this.visited, settings.modules.length),
            toHex(this.ticked, settings.objectives.length)].join(".");
  };

  Progress.prototype.restore = function (text) {
    var parts = String(text || "").split(".");
    if (parts.length !== 4 || parts[0] !== "1" || parts[1] !== settings.fingerprint) return;
    this.visited = fromHex(parts[2], settings.modules.length);
    this.ticked = fromHex(parts[3], settings.objectives.length);
  };

  Progress.prototype.fraction = function () {
    return settings.modules.length ? count(this.visited) / settings.modules.length : 1;
  };

  // -- finding the LMS's API: the standard discovery, parent chain then opener ----------------

  function findIn(win, name) {
    var tries = 0;
    while (win && tries < 500) {
      try {
        if (win[name]) return win[name];
      } catch (e) { /* a frame of another origin: look further up */ }
      if (!win.parent || win.parent === win) break;
      win = win.parent;
      tries++;
    }
    return null;
  }

  function findApi(name) {
    var api = findIn(window, name);
    if (!api && window.opener) {
      try { api = findIn(window.opener, name); } catch (e) { api = null; }
    }
    return api;
  }

  // -- SCORM 1.2 and 2004: the same steps, their own names -------------------------------------

  var SCORM = {
    scorm12: {
      api: "API", initialize: "LMSInitialize", get: "LMSGetValue", set: "LMSSetValue",
      commit: "LMSCommit", finish: "LMSFinish", status: "cmi.core.lesson_status",
      location: "cmi.core.lesson_location", exit: "cmi.core.exit", entry: "cmi.core.entry", normalExit: "",
      objectiveStatus: ".status", time: "cmi.core.session_time", progress: null,
      completed: function (status) { return status === "completed" || status === "passed"; },
      duration: function (ms) {
        var s = Math.round(ms / 10) / 100, h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60;
        var sec = (s % 60).toFixed(2);
        return (h < 10 ? "000" : h < 100 ? "00" : h < 1000 ? "0" : "") + Math.min(h, 9999) + ":" +
               (m < 10 ? "0" : "") + m + ":" + (sec.length < 5 ? "0" : "") + sec;
      }
    },
    scorm2004: {
      api: "API_1484_11", initialize: "Initialize", get: "GetValue", set: "SetValue",
      commit: "Commit", finish: "Terminate", status: "cmi.completion_status",
      location: "cmi.location", exit: "cmi.exit", entry: "cmi.entry", normalExit: "normal",
      objectiveStatus: ".completion_status", time: "cmi.session_time", progress: "cmi.progress_measure",
      completed: function (status) { return status === "completed"; },
      duration: function (ms) { return "PT" + (Math.round(ms / 10) / 100) + "S"; }
    }
  };

  function Scorm(names, api) {
    this.names = names;
    this.api = api;
    this.objectives = {};  // objective id → its index n in cmi.objectives.n
    this.objectiveCount = 0;
    this.finished = false;
  }

  Scorm.prototype.call = function (method) {
    var args = Array.prototype.slice.call(arguments, 1);
    return String(this.api[this.names[method]].apply(this.api, args));
  };

  Scorm.prototype.set = function (element, value) {
    this.call("set", element, String(value));
  };

  Scorm.prototype.begin = function () {
    if (this.call("initialize", "") !== "true") return null;
    var n = this.names;
    var status = this.call("get", n.status);
    var saved = {suspend: "", location: "", completed: n.completed(status)};
    // A first attempt has no saved data: SCORM 2004 answers an error when asked for it.
    if (this.call("get", n.entry) !== "ab-initio") {
      saved.suspend = this.call("get", "cmi.suspend_data");
      saved.location = this.call("get", n.location);
    }
    this.objectiveCount = parseInt(this.call("get", "cmi.objectives._count"), 10) || 0;
    for (var i = 0; i < this.objectiveCount; i++) this.objectives[this.call("get", "cmi.objectives." + i + ".id")] = i;
    if (!saved.completed) this.set(n.status, "incomplete");
    this.set(n.exit, saved.completed ? n.normalExit : "suspend");
    this.call("commit", "");
    return saved;
  };

  Scorm.prototype.save = function (progress) {
    this.set(this.names.location, progress.location);
    this.set("cmi.suspend_data", progress.encode());
    if (this.names.progress) this.set(this.names.progress, progress.fraction().toFixed(4).replace(/\.?0+$/, "") || "0");
  };

  Scorm.prototype.complete = function () {
    this.set(this.names.status, "completed");
    this.set(this.names.exit, this.names.normalExit);
  };

  Scorm.prototype.objective = function (id, ticked) {
    var n = this.objectives[id];
    if (n === undefined) {
      n = this.objectives[id] = this.objectiveCount++;
      this.set("cmi.objectives." + n + ".id", id);
    }
    this.set("cmi.objectives." + n + this.names.objectiveStatus, ticked ? "completed" : "incomplete");
  };

  Scorm.prototype.commit = function () {
    this.call("commit", "");
  };

  Scorm.prototype.finish = function () {
    if (this.finished) return;
    this.finished = true;
    this.set(this.names.time, this.names.duration(Date.now() - started));
    this.call("commit", "");
    this.call("finish", "");
  };

  // -- cmi5: the launch sequence, then xAPI statements to the LRS ------------------------------

  var CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5";
  var MOVE_ON = "https://w3id.org/xapi/cmi5/context/categories/moveon";
  var SESSION = "https://w3id.org/xapi/cmi5/context/extensions/sessionid";
  var VERBS = {
    initialized: "http://adlnet.gov/expapi/verbs/initialized",
    completed: "http://adlnet.gov/expapi/verbs/completed",
    terminated: "http://adlnet.gov/expapi/verbs/terminated"
  };
  var PROGRESS_STATE = "https://rmkit.dev/xapi/state/progress";

  function uuid() {
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function Cmi5(params) {
    this.endpoint = params.get("endpoint").replace(/\/?$/, "/");
    this.fetchUrl = params.get("fetch");
    this.actor = JSON.parse(params.get("actor"));
    this.registration = params.get("registration");
    this.activityId = params.get("activityId");
    this.queue = Promise.resolve();
    this.terminated = false;
  }

  Cmi5.prototype.headers = function () {
    return {"Authorization": "Basic " + this.token, "X-Experience-API-Version": "1.0.3",
            "Content-Type": "application/json"};
  };

  Cmi5.prototype.stateUrl = function (stateId) {
    var query = new URLSearchParams({stateId: stateId, activityId: this.activityId,
                                     agent: JSON.stringify(this.actor), registration: this.registration});
    return this.endpoint + "activities/state?" + query.toString();
  };

  Cmi5.prototype.begin = function () {
    var self = this;
    return fetch(this.fetchUrl, {method: "POST"}).then(function (response) {
      return response.json();
    }).then(function (answer) {
      if (!answer["auth-token"]) throw new Error("no token: " + JSON.stringify(answer));
      self.token = answer["auth-token"];
      return fetch(self.stateUrl("LMS.LaunchData"), {headers: self.headers()});
    }).then(function (response) {
      if (!response.ok) throw new Error("no LMS.LaunchData: " + response.status);
      return response.json();
    }).then(function (launchData) {
      self.launchData = launchData;
      self.sessionId = (launchData.contextTemplate.extensions || {})[SESSION];
      return fetch(self.stateUrl(PROGRESS_STATE), {headers: self.headers()});
    }).then(function (response) {
      return response.ok ? response.json() : {};
    }).then(function (saved) {
      self.send("initialized");
      return {suspend: saved.progress || "", location: saved.location || "", completed: !!saved.completed};
    });
  };

  Cmi5.prototype.statement = function (verb) {
    var context = JSON.parse(JSON.stringify(this.launchData.contextTemplate || {}));
    context.registration = this.registration;
    var activities = context.contextActivities = context.contextActivities || {};
    activities.category = (activities.category || []).concat(
      [{id: CMI5, objectType: "Activity"}], verb === "completed" ? [{id: MOVE_ON, objectType: "Activity"}] : []);
    var statement = {
      id: uuid(), timestamp: new Date().toISOString(), actor: this.actor,
      verb: {id: VERBS[verb], display: {"en-US": verb}},
      object: {id: this.activityId, objectType: "Activity"}, context: context
    };
    var duration = "PT" + (Math.round((Date.now() - started) / 10) / 100) + "S";
    if (verb === "completed") statement.result = {completion: true, duration: duration};
    if (verb === "terminated") statement.result = {duration: duration};
    return statement;
  };

  Cmi5.prototype.post = function (url, body, method, keepalive) {
    return fetch(url, {method: method || "POST", headers: this.headers(), body: JSON.stringify(body),
                       keepalive: !!keepalive});
  };

  // Statements go one after the other, in the order they happen.
  Cmi5.prototype.send = function (verb) {
    var self = this, statement = this.statement(verb);
    this.queue = this.queue.then(function () {
      return self.post(self.endpoint + "statements", statement);
    }).catch(function () {});
    return this.queue;
  };

  Cmi5.prototype.save = function (progress) {
    var self = this, state = {progress: progress.encode(), location: progress.location, completed: progress.completed};
    this.queue = this.queue.then(function () {
      return self.post(self.stateUrl(PROGRESS_STATE), state, "PUT");
    }).catch(function () {});
  };

  Cmi5.prototype.complete = function () {
    // Only a Normal launch may complete the AU; Browse and Review show it.
    if ((this.launchData.launchMode || "Normal") === "Normal") this.send("completed");
  };

  Cmi5.prototype.objective = function () {};  // saved with the progress; the LMS moves on by completion
  Cmi5.prototype.commit = function () {};

  // When the learner closes the window, the page may be gone before the queue empties: the
  // statement goes with keepalive, on its own.
  Cmi5.prototype.finish = function (leaving) {
    if (this.terminated) return this.queue;
    this.terminated = true;
    var self = this, statement = this.statement("terminated");
    if (leaving) {
      this.post(this.endpoint + "statements", statement, "POST", true);
      return this.queue;
    }
    this.queue = this.queue.then(function () {
      return self.post(self.endpoint + "statements", statement);
    }).catch(function () {});
    return this.queue;
  };

  // -- the visit ----------------------------------------------------------------------------------

  function Tracker(lms, saved) {
    this.lms = lms;
    this.progress = new Progress();
    this.progress.restore(saved.suspend);
    this.progress.completed = saved.completed;
  }

  Tracker.prototype.page = function (path) {
    var progress = this.progress, index = settings.modules.indexOf(path);
    progress.location = path;
    if (index >= 0) progress.visited[index] = true;
    var done = !progress.completed && count(progress.visited) === settings.modules.length;
    if (done) progress.completed = true;
    this.lms.save(progress);
    if (done) this.lms.complete();
    this.lms.commit();
  };

  Tracker.prototype.tick = function (id, ticked) {
    var index = settings.objectives.indexOf(id);
    if (index < 0) return;
    if (ticked) this.progress.ticked[index] = true; else delete this.progress.ticked[index];
    this.lms.objective(id, ticked);
    this.lms.save(this.progress);
    this.lms.commit();
  };

  var base = new URL(".", window.location.href).href;

  // The page's path inside the package, or null for a page elsewhere.
  function pagePath(href) {
    var url = new URL(href);
    var page = url.origin + url.pathname;
    if (page.indexOf(base) !== 0) return null;
    return decodeURIComponent(page.slice(base.length)) || settings.start;
  }

  // A saved page, if it still is a page of this package.
  function resumable(path) {
    return typeof path === "string" && /^[A-Za-z0-9._~\/-]+\.html$/.test(path) && !/(^|\/)\.\.(\/|$)/.test(path)
      ? path : null;
  }

  function follow(tracker) {
    var last = {doc: null, href: null};
    frame.addEventListener("load", function () {
      var site;
      try {
        site = frame.contentWindow;
        shown(site);
      } catch (e) {
        return;  // a page of another origin: nothing to record
      }
      // A site with Material's instant navigation changes pages without loading the frame:
      // document$ tells each page shown (the one already there first).
      if (site.document$ && typeof site.document$.subscribe === "function") {
        site.document$.subscribe(function () { shown(site); });
      }
    });

    function shown(site) {
      var doc = site.document, href = site.location.href;
      if (last.doc === doc && last.href === href) return;  // the same page, told twice
      last = {doc: doc, href: href};
      var path = pagePath(href);
      if (!doc || !path) return;
      tracker.page(path);
      var boxes = doc.querySelectorAll("li[data-objective] > .task-list-control > input[type=checkbox]");
      Array.prototype.forEach.call(boxes, function (box) {
        var id = box.closest("li[data-objective]").getAttribute("data-objective");
        var index = settings.objectives.indexOf(id);
        if (index < 0) return;
        box.disabled = false;
        box.checked = !!tracker.progress.ticked[index];
        box.addEventListener("change", function () { tracker.tick(id, box.checked); });
      });
    }
  }

  function open(path) {
    frame.src = resumable(path) || settings.start;
  }

  function withoutLms() {
    window.location.replace(settings.start);
  }

  function scorm() {
    var names = SCORM[settings.standard];
    var api = findApi(names.api);
    if (!api) return withoutLms();
    var lms = new Scorm(names, api), saved;
    try { saved = lms.begin(); } catch (e) { saved = null; }
    if (!saved) return withoutLms();
    var tracker = new Tracker(lms, saved);
    follow(tracker);
    var leave = function () { try { lms.finish(); } catch (e) { /* the LMS is gone */ } };
    window.addEventListener("pagehide", leave);
    window.addEventListener("beforeunload", leave);
    open(saved.location);
  }

  function cmi5() {
    var params = new URLSearchParams(window.location.search);
    var needed = ["endpoint", "fetch", "actor", "registration", "activityId"];
    if (!needed.every(function (name) { return params.get(name); })) return withoutLms();
    var lms;
    try { lms = new Cmi5(params); } catch (e) { return withoutLms(); }
    lms.begin().then(function (saved) {
      var tracker = new Tracker(lms, saved);
      follow(tracker);
      window.addEventListener("pagehide", function () { lms.finish(true); });
      var bar = document.getElementById("rmkit-bar");
      bar.hidden = false;
      document.getElementById("rmkit-exit").addEventListener("click", function () {
        lms.finish(false).then(function () {
          var back = lms.launchData.returnURL;
          if (back) window.location.assign(back);
        });
      });
      open(saved.location);
    }, function () {
      open(settings.start);  // the LMS did not answer: the course still shows, untracked
    });
  }

  if (settings.standard === "cmi5") cmi5(); else scorm();
})();
