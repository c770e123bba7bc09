import { describe, expect, it } from 'vitest';
import { ApiError, describeError, parseAnswer, withQuery } from './api-client';

function errorOf(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected an ApiError');
}

describe('parseAnswer', () => {
  it('returns the JSON body of a 2xx answer', () => {
    expect(parseAnswer(200, '{"movies":[]}')).toEqual({ movies: [] });
    expect(parseAnswer(204, '')).toBeNull();
  });

  it('keeps the API error code and message', () => {
    const error = errorOf(() => parseAnswer(503, '{"error":{"code":"NOT_READY","message":"No model yet."}}'));
    expect(error).toMatchObject({ status: 503, code: 'NOT_READY', message: 'No model yet.' });
  });

  it('derives a code from the status when the body is not the API error shape', () => {
    expect(errorOf(() => parseAnswer(404, '<html>not found</html>')).code).toBe('NOT_FOUND');
    expect(errorOf(() => parseAnswer(502, '')).code).toBe('SERVER_ERROR');
    expect(errorOf(() => parseAnswer(418, '{}')).code).toBe('HTTP_ERROR');
  });

  it('refuses a 2xx answer that is not JSON (e.g. the page served for an unknown API path)', () => {
    expect(errorOf(() => parseAnswer(200, '<!doctype html>')).code).toBe('BAD_RESPONSE');
  });
});

describe('describeError', () => {
  it('explains what to do for the errors a visitor can meet', () => {
    expect(describeError(new ApiError(503, 'NOT_READY', 'x'))).toMatch(/Admin page/);
    expect(describeError(new ApiError(0, 'NETWORK', 'x'))).toMatch(/could not be reached/);
    expect(describeError(new ApiError(401, 'UNAUTHORIZED', 'x'))).toMatch(/API key/);
  });

  it('keeps the server message of other errors', () => {
    expect(describeError(new ApiError(404, 'NOT_FOUND', 'Movie 9 does not exist.'))).toBe('Movie 9 does not exist.');
    expect(describeError(new Error('boom'))).toBe('boom');
  });
});

describe('withQuery', () => {
  it('leaves out empty and undefined parameters and encodes the rest', () => {
    expect(withQuery('/movies', { query: 'amélie & co', genre: '', page: undefined, limit: 20 })).toBe('/movies?query=am%C3%A9lie+%26+co&limit=20');
    expect(withQuery('/models')).toBe('/models');
  });
});
