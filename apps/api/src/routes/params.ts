import { z } from 'zod';

/** `:id` of a movie or user: a positive 32-bit integer. */
export const idParams = z.object({ id: z.coerce.number().int().positive().max(2 ** 31 - 1) });

/** `?k=`: list length, 1..100, default 10. */
export const kQuery = z.object({ k: z.coerce.number().int().min(1).max(100).default(10) });
