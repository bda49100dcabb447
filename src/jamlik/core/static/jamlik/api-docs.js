/* Starts Swagger UI on /api/v1/docs (core/api_docs.html). A static file rather than an
   inline script, so the Content-Security-Policy can stay at script-src 'self'. Bearer
   tokens are entered with the "Authorize" button; the API needs no CSRF token. */
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    deepLinking: true,
    validatorUrl: null, // no badge fetched from validator.swagger.io
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
  });
})();
