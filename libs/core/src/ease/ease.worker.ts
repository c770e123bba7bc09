// Entry of a helper thread of EASE solves outside a compute worker (bench/ease.bench.ts): every
// message is one solve's share (gemm-batch.ts); the thread takes products of its batches until
// that solve finishes, then waits for the next. Compute workers use their compute threads instead.
import { parentPort } from 'node:worker_threads';
import { helpGemm, type GemmShare } from './gemm-batch';

if (parentPort === null) throw new Error('ease.worker.ts must run in a worker thread');
parentPort.on('message', (share: GemmShare) => helpGemm(share));
