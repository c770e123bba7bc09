import { describe, expect, it } from 'vitest';
import type { Route } from './route';
import { noRecsFilters } from './recs-filters';
import { chartIds, formatHash, parseHash, sectionOf } from './route';

describe('parseHash', () => {
  it('reads an empty hash and #/ as the search page', () => {
    expect(parseHash('')).toEqual({ name: 'search', query: '', genre: '' });
    expect(parseHash('#/')).toEqual({ name: 'search', query: '', genre: '' });
  });

  it('reads the search query and genre, decoded', () => {
    expect(parseHash('#/search?q=am%C3%A9lie+2')).toEqual({ name: 'search', query: 'amélie 2', genre: '' });
    expect(parseHash("#/search?genre=Children's")).toEqual({ name: 'search', query: '', genre: "Children's" });
  });

  it('reads movie and user ids', () => {
    expect(parseHash('#/movie/42')).toEqual({ name: 'movie', id: 42 });
    expect(parseHash('#/user/7')).toEqual({ name: 'user', id: 7, recs: noRecsFilters });
    expect(parseHash('#/user')).toEqual({ name: 'user', id: null, recs: noRecsFilters });
  });

  it("reads a user's recommendation filters, dropping malformed ones", () => {
    expect(parseHash('#/user/7?algorithm=ease&genre=Film-Noir&offset=20')).toEqual({ name: 'user', id: 7, recs: { algorithm: 'ease', genre: 'Film-Noir', offset: 20 } });
    expect(parseHash('#/user/7?algorithm=EASE!&offset=-20')).toEqual({ name: 'user', id: 7, recs: noRecsFilters });
  });

  it('rejects ids that are not positive integers', () => {
    expect(parseHash('#/movie/0').name).toBe('not-found');
    expect(parseHash('#/movie/-3').name).toBe('not-found');
    expect(parseHash('#/movie/1.5').name).toBe('not-found');
    expect(parseHash('#/movie/abc').name).toBe('not-found');
    expect(parseHash('#/movie/99999999999').name).toBe('not-found');
  });

  it('opens the first chart for #/analytics and refuses unknown charts', () => {
    expect(parseHash('#/analytics')).toEqual({ name: 'analytics', chart: 'top-rated' });
    expect(parseHash('#/analytics/by-genre')).toEqual({ name: 'analytics', chart: 'by-genre' });
    expect(parseHash('#/analytics/nope')).toEqual({ name: 'not-found', path: '/analytics/nope' });
  });

  it('reports unknown paths as not found instead of redirecting', () => {
    expect(parseHash('#/somewhere/else')).toEqual({ name: 'not-found', path: '/somewhere/else' });
  });
});

describe('formatHash', () => {
  const routes: Route[] = [
    { name: 'search', query: '', genre: '' },
    { name: 'search', query: 'star wars & co', genre: '' },
    { name: 'search', query: 'love', genre: 'Film-Noir' },
    { name: 'search', query: '', genre: "Children's" },
    { name: 'movie', id: 1 },
    { name: 'user', id: null, recs: noRecsFilters },
    { name: 'user', id: 943, recs: noRecsFilters },
    { name: 'user', id: 943, recs: { algorithm: 'rp3beta', genre: "Children's", offset: 40 } },
    { name: 'user', id: null, recs: { algorithm: '', genre: 'Sci-Fi', offset: 0 } },
    { name: 'rate' },
    { name: 'admin' },
    ...chartIds.map((chart): Route => ({ name: 'analytics', chart })),
  ];

  it('round-trips every valid route through parseHash', () => {
    for (const route of routes) expect(parseHash(formatHash(route))).toEqual(route);
  });

  it('maps each route to its navigation section', () => {
    expect(sectionOf({ name: 'movie', id: 3 })).toBe('#/');
    expect(sectionOf({ name: 'analytics', chart: 'divisive' })).toBe('#/analytics');
    expect(sectionOf({ name: 'not-found', path: '/x' })).toBeNull();
  });
});
