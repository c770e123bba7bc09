/**
 * `/docs`: the interactive API reference (Swagger UI) over `/openapi.json`, served from the
 * installed `swagger-ui-dist` package: no CDN, so it works offline; "Try it out" sends real
 * requests to this server, and "Authorize" takes the API key for the write endpoints. Swagger
 * UI's online spec validator is switched off (it would send the document to a third party).
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import express, { Router } from 'express';

/** Folder of the installed Swagger UI files (`swagger-ui.css`, `swagger-ui-bundle.js`, ...). */
const swaggerDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>API reference · MovieLens Explorer</title>
<link rel="icon" href="/favicon.ico">
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`;

/** Starts Swagger UI on the document (a file, not inline: the Content-Security-Policy allows only scripts from this origin). */
const init = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  defaultModelsExpandDepth: 0,
  tryItOutEnabled: true,
});
`;

/** The reference page, its start-up script and Swagger UI's own files. */
export function docsRouter(): Router {
  const router = Router();
  router.get('/docs', (_req, res) => {
    res.type('html').setHeader('Cache-Control', 'no-cache').send(page);
  });
  router.get('/docs/init.js', (_req, res) => {
    res.type('text/javascript').setHeader('Cache-Control', 'no-cache').send(init);
  });
  // Only the files the page loads: not the package's own index.html (which points to the Petstore demo).
  const files = new Set(['swagger-ui.css', 'swagger-ui-bundle.js']);
  router.use('/docs', (req, res, next) => (files.has(req.path.slice(1)) ? next() : next('router')), express.static(swaggerDir, { index: false, maxAge: '1d' }));
  return router;
}
