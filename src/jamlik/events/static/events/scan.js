// Check-in with the phone's camera: reads the QR code of a confirmation or a name badge and
// submits it through the same form a handheld scanner types into. Without a camera or
// JavaScript the page works as before (scanner, typed code, or search by name).
//
// The browser's own BarcodeDetector is used where it reads QR codes (Android, macOS);
// elsewhere (iPhone, desktop Linux) the vendored jsQR decoder (Apache-2.0, loaded only when
// the camera is started). After a check-in the page reloads with the result; the camera
// starts again by itself until the organiser stops it, so a queue can be scanned in a row.
(function () {
  "use strict";

  var box = document.querySelector("[data-camera-scan]");
  if (!box || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    return;
  }
  var form = box.closest("form");
  var input = form.querySelector("[name=code]");
  var startButton = box.querySelector("[data-camera-start]");
  var stopButton = box.querySelector("[data-camera-stop]");
  var video = box.querySelector("video");
  var status = box.querySelector("[data-camera-status]");
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  var STAY_ON = "jamlik-checkin-camera";
  // The code last sent: still in front of the camera after the page came back, it is not
  // sent again; once the camera has seen something else it may be.
  var LAST = "jamlik-checkin-last-code";
  var stream = null;
  var timer = null;
  var detector = null;
  var decoder = null;

  box.hidden = false;

  function say(key) {
    status.textContent = box.dataset[key] || "";
  }

  function loadDecoder() {
    if (window.jsQR) {
      return Promise.resolve();
    }
    if (!decoder) {
      decoder = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = box.dataset.decoder;
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return decoder;
  }

  function chooseReader() {
    if (!("BarcodeDetector" in window)) {
      return loadDecoder();
    }
    return window.BarcodeDetector.getSupportedFormats().then(function (formats) {
      if (formats.indexOf("qr_code") >= 0) {
        detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        return null;
      }
      return loadDecoder();
    });
  }

  function read() {
    if (detector) {
      return detector.detect(video).then(function (codes) {
        return codes.length ? codes[0].rawValue : null;
      });
    }
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    context.drawImage(video, 0, 0, canvas.width, canvas.height);
    var image = context.getImageData(0, 0, canvas.width, canvas.height);
    var found = window.jsQR(image.data, image.width, image.height, {
      inversionAttempts: "attemptBoth",
    });
    return Promise.resolve(found ? found.data : null);
  }

  function tick() {
    if (!stream) {
      return;
    }
    if (video.readyState < 2 || !video.videoWidth) {
      timer = window.setTimeout(tick, 150);
      return;
    }
    read()
      .then(function (text) {
        if (!text) {
          window.sessionStorage.removeItem(LAST);
        } else if (text !== window.sessionStorage.getItem(LAST) && stream) {
          found(text);
          return;
        }
        timer = window.setTimeout(tick, 150);
      })
      .catch(function () {
        timer = window.setTimeout(tick, 300);
      });
  }

  function found(text) {
    close();
    window.sessionStorage.setItem(LAST, text);
    input.value = text;
    say("found");
    if (form.requestSubmit) {
      form.requestSubmit();
    } else {
      form.submit();
    }
  }

  function open() {
    say("starting");
    chooseReader()
      .then(function () {
        return navigator.mediaDevices.getUserMedia({
          video: { facingMode: { ideal: "environment" } },
          audio: false,
        });
      })
      .then(function (media) {
        stream = media;
        video.srcObject = media;
        video.hidden = false;
        startButton.hidden = true;
        stopButton.hidden = false;
        window.sessionStorage.setItem(STAY_ON, "1");
        return video.play();
      })
      .then(function () {
        say("running");
        tick();
      })
      .catch(function () {
        close();
        window.sessionStorage.removeItem(STAY_ON);
        say("failed");
      });
  }

  function close() {
    window.clearTimeout(timer);
    if (stream) {
      stream.getTracks().forEach(function (track) {
        track.stop();
      });
    }
    stream = null;
    video.srcObject = null;
    video.hidden = true;
    stopButton.hidden = true;
    startButton.hidden = false;
  }

  startButton.addEventListener("click", open);
  stopButton.addEventListener("click", function () {
    window.sessionStorage.removeItem(STAY_ON);
    close();
    say("stopped");
    startButton.focus();
  });
  document.addEventListener("visibilitychange", function () {
    // A camera left on in a background tab drains the battery; it starts again on return.
    if (document.hidden && stream) {
      close();
    } else if (!document.hidden && !stream && window.sessionStorage.getItem(STAY_ON)) {
      open();
    }
  });
  if (window.sessionStorage.getItem(STAY_ON)) {
    open();
  }
})();
