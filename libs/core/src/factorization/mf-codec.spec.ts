import { describe, expect, it } from 'vitest';
import { InputError } from '../errors';
import type { MfModel } from './mf';
import { decodeMf, encodeMf } from './mf-codec';

/** A hand-made model: 2 users, 1 movie, 2 factors (a long `mu`, so that test headers fit in its header's bytes). */
const model: MfModel = {
  factors: 2,
  mu: 3.123456789,
  minRating: 1,
  maxRating: 5,
  userIds: Int32Array.of(7, 9),
  movieIds: Int32Array.of(42),
  userBias: Float32Array.of(0.25, -0.5),
  movieBias: Float32Array.of(0.125),
  P: Float32Array.of(1, 2, 3, 4),
  Q: Float32Array.of(0.5, -1),
};

/** The buffer of `model` with its JSON header replaced by `header` (same length, space-padded as the encoder pads). */
function withHeader(header: string): Uint8Array {
  const bytes = encodeMf(model);
  const length = new DataView(bytes.buffer).getUint32(4, true);
  expect(header.length).toBeLessThanOrEqual(length);
  const padded = header.padEnd(length, ' ');
  for (let k = 0; k < length; k++) bytes[8 + k] = padded.charCodeAt(k);
  return bytes;
}

describe('MF model codec header', () => {
  it('round-trips a hand-made model', () => {
    expect(decodeMf(encodeMf(model))).toEqual(model);
  });

  it('refuses a header whose numbers are of another type, naming the field', () => {
    // No longer than the encoder's header (padded to it), so only the header check can refuse it.
    const header = '{"factors":2,"mu":"3.5","minRating":1,"maxRating":5,"users":2,"movies":1}';
    expect(() => decodeMf(withHeader(header))).toThrow(InputError);
    expect(() => decodeMf(withHeader(header))).toThrow(/header field mu is "3.5", not a number/);
  });

  it('refuses a fractional or negative count and a header that is not an object', () => {
    expect(() => decodeMf(withHeader('{"factors":2.5,"mu":3.5,"minRating":1,"maxRating":5,"users":2,"movies":1}'))).toThrow(/factors is 2.5, not a count/);
    expect(() => decodeMf(withHeader('{"factors":2,"mu":3.5,"minRating":1,"maxRating":5,"users":-2,"movies":1}'))).toThrow(/users is -2/);
    expect(() => decodeMf(withHeader('[2,3.5,1,5,2,1]'))).toThrow(/not a JSON object/);
    expect(() => decodeMf(withHeader('{"factors":2,"mu":3.5,"minRating":1,"users":2,"movies":1}'))).toThrow(/maxRating is absent/);
  });
});
