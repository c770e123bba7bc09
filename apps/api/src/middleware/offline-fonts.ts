import type { RequestHandler, Response } from 'express';

/** Removes `<link>`s to Google Fonts from an HTML page. */
export function stripExternalFonts(html: string): string {
  return html.replace(/<link[^>]*fonts\.(googleapis|gstatic)\.com[^>]*>\s*/g, '');
}

/**
 * bull-board's page links IBM Plex from Google Fonts: offline (and on any network that
 * blocks it) the request fails, and the browser waits for it before drawing the text. This
 * wraps `res.render` for the routes after it so the page is sent without that link; the
 * dashboard then uses the system sans-serif and monospace fonts its CSS falls back to.
 */
export function withoutExternalFonts(): RequestHandler {
  return (_req, res, next) => {
    const render = res.render.bind(res) as (view: string, options: object, callback: (err: Error | null, html: string) => void) => void;
    (res as Response).render = ((view: string, options?: object) =>
      render(view, options ?? {}, (err, html) => {
        if (err) next(err);
        else res.send(stripExternalFonts(html));
      })) as Response['render'];
    next();
  };
}
