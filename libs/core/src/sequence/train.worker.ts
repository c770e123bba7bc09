/**
 * Worker-thread entry of trainLstm (node:worker_threads only, no I/O): builds a trainer
 * over the shared buffers and runs one shard per 'epoch' message. See train.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Random } from '../random';
import { PopularitySampler } from './sampler';
import { trainShard } from './train-shard';
import { LstmTrainer } from './trainer';
import type { WorkerEpoch, WorkerSetup } from './train-protocol';

const setup = workerData as WorkerSetup;
const trainer = new LstmTrainer(
  setup.shape,
  { params: new Float32Array(setup.params), adamM: new Float32Array(setup.adamM), adamV: new Float32Array(setup.adamV) },
  new PopularitySampler(new Int32Array(setup.counts), setup.alpha),
  new Random(setup.seed),
  setup.step,
);
const items = new Int32Array(setup.items);
const offsets = new Int32Array(setup.offsets);
const levels = setup.levels === null ? null : new Uint8Array(setup.levels);
const order = new Int32Array(setup.order);
const counter = new Int32Array(setup.counter);

parentPort?.on('message', (msg: WorkerEpoch) => {
  trainer.setLearningRate(msg.learningRate);
  parentPort?.postMessage(trainShard(trainer, items, offsets, order, counter, setup.maxSequence, levels));
});
