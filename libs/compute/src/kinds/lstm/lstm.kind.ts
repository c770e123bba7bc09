/**
 * `lstm`: the next-movie model. An LSTM over each user's ratings in time order predicts the
 * movie they rate next (served by /users/:id/next and /sessions/next). Off by default: about
 * 47 CPU seconds an epoch on ML-1M.
 *
 * Stored form (under the kind version `lstm-<ms>-<hex>`):
 *
 *   lstm         column table { format Int32 [2] (core lstm-v2: reads each step's rating; [1] = lstm-v1, movies only, still read),
 *                shape Int32 [movies, embedding, hidden, rating levels] ([movies, embedding, hidden] in v1), movieIds Int32, weights Float32 }
 *   lstm-state   sharded hash (user id modulo `shards`): user id -> packed final hidden state and dense history
 */
import { availableParallelism } from 'node:os';
import { ModelTable, packColumns, packLstmUserState } from '@movielens/store';
import { z } from 'zod';
import type { KindContext, KindTrained, ModelKind } from '../model-kind';

/** LSTM training threads when the build asks for 0 (auto): the machine's cores, at most this. */
const MAX_AUTO_LSTM_THREADS = 8;

/** The `lstm` kind's slice of the rebuild parameters. */
export const lstmParams = z.object({
  /** Train the next-movie LSTM. Off by default: ~47 CPU s an epoch on ML-1M. */
  lstm: z.boolean().default(false),
  /** Epochs of the LSTM (passes over every user's history). Default 8. */
  lstmEpochs: z.number().int().min(1).max(100).default(8),
  /**
   * Threads training the LSTM (Hogwild over shared weights); 0 = the worker machine's cores,
   * at most 8. 1 gives bit-identical weights for a seed; more vary slightly run to run. Default 0.
   */
  lstmThreads: z.number().int().min(0).max(64).default(0),
});

async function train(ctx: KindContext): Promise<KindTrained> {
  const p = lstmParams.parse(ctx.params);
  const shards = Number(ctx.params.shards);
  let t = performance.now();
  const ratings = await ctx.dataset.ratings();
  const timings: Record<string, number> = { load: performance.now() - t };
  t = performance.now();
  await ctx.progress('lstm', 0);
  const threads = p.lstmThreads > 0 ? p.lstmThreads : Math.min(availableParallelism(), MAX_AUTO_LSTM_THREADS);
  // Training is 0..90% of the stage, one step per epoch; the user states are the rest.
  const onEpoch = ({ epoch, epochs }: { epoch: number; epochs: number }) => void ctx.progress('lstm', Math.floor((90 * epoch) / epochs)).catch(() => undefined);
  const l = await ctx.thread.run({ kind: 'train-lstm', ratings, epochs: p.lstmEpochs, seed: Number(ctx.params.seed), threads }, onEpoch);
  const levels = l.ratingLevels ?? 0;
  const shape = levels > 0 ? Int32Array.of(l.numMovies, l.embeddingDim, l.hidden, levels) : Int32Array.of(l.numMovies, l.embeddingDim, l.hidden);
  await ctx.writer.putTable(ctx.version, ModelTable.lstm, packColumns({ format: Int32Array.of(levels > 0 ? 2 : 1), shape, movieIds: l.movieIds, weights: l.weights }));
  await ctx.progress('lstm', 90);
  // Each user's final hidden state and dense history, sharded by user id: one HGET serves
  // GET /users/:id/next (pipelined HSETs, see ModelWriter.putRows).
  const states: Buffer[] = [];
  for (let u = 0; u < l.userIds.length; u++) {
    states.push(packLstmUserState(l.states.subarray(u * l.hidden, (u + 1) * l.hidden), l.items.subarray(l.offsets[u], l.offsets[u + 1])));
  }
  await ctx.writer.putRows(ctx.version, ModelTable.lstmState, 0, l.userIds, states, shards);
  timings.lstm = performance.now() - t;
  timings.lstmStates = l.statesMs;
  await ctx.progress('lstm', 100);
  ctx.logger.info({ movies: l.numMovies, users: l.userIds.length, threads, trainMs: Math.round(l.ms), statesMs: Math.round(l.statesMs) }, 'lstm trained');
  return { info: { movies: l.numMovies, users: l.userIds.length, hidden: l.hidden, epochs: p.lstmEpochs, threads }, timings, shards };
}

/** The `lstm` kind. */
export const lstmKind: ModelKind = {
  name: 'lstm',
  summary: 'Next-movie LSTM over each user\'s ratings in time order',
  params: lstmParams,
  enabled: (params) => params.lstm === true,
  required: false,
  dependsOn: [],
  stages: ['lstm'],
  tables: [ModelTable.lstm, ModelTable.lstmState],
  train,
};
